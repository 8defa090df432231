/// One layer of chart marks on a grid of dots: 2×4 dots a cell in braille, 1×1 in ASCII.
/// Layers are composed so a cell shows every layer's dots in the colour of the topmost.
struct DotLayer {
    let columns: Int
    let rows: Int
    let dotsWide: Int
    let dotsHigh: Int
    let style: Style
    /// What the layer draws in a cell when there is no braille.
    let asciiMark: Character
    /// A braille bit mask per cell, row-major.
    private(set) var masks: [UInt8]

    init(columns: Int, rows: Int, braille: Bool, style: Style, asciiMark: Character) {
        self.columns = columns
        self.rows = rows
        dotsWide = braille ? 2 : 1
        dotsHigh = braille ? 4 : 1
        self.style = style
        self.asciiMark = asciiMark
        masks = Array(repeating: 0, count: max(0, columns * rows))
    }

    var dotColumns: Int { columns * dotsWide }
    var dotRows: Int { rows * dotsHigh }

    /// The braille bit of dot (column, row) inside its cell (Unicode's dot numbering).
    private static let bits: [[UInt8]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]

    mutating func set(_ x: Int, _ y: Int) {
        guard x >= 0, y >= 0, x < dotColumns, y < dotRows else { return }
        let cell = (y / dotsHigh) * columns + x / dotsWide
        masks[cell] |= dotsWide == 2 ? Self.bits[x % 2][y % 4] : 1
    }

    /// A straight run of dots from one sample to the next, so the line has no gaps.
    mutating func line(from start: (x: Int, y: Int), to end: (x: Int, y: Int)) {
        let dx = end.x - start.x, dy = end.y - start.y
        let steps = max(abs(dx), abs(dy))
        if steps == 0 { set(start.x, start.y); return }
        for step in 0...steps {
            let x = start.x + Int((Double(dx * step) / Double(steps)).rounded())
            let y = start.y + Int((Double(dy * step) / Double(steps)).rounded())
            set(x, y)
        }
    }

    mutating func horizontal(atDotRow y: Int) {
        for x in 0..<dotColumns { set(x, y) }
    }

    func mask(column: Int, row: Int) -> UInt8 { masks[row * columns + column] }
}
