/// The grid as lines of text for a plain stream (standard output or error, no ncurses): with a
/// theme, each run of cells in the same style gets its SGR colour and attributes from the theme's
/// roles; without one (NO_COLOR, not a terminal), characters only. Trailing blanks are dropped.
extension Buffer {
    public func ansiLines(theme: Theme?) -> [String] {
        (0..<height).map { y in
            var cellsOfRow = Array(cells[(y * width)..<(y * width + width)])
            while let last = cellsOfRow.last, last.character == " ", !last.style.reverse { cellsOfRow.removeLast() }
            guard let theme else { return String(cellsOfRow.map(\.character)) }
            var line = ""
            var current: Style?
            for cell in cellsOfRow {
                if cell.style != current {
                    line += Self.sgr(cell.style, theme: theme)
                    current = cell.style
                }
                line.append(cell.character)
            }
            return current == nil ? line : line + "\u{1B}[0m"
        }
    }

    /// The escape sequence that draws `style` in `theme`'s colours (after a reset).
    static func sgr(_ style: Style, theme: Theme) -> String {
        var codes = ["0"]
        if style.bold || theme.boldRoles.contains(style.role) { codes.append("1") }
        if style.dim { codes.append("2") }
        if style.underline { codes.append("4") }
        if style.reverse { codes.append("7") }
        if case .indexed(let index) = theme.foreground(style.role) { codes.append("38;5;\(index)") }
        return "\u{1B}[" + codes.joined(separator: ";") + "m"
    }
}
