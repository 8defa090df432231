/// One colour of the xterm 256-colour palette, or the terminal's own default.
public enum PaletteColour: Sendable, Hashable {
    /// Whatever the terminal uses (transparent backgrounds stay transparent).
    case terminalDefault
    case indexed(UInt8)

    /// The ncurses colour number: -1 for the default, else the palette index (mapped down on
    /// terminals with fewer than 256 colours).
    /// `avoiding` is the background's basic colour, so dim text never vanishes into it.
    func cursesNumber(colours: Int, avoiding background: UInt8?) -> Int16 {
        switch self {
        case .terminalDefault: -1
        case .indexed(let index):
            colours >= 256 ? Int16(index) : Int16(PaletteColour.nearestBasic(to: index, avoiding: background))
        }
    }

    /// The nearest of the eight basic colours (0 black … 7 white) to a 256-palette index,
    /// so 8-colour terminals keep the theme's intent (profit green, loss red).
    /// With `avoiding`, that colour is never chosen unless asked for exactly.
    static func nearestBasic(to index: UInt8, avoiding: UInt8? = nil) -> UInt8 {
        if index < 8 { return index }
        if index < 16 { return index - 8 }
        let target = rgb(of: index)
        var best: UInt8 = 0
        var bestDistance = Int.max
        for basic in UInt8(0)..<8 where basic != avoiding {
            let candidate = rgb(of: basic)
            // Weighted like the eye: green matters most, blue least.
            let dr = target.r - candidate.r, dg = target.g - candidate.g, db = target.b - candidate.b
            let distance = 3 * dr * dr + 4 * dg * dg + 2 * db * db
            if distance < bestDistance { bestDistance = distance; best = basic }
        }
        return best
    }

    /// The RGB value xterm gives a palette index.
    static func rgb(of index: UInt8) -> (r: Int, g: Int, b: Int) {
        let basic: [(Int, Int, Int)] = [
            (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
            (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
        ]
        switch index {
        case 0..<16:
            let (r, g, b) = basic[Int(index)]
            return (r, g, b)
        case 16..<232:
            let levels = [0, 95, 135, 175, 215, 255]
            let cube = Int(index) - 16
            return (levels[cube / 36], levels[cube / 6 % 6], levels[cube % 6])
        default:
            let grey = 8 + 10 * (Int(index) - 232)
            return (grey, grey, grey)
        }
    }
}
