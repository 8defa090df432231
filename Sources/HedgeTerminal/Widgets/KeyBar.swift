/// The bottom line: the keys that matter, and the status message (acknowledgements, prompts).
struct KeyBar {
    var keyMap: KeyMap
    var status: StatusMessage?

    func render(into buffer: inout Buffer, area: Rect, glyphs: GlyphSet) {
        guard !area.isEmpty else { return }
        let y = area.y
        var x = area.x
        for binding in keyMap.bindings where binding.onKeyBar {
            guard x + binding.label.count + binding.summary.count + 3 <= area.maxX else { break }
            x = buffer.put(" " + binding.label, x: x, y: y, style: Style(.accent, bold: true))
            x = buffer.put(" " + binding.summary + " ", x: x, y: y, style: Style(.muted))
        }
        guard let status else { return }
        // The status line wins over keys when both cannot fit: it answers what the trader just did.
        let room = area.width - 1
        let text = Buffer.fitted(status.text, to: room, ellipsis: glyphs.ellipsis)
        let start = max(area.x, min(x + 2, area.maxX - text.count - 1))
        if start < x { buffer.fill(Rect(x: start, y: y, width: area.maxX - start, height: 1)) }
        buffer.put(text, x: start, y: y, style: Style(status.role, bold: true))
    }
}
