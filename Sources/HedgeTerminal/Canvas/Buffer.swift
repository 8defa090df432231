/// The cell grid widgets draw into. Writes outside the grid are clipped, never trapped, so a
/// widget given a rect larger than the screen cannot crash it.
public struct Buffer: Sendable, Hashable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]
    /// A terminal without UTF-8: text is written with ASCII look-alikes (`>=` for `≥`), folded
    /// before it is fitted, so nothing shows as `?` and cuts still land on whole words.
    public var asciiOnly: Bool

    public init(width: Int, height: Int, asciiOnly: Bool = false) {
        self.width = max(0, width)
        self.height = max(0, height)
        self.asciiOnly = asciiOnly
        cells = Array(repeating: .blank, count: self.width * self.height)
    }

    var area: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    public subscript(x: Int, y: Int) -> Cell {
        get { contains(x, y) ? cells[y * width + x] : .blank }
        set { if contains(x, y) { cells[y * width + x] = newValue } }
    }

    public func contains(_ x: Int, _ y: Int) -> Bool { x >= 0 && y >= 0 && x < width && y < height }

    /// Writes `text` from (x, y) on one line, clipped to `limit` columns (and the grid).
    /// Returns the column after the last character written.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: Style = .plain, limit: Int? = nil) -> Int {
        guard y >= 0, y < height else { return x }
        let text = asciiOnly ? ASCIIFallback.fold(text) : text
        let end = min(width, limit.map { x + max(0, $0) } ?? width)
        var column = x
        for character in text {
            if column >= end { break }
            // Control characters would move the terminal's cursor; show them as spaces.
            let shown: Character = character.isNewline || character.unicodeScalars.first.map({ $0.value < 0x20 || $0.value == 0x7F }) == true ? " " : character
            if column >= 0 { cells[y * width + column] = Cell(shown, style: style) }
            column += 1
        }
        return column
    }

    /// Writes `text` inside `rect` on row `row`, cut with an ellipsis when it does not fit.
    @discardableResult
    public mutating func put(_ text: String, in rect: Rect, row: Int, column: Int = 0, style: Style = .plain, glyphs: GlyphSet = .unicode) -> Int {
        guard row >= 0, row < rect.height, column < rect.width else { return rect.x + column }
        let room = rect.width - column
        let text = asciiOnly ? ASCIIFallback.fold(text) : text
        return put(Self.fitted(text, to: room, ellipsis: glyphs.ellipsis), x: rect.x + column, y: rect.y + row, style: style, limit: room)
    }

    /// Fills `rect` with `character` in `style`.
    public mutating func fill(_ rect: Rect, with character: Character = " ", style: Style = .plain) {
        for y in max(0, rect.y)..<max(max(0, rect.y), min(height, rect.maxY)) {
            for x in max(0, rect.x)..<max(max(0, rect.x), min(width, rect.maxX)) {
                cells[y * width + x] = Cell(character, style: style)
            }
        }
    }

    /// Sets the style of every cell of `rect` without touching characters (highlighting a row).
    mutating func restyle(_ rect: Rect, style: Style) {
        for y in rect.y..<max(rect.y, rect.maxY) {
            for x in rect.x..<max(rect.x, rect.maxX) where contains(x, y) {
                cells[y * width + x].style = style
            }
        }
    }

    /// The grid as text, one string a row: what tests compare.
    public func lines() -> [String] {
        (0..<height).map { y in String(cells[(y * width)..<(y * width + width)].map(\.character)) }
    }

    /// `text` cut to `width` characters, with `ellipsis` as the last one when cut.
    static func fitted(_ text: String, to width: Int, ellipsis: Character) -> String {
        guard width > 0 else { return "" }
        guard text.count > width else { return text }
        return String(text.prefix(width - 1)) + String(ellipsis)
    }
}
