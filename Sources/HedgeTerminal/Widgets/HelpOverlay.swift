/// Every key with what it does, drawn over the screen (htop's manners: nothing hidden). Lines
/// too long for the terminal wrap under their description instead of being cut.
struct HelpOverlay {
    var keyMap: KeyMap
    /// Said at the bottom when commands are refused (read-only, disconnected).
    var refusal: String?

    static let keyColumn = 11
    static let footer = "any key closes this help"

    func render(into buffer: inout Buffer, area: Rect, glyphs: GlyphSet) {
        // Border (2) and a space each side of the text (2).
        let room = max(Self.keyColumn + 10, area.width - 4)
        var lines: [String] = []
        for binding in keyMap.bindings where !binding.help.isEmpty {
            let wrapped = Self.wrap(binding.help, width: room - Self.keyColumn)
            for (index, part) in wrapped.enumerated() {
                lines.append((index == 0 ? binding.label : "").padded(to: Self.keyColumn) + part)
            }
        }
        var footer = [Self.footer]
        if let refusal { footer.insert(refusal, at: 0) }
        let widest = (lines + footer).map(\.count).max() ?? 0
        let width = min(area.width, widest + 4)
        let height = min(area.height, lines.count + footer.count + 2)
        let box = Rect(x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 2, width: width, height: height)
        buffer.fill(box)
        let inner = buffer.box(box, title: "Keys", border: Style(.accent), glyphs: glyphs)
        // The footer always shows: the key lines give way first when rows are short.
        let keyRows = max(0, inner.height - footer.count)
        for (row, line) in lines.prefix(keyRows).enumerated() {
            buffer.put(" " + line, in: inner, row: row, style: Style(.text), glyphs: glyphs)
        }
        for (offset, line) in footer.enumerated() where keyRows + offset < inner.height {
            buffer.put(" " + line, in: inner, row: min(lines.count, keyRows) + offset, style: Style(.muted), glyphs: glyphs)
        }
    }

    /// Splits `text` at spaces into lines of at most `width` characters (a longer word is cut).
    static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0, text.count > width else { return [text] }
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            if current.isEmpty {
                current = String(word)
            } else if current.count + 1 + word.count <= width {
                current += " " + word
            } else {
                lines.append(current)
                current = String(word)
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}
