import HedgeCore
import HedgeEngine

/// Both legs side by side: what is held where, at what price, and what it is worth now; the
/// pair's net exposure (hedged or not) sits in the box's top border, so it is in sight at every
/// size. Columns are as wide as their contents; those the width cannot hold are dropped, least
/// needed first.
struct LegsTable {
    var legs: PerLeg<LegSnapshot>

    /// A leg, and the decimal places of the widest-ticked leg, to which every price column is
    /// aligned: venues with different ticks (0.1 beside 0.01) line up on the decimal point.
    typealias Row = (leg: Leg, snap: LegSnapshot, places: Int)

    /// A price to its leg's tick, padded on the right to `places` so the points line up.
    static func price(_ price: FixedDecimal, _ row: Row) -> String {
        row.snap.priceText(price).alignedDecimal(to: row.places)
    }

    static var columns: [TableColumn<Row>] {
        [
        TableColumn(title: "leg", width: 3, priority: 9) { ($0.leg.description, .accent) },
        TableColumn(title: "venue", width: 14, priority: 3, fitsContent: true) { ($0.snap.instrument.venue, .muted) },
        TableColumn(title: "symbol", width: 16, priority: 8, fitsContent: true) { ($0.snap.instrument.symbol, .text) },
        TableColumn(title: "side", width: 5, priority: 7, fitsContent: true) { row in
            row.snap.quantity.isPositive ? ("long", .profit) : row.snap.quantity.isNegative ? ("short", .loss) : ("flat", .muted)
        },
        TableColumn(title: "qty", width: 10, priority: 7, rightAligned: true, fitsContent: true) { ($0.snap.quantityText($0.snap.quantity.magnitude), .text) },
        TableColumn(title: "entry", width: 11, priority: 5, rightAligned: true, fitsContent: true) { row in
            (row.snap.quantity.isZero ? "—" : price(row.snap.averageEntry, row), .text)
        },
        TableColumn(title: "bid / ask", width: 21, priority: 4, rightAligned: true, fitsContent: true) { row in
            let snap = row.snap
            return (snap.quote.map { price($0.bid, row) + " / " + price($0.ask, row) } ?? "no quote", snap.quote == nil ? .muted : .text)
        },
        // How old the quote is (since the feed last spoke for this leg): stale past the venue's limit.
        TableColumn(title: "age", width: 9, priority: 6, rightAligned: true, fitsContent: true) { row in
            (row.snap.freshness?.ageText ?? "—", row.snap.freshness?.role ?? .muted)
        },
        TableColumn(title: "mark", width: 10, priority: 2, rightAligned: true, fitsContent: true) { row in (row.snap.mark.map { price($0, row) } ?? "—", .text) },
        TableColumn(title: "uPnL", width: 19, priority: 6, rightAligned: true, fitsContent: true) { row in
            (row.snap.unrealisedPnL.amount(in: row.snap.settlementAsset), PnLPanel.role(row.snap.unrealisedPnL))
        },
        TableColumn(title: "liq", width: 10, priority: 1, rightAligned: true, fitsContent: true) { row in (row.snap.liquidationPrice.map { price($0, row) } ?? "—", .muted) },
        ]
    }

    var rows: [Row] {
        let places = Leg.allCases.map { legs[$0].pricePlaces }.max() ?? 0
        return Leg.allCases.map { ($0, legs[$0], places) }
    }

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
