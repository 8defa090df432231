/// btop-style boxes: a border with the title set into the top line.
extension Buffer {
    /// Draws a border around `rect` with `title` in the top line; returns the inside.
    @discardableResult
    public mutating func box(_ rect: Rect, title: String? = nil, titleStyle: Style = Style(.title, bold: true),
                             border: Style = Style(.border), glyphs: GlyphSet) -> Rect {
        guard rect.width >= 2, rect.height >= 2 else { return Rect(x: rect.x, y: rect.y, width: 0, height: 0) }
        let right = rect.maxX - 1, bottom = rect.maxY - 1
        for x in (rect.x + 1)..<right {
            self[x, rect.y] = Cell(glyphs.horizontal, style: border)
            self[x, bottom] = Cell(glyphs.horizontal, style: border)
        }
        for y in (rect.y + 1)..<bottom {
            self[rect.x, y] = Cell(glyphs.vertical, style: border)
            self[right, y] = Cell(glyphs.vertical, style: border)
        }
        self[rect.x, rect.y] = Cell(glyphs.topLeft, style: border)
        self[right, rect.y] = Cell(glyphs.topRight, style: border)
        self[rect.x, bottom] = Cell(glyphs.bottomLeft, style: border)
        self[right, bottom] = Cell(glyphs.bottomRight, style: border)
        if let title, rect.width >= 9 {
            // "┌─┤ title ├─┐": seven cells are frame, the rest may hold the title.
            let room = rect.width - 7
            let shown = Self.fitted(title, to: room, ellipsis: glyphs.ellipsis)
            self[rect.x + 2, rect.y] = Cell(glyphs.titleOpen, style: border)
            let end = put(" " + shown + " ", x: rect.x + 3, y: rect.y, style: titleStyle)
            self[end, rect.y] = Cell(glyphs.titleClose, style: border)
        }
        return rect.inset(by: 1)
    }
}

extension Buffer {
    /// Sets `text` into the right end of a box's top border (`├ text ┤`), as btop shows a
    /// panel's figure beside its title; left out when it would run into the title.
    mutating func borderNote(_ text: String, on rect: Rect, style: Style, border: Style = Style(.border), glyphs: GlyphSet) {
        guard rect.width >= 9, rect.height >= 2 else { return }
        let start = rect.maxX - 2 - (text.count + 3)
        // The title ends at most at x + 5 + its own length; keep one rule cell between the two.
        let titleEnd = (rect.x + 3 ..< rect.maxX).last { self[$0, rect.y].character == glyphs.titleClose } ?? rect.x + 1
        guard start > titleEnd + 1 else { return }
        self[start, rect.y] = Cell(glyphs.titleOpen, style: border)
        let end = put(" " + text + " ", x: start + 1, y: rect.y, style: style)
        self[end, rect.y] = Cell(glyphs.titleClose, style: border)
    }
}
