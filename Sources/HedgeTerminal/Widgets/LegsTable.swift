import HedgeCore
import HedgeEngine

/// Both legs side by side: what is held where, at what price, and what it is worth now.
/// Columns the width cannot hold are dropped, least needed first.
struct LegsTable {
    var legs: PerLeg<LegSnapshot>

    private struct Column {
        var title: String
        var width: Int
        /// Higher survives longer when the table is narrow.
        var priority: Int
        var rightAligned: Bool
        var value: (Leg, LegSnapshot) -> (String, ThemeRole)
    }

    private var columns: [Column] {
        [
            Column(title: "leg", width: 3, priority: 9, rightAligned: false) { leg, _ in (leg.description, .accent) },
            Column(title: "venue", width: 14, priority: 3, rightAligned: false) { _, snap in (snap.instrument.venue, .muted) },
            Column(title: "symbol", width: 16, priority: 8, rightAligned: false) { _, snap in (snap.instrument.symbol, .text) },
            Column(title: "side", width: 5, priority: 7, rightAligned: false) { _, snap in
                snap.quantity.isPositive ? ("long", .profit) : snap.quantity.isNegative ? ("short", .loss) : ("flat", .muted)
            },
            Column(title: "qty", width: 10, priority: 7, rightAligned: true) { _, snap in (snap.quantity.magnitude.figure(places: snap.quantity.fractionDigits), .text) },
            Column(title: "entry", width: 11, priority: 5, rightAligned: true) { _, snap in
                (snap.quantity.isZero ? "—" : snap.priceText(snap.averageEntry), .text)
            },
            Column(title: "bid / ask", width: 21, priority: 4, rightAligned: true) { _, snap in
                (snap.quote.map { snap.priceText($0.bid) + " / " + snap.priceText($0.ask) } ?? "no quote", snap.quote == nil ? .muted : .text)
            },
            // How old the quote is (since the feed last spoke for this leg): stale past the venue's limit.
            Column(title: "age", width: 9, priority: 6, rightAligned: true) { _, snap in
                (snap.freshness?.ageText ?? "—", snap.freshness?.role ?? .muted)
            },
            Column(title: "mark", width: 10, priority: 2, rightAligned: true) { _, snap in (snap.mark.map(snap.priceText) ?? "—", .text) },
            Column(title: "uPnL", width: 19, priority: 6, rightAligned: true) { _, snap in
                (snap.unrealisedPnL.amount(in: snap.settlementAsset), PnLPanel.role(snap.unrealisedPnL))
            },
            Column(title: "liq", width: 10, priority: 1, rightAligned: true) { _, snap in (snap.liquidationPrice.map(snap.priceText) ?? "—", .muted) },
        ]
    }

    func render(into buffer: inout Buffer, area: Rect, glyphs: GlyphSet) {
        let inner = buffer.box(area, title: "Legs", glyphs: glyphs)
        guard !inner.isEmpty else { return }
        var shown = columns
        func totalWidth(_ set: [Column]) -> Int { set.reduce(0) { $0 + $1.width } + max(0, set.count - 1) }
        while totalWidth(shown) > inner.width, let weakest = shown.indices.min(by: { shown[$0].priority < shown[$1].priority }), shown.count > 1 {
            shown.remove(at: weakest)
        }
        // Spare width goes to the symbol, the column most likely to be long.
        if let instrument = shown.firstIndex(where: { $0.title == "symbol" }) {
            shown[instrument].width += max(0, inner.width - totalWidth(shown))
        }
        func cellText(_ text: String, _ column: Column) -> String {
            column.rightAligned ? text.leftPadded(to: column.width) : text.padded(to: column.width)
        }
        var x = 0
        for column in shown {
            buffer.put(cellText(column.title, column), in: inner, row: 0, column: x, style: Style(.muted, underline: true), glyphs: glyphs)
            x += column.width + 1
        }
        for (row, leg) in Leg.allCases.enumerated() where row + 1 < inner.height {
            x = 0
            for column in shown {
                let (text, role) = column.value(leg, legs[leg])
                buffer.put(cellText(text, column), in: inner, row: row + 1, column: x, style: Style(role), glyphs: glyphs)
                x += column.width + 1
            }
        }
    }
}
