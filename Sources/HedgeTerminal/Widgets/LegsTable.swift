import HedgeCore
import HedgeEngine

/// Both legs side by side: what is held where, at what price, and what it is worth now; the
/// pair's net exposure (hedged or not) sits in the box's top border, so it is in sight at every
/// size. Columns are as wide as their contents; those the width cannot hold are dropped, least
/// needed first.
struct LegsTable {
    var legs: PerLeg<LegSnapshot>

    typealias Row = (leg: Leg, snap: LegSnapshot)

    static var columns: [TableColumn<Row>] {
        [
        TableColumn(title: "leg", width: 3, priority: 9) { ($0.leg.description, .accent) },
        TableColumn(title: "venue", width: 14, priority: 3, fitsContent: true) { ($0.snap.instrument.venue, .muted) },
        TableColumn(title: "symbol", width: 16, priority: 8, fitsContent: true) { ($0.snap.instrument.symbol, .text) },
        TableColumn(title: "side", width: 5, priority: 7, fitsContent: true) { row in
            row.snap.quantity.isPositive ? ("long", .profit) : row.snap.quantity.isNegative ? ("short", .loss) : ("flat", .muted)
        },
        TableColumn(title: "qty", width: 10, priority: 7, rightAligned: true, fitsContent: true) { ($0.snap.quantity.magnitude.figure(places: $0.snap.quantity.fractionDigits), .text) },
        TableColumn(title: "entry", width: 11, priority: 5, rightAligned: true, fitsContent: true) { row in
            (row.snap.quantity.isZero ? "—" : row.snap.priceText(row.snap.averageEntry), .text)
        },
        TableColumn(title: "bid / ask", width: 21, priority: 4, rightAligned: true, fitsContent: true) { row in
            let snap = row.snap
            return (snap.quote.map { snap.priceText($0.bid) + " / " + snap.priceText($0.ask) } ?? "no quote", snap.quote == nil ? .muted : .text)
        },
        // How old the quote is (since the feed last spoke for this leg): stale past the venue's limit.
        TableColumn(title: "age", width: 9, priority: 6, rightAligned: true, fitsContent: true) { row in
            (row.snap.freshness?.ageText ?? "—", row.snap.freshness?.role ?? .muted)
        },
        TableColumn(title: "mark", width: 10, priority: 2, rightAligned: true, fitsContent: true) { ($0.snap.mark.map($0.snap.priceText) ?? "—", .text) },
        TableColumn(title: "uPnL", width: 19, priority: 6, rightAligned: true, fitsContent: true) { row in
            (row.snap.unrealisedPnL.amount(in: row.snap.settlementAsset), PnLPanel.role(row.snap.unrealisedPnL))
        },
        TableColumn(title: "liq", width: 10, priority: 1, rightAligned: true, fitsContent: true) { ($0.snap.liquidationPrice.map($0.snap.priceText) ?? "—", .muted) },
        ]
    }

    var rows: [Row] { Leg.allCases.map { ($0, legs[$0]) } }

    /// The box width that shows every column whole: the layout gives the rest of the row to others.
    var naturalWidth: Int { TableLayout(columns: Self.columns).naturalWidth(rows) + 2 }

    func render(into buffer: inout Buffer, area: Rect, glyphs: GlyphSet) {
        let inner = buffer.box(area, title: "Legs", glyphs: glyphs)
        guard !inner.isEmpty else { return }
        if let net = RiskPanel.netExposure(legs) {
            buffer.borderNote(net.text, on: area, style: net.style, glyphs: glyphs)
        }
        TableLayout(columns: Self.columns).render(rows, into: &buffer, inner: inner, glyphs: glyphs)
    }
}
