import HedgeCore
import HedgeEngine

/// The selected strategy's working orders, oldest first.
struct OrdersTable {
    var orders: [OrderSnapshot]
    var now: Timestamp

    func render(into buffer: inout Buffer, area: Rect, glyphs: GlyphSet) {
        let inner = buffer.box(area, title: "Orders (\(orders.count))", glyphs: glyphs)
        guard !inner.isEmpty else { return }
        guard !orders.isEmpty else {
            buffer.put("no working orders", in: inner, row: 0, style: Style(.muted), glyphs: glyphs)
            return
        }
        let now = self.now
        let columns: [TableColumn<OrderSnapshot>] = [
            TableColumn(title: "leg", width: 3, priority: 9) { ($0.leg.description, .accent) },
            TableColumn(title: "symbol", width: 14, priority: 3, fitsContent: true) { ($0.instrument.symbol, .text) },
            TableColumn(title: "side", width: 4, priority: 8) { ($0.side.rawValue, $0.side == .buy ? .profit : .loss) },
            TableColumn(title: "qty", width: 9, priority: 8, rightAligned: true) { ($0.quantity.figure(places: $0.quantity.fractionDigits), .text) },
            TableColumn(title: "filled", width: 9, priority: 5, rightAligned: true) { ($0.filled.figure(places: $0.filled.fractionDigits), .muted) },
            TableColumn(title: "for", width: 7, priority: 7) { ($0.purpose.rawValue, .text) },
            TableColumn(title: "age", width: 6, priority: 4, rightAligned: true) { ((now - $0.sentAt).compact, .muted) },
            TableColumn(title: "id", width: 10, priority: 1) { ($0.id.description, .muted) },
        ]
        TableLayout(columns: columns).render(orders, into: &buffer, inner: inner, glyphs: glyphs)
    }
}
