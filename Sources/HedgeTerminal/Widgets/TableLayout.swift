/// A column of a table widget: fixed width, dropped (lowest priority first) when too narrow.
struct TableColumn<Row> {
    var title: String
    var width: Int
    /// Higher survives longer when the table is narrow.
    var priority: Int
    var rightAligned: Bool = false
    /// Takes the spare width.
    var flexible: Bool = false
    /// As wide as its title or its widest value, whichever is wider: names and symbols are shown
    /// whole, never cut to `basi…`, and never padded with blanks they do not fill.
    var fitsContent: Bool = false
    var value: (Row) -> (String, ThemeRole)
}

/// Draws rows under a header, columns fitted to the width.
struct TableLayout<Row> {
    var columns: [TableColumn<Row>]

    /// The columns `rows` need, before any is dropped for width: content-sized ones measured.
    func measured(_ rows: [Row]) -> [TableColumn<Row>] {
        columns.map { column in
            guard column.fitsContent else { return column }
            var sized = column
            // A number gets one more blank before it, so two figures never read as one.
            sized.width = rows.reduce(column.title.count) { max($0, column.value($1).0.count) } + (column.rightAligned ? 1 : 0)
            sized.fitsContent = false
            return sized
        }
    }

    /// The width every column of `rows` takes, gaps included: what the table needs to be whole.
    func naturalWidth(_ rows: [Row]) -> Int {
        let sized = measured(rows)
        return sized.reduce(0) { $0 + $1.width } + max(0, sized.count - 1)
    }

    func fitted(to width: Int, rows: [Row] = []) -> [TableColumn<Row>] {
        var shown = measured(rows)
        func total(_ set: [TableColumn<Row>]) -> Int { set.reduce(0) { $0 + $1.width } + max(0, set.count - 1) }
        while total(shown) > width, shown.count > 1, let weakest = shown.indices.min(by: { shown[$0].priority < shown[$1].priority }) {
            shown.remove(at: weakest)
        }
        if let flexible = shown.firstIndex(where: \.flexible) { shown[flexible].width += max(0, width - total(shown)) }
        return shown
    }

    /// Header on row 0, then one row per item; returns the rows drawn (header included).
    /// `rowStyle` gives a row one style across the whole width (the selection bar).
    @discardableResult
    func render(_ rows: [Row], into buffer: inout Buffer, inner: Rect, glyphs: GlyphSet, rowStyle: (Int) -> Style? = { _ in nil }) -> Int {
        let shown = fitted(to: inner.width, rows: rows)
        func cellText(_ text: String, _ column: TableColumn<Row>) -> String {
            column.rightAligned ? text.leftPadded(to: column.width) : text.padded(to: column.width)
        }
        var x = 0
        for column in shown {
            buffer.put(cellText(column.title, column), in: inner, row: 0, column: x, style: Style(.muted, underline: true), glyphs: glyphs)
            x += column.width + 1
        }
        var drawn = 1
        for (index, row) in rows.enumerated() where index + 1 < inner.height {
            x = 0
            let override = rowStyle(index)
            for column in shown {
                let (text, role) = column.value(row)
                // A row style replaces the columns' colours: a selected row is one bar in one
                // colour (as btop draws it), not a patch per column.
                let style = override ?? Style(role)
                buffer.put(cellText(text, column), in: inner, row: index + 1, column: x, style: style, glyphs: glyphs)
                if let override, x + column.width < inner.width {
                    // Fill the gap between columns so a selected row reads as one bar.
                    buffer.put(" ", in: inner, row: index + 1, column: x + column.width, style: override, glyphs: glyphs)
                }
                x += column.width + 1
            }
            if let override, x - 1 < inner.width {
                buffer.restyle(Rect(x: inner.x + max(0, x - 1), y: inner.y + index + 1, width: inner.width - max(0, x - 1), height: 1), style: override)
            }
            drawn += 1
        }
        return drawn
    }
}
