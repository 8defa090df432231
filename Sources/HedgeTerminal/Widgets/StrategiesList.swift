import HedgeCore
import HedgeEngine

/// Every strategy on one line: the selected one is lit, and the rest of the screen shows it.
/// Sorted and filtered as `view` says (`s`, `o`); the title says how many of all are shown.
struct StrategiesList {
    /// As shown: already filtered and sorted.
    var strategies: [StrategySnapshot]
    /// Its row in `strategies`; nil when the filter hides it.
    var selected: Int?
    var now: Timestamp
    /// How many strategies run, shown or not (nil: all are shown).
    var total: Int? = nil
    var view = StrategyView()

    static func columns(now: Timestamp, glyphs: GlyphSet) -> [TableColumn<StrategySnapshot>] {
        [
            TableColumn(title: "strategy", width: 14, priority: 9, fitsContent: true) { ($0.name, .accent) },
            TableColumn(title: "kind", width: 9, priority: 3, fitsContent: true) { ($0.kind.rawValue, .muted) },
            TableColumn(title: "legs", width: 20, priority: 2, fitsContent: true) {
                ($0.legs.a.instrument.symbol + " / " + $0.legs.b.instrument.symbol, .text)
            },
            TableColumn(title: "state", width: 22, priority: 8) { strategy in
                (strategy.shownState + (strategy.shownPaused ? " ‖" : ""), strategy.shownStateRole)
            },
            TableColumn(title: "spread bps", width: 10, priority: 7, rightAligned: true) {
                ($0.spreadBps?.formatted(places: 1, plusSign: true) ?? "—", .spreadLine)
            },
            TableColumn(title: "PnL USD", width: 11, priority: 6, rightAligned: true) { ($0.pnl.net.usd, PnLPanel.role($0.pnl.net)) },
            TableColumn(title: "in state", width: 8, priority: 5, rightAligned: true) { ((now - $0.stateSince).compact, .muted) },
            // The older leg's data age; "stale A" (warning) while a leg is past its venue's limit.
            TableColumn(title: "data", width: 9, priority: 4, rightAligned: true) { strategy in
                let stale = strategy.staleLegs
                if !stale.isEmpty { return ("stale " + stale.map(\.description).joined(), .warning) }
                let ages = Leg.allCases.compactMap { strategy.legs[$0].freshness?.age }
                return (ages.max()?.ageText ?? "—", .muted)
            },
        ]
    }

    func render(into buffer: inout Buffer, area: Rect, glyphs: GlyphSet) {
        let all = total ?? strategies.count
        var title = "Strategies"
        if let selected, strategies.count > 1 { title += " \(selected + 1)/\(strategies.count)" }
        if strategies.count != all { title += (strategies.count > 1 && selected != nil ? " of \(all)" : " \(strategies.count) of \(all)") }
        if let label = view.label { title += " · " + label }
        let inner = buffer.box(area, title: title, glyphs: glyphs)
        guard !inner.isEmpty else { return }
        if strategies.isEmpty {
            buffer.put("no strategy is \(view.filterLabel ?? "running") (o: next filter)", in: inner, row: 0, style: Style(.muted), glyphs: glyphs)
            return
        }
        let selected = selected ?? -1
        // Scroll so the selected row is always visible.
        let visible = max(1, inner.height - 1)
        let first = max(0, min(selected - visible + 1, strategies.count - visible))
        let rows = Array(strategies.dropFirst(first))
        // Columns sized to every strategy, not only those in sight, so scrolling does not move them.
        TableLayout(columns: TableLayout(columns: Self.columns(now: now, glyphs: glyphs)).measured(strategies))
            .render(rows, into: &buffer, inner: inner, glyphs: glyphs) { index in
                index + first == selected ? Style(.selected, bold: true, reverse: true) : nil
            }
    }
}
