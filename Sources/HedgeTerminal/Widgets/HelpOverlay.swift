/// Every key with what it does, drawn over the screen (htop's manners: nothing hidden).
struct HelpOverlay {
    var keyMap: KeyMap

    func render(into buffer: inout Buffer, area: Rect, glyphs: GlyphSet) {
        let lines = keyMap.bindings.map { $0.label.padded(to: 11) + $0.help }
        let width = min(area.width, (lines.map(\.count).max() ?? 0) + 4)
        let height = min(area.height, lines.count + 3)
        let box = Rect(x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 2, width: width, height: height)
        buffer.fill(box)
        let inner = buffer.box(box, title: "Keys", border: Style(.accent), glyphs: glyphs)
        for (row, line) in lines.enumerated() where row < inner.height {
            buffer.put(" " + line, in: inner, row: row, style: Style(.text), glyphs: glyphs)
        }
        if inner.height > lines.count {
            buffer.put(" Esc or ? closes this", in: inner, row: lines.count, style: Style(.muted), glyphs: glyphs)
        }
    }
}
