/// A yes/no box in the middle of the screen; nothing is sent until `y` or Enter.
struct ConfirmDialog {
    var dialog: Dialog

    func render(into buffer: inout Buffer, area: Rect, glyphs: GlyphSet) {
        let prompt = dialog.prompt
        let lines = dialog.lines + dialog.warnings
        let widest = max(prompt.count, dialog.title.count + 8, lines.map(\.count).max() ?? 0)
        let width = min(area.width, widest + 4)
        let height = min(area.height, lines.count + 4)
        let box = Rect(x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 2, width: width, height: height)
        buffer.fill(box)
        let role: ThemeRole = dialog.danger ? .danger : .warning
        let inner = buffer.box(box, title: dialog.title + "?", titleStyle: Style(role, bold: true), border: Style(role, bold: true), glyphs: glyphs)
        for (row, line) in lines.enumerated() where row < inner.height - 1 {
            let style = row < dialog.lines.count ? Style(.text) : Style(.warning, bold: true)
            buffer.put(" " + line, in: inner, row: row, style: style, glyphs: glyphs)
        }
        buffer.put(" " + prompt, in: inner, row: inner.height - 1, style: Style(role, bold: true), glyphs: glyphs)
    }
}
