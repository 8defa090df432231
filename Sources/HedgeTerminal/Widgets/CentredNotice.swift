/// A message alone in the middle of the screen ("terminal too small", "waiting for the engine").
struct CentredNotice {
    var lines: [String]
    var style: Style

    func render(into buffer: inout Buffer, area: Rect, glyphs: GlyphSet) {
        let top = area.y + max(0, (area.height - lines.count) / 2)
        for (offset, line) in lines.enumerated() {
            let text = Buffer.fitted(line, to: area.width, ellipsis: glyphs.ellipsis)
            buffer.put(text, x: area.x + max(0, (area.width - text.count) / 2), y: top + offset, style: style)
        }
    }
}
