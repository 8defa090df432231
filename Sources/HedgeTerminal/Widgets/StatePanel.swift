import HedgeCore
import HedgeEngine

/// Where the strategy is in the hedging state machine, for how long, and how it got there.
struct StatePanel {
    var strategy: StrategySnapshot
    var now: Timestamp

    /// The happy path of the state diagram, in short words, with the current state lit.
    private static let path: [(StrategyStateName, String)] = [
        (.scanning, "scan"), (.spreadDetected, "detect"), (.validating, "validate"), (.openingLong, "open A"),
        (.openingShort, "open B"), (.monitoring, "monitor"), (.closing, "close"), (.completed, "done"),
    ]

    func render(into buffer: inout Buffer, area: Rect, glyphs: GlyphSet) {
        let inner = buffer.box(area, title: "State", glyphs: glyphs)
        guard !inner.isEmpty else { return }
        var row = 0
        let stateStyle = Style(strategy.shownStateRole, bold: true)
        var x = buffer.put(strategy.shownState, in: inner, row: row, style: stateStyle, glyphs: glyphs)
        x = buffer.put(" for " + (now - strategy.stateSince).compact, in: inner, row: row, column: x - inner.x, style: Style(.muted), glyphs: glyphs)
        if strategy.shownPaused {
            buffer.put(" PAUSED ", in: inner, row: row, column: x - inner.x + 1, style: Style(.warning, bold: true, reverse: true), glyphs: glyphs)
        }
        row += 1
        if let reason = strategy.haltReason {
            buffer.put("halt: " + reason, in: inner, row: row, style: Style(.danger, bold: true), glyphs: glyphs)
            row += 1
        }
        // Why nothing opens or adjusts now: the engine sends no entry or adjustment on a stale leg.
        for leg in strategy.staleLegs where row < inner.height {
            let freshness = strategy.legs[leg].freshness
            let age = freshness?.age.map(\.roughText) ?? "—", limit = freshness?.limitText ?? "—"
            // A live feed's reason ("binance-usdm resyncing: ...") says more than an age.
            let text = freshness?.unavailable.map { "leg \(leg) \($0): no entry/adjust" }
                ?? "leg \(leg) stale \(age) (limit \(limit)): no entry/adjust"
            buffer.put(text, in: inner, row: row, style: Style(.warning, bold: true), glyphs: glyphs)
            row += 1
        }
        if inner.height >= 4 { row = drawPath(into: &buffer, inner: inner, row: row, glyphs: glyphs) }
        if row < inner.height {
            // The kind only when it fits whole (the spread panel's title names it too): never `cale…`.
            var stats = "cycles \(strategy.completedCycles)  open orders \(strategy.openOrders.count)"
            if stats.count + 2 + strategy.kind.rawValue.count <= inner.width { stats += "  " + strategy.kind.rawValue }
            buffer.put(stats, in: inner, row: row, style: Style(.muted), glyphs: glyphs)
            row += 1
        }
        for transition in strategy.transitions.reversed() {
            guard row < inner.height else { break }
            let time = CivilTime(transition.time).clock
            var column = buffer.put(time + " ", in: inner, row: row, style: Style(.muted), glyphs: glyphs) - inner.x
            column = buffer.put(glyphs.arrow + " " + strategy.shownName(of: transition), in: inner, row: row, column: column,
                                style: Style(strategy.shownRole(of: transition)), glyphs: glyphs) - inner.x
            buffer.put("  " + transition.reason, in: inner, row: row, column: column, style: Style(.text), glyphs: glyphs)
            row += 1
        }
    }

    /// Off the happy path: reached from monitoring (adjust) or from anywhere (unwind, error);
    /// a kill-switch halt is lit as "halted".
    private var branches: [(StrategyStateName, String)] {
        [(.adjusting, "adjust"), (.unwinding, "unwind"), (.error, strategy.haltedByKillSwitch ? "halted" : "error")]
    }

    /// The state diagram: the happy path flowed over as many rows as the width needs, then the
    /// states off it; the current state is lit (reverse, its state colour).
    private func drawPath(into buffer: inout Buffer, inner: Rect, row: Int, glyphs: GlyphSet) -> Int {
        let separator = glyphs.braille ? " › " : " > "
        var row = row, column = 0
        for (index, (state, word)) in Self.path.enumerated() {
            let lead = index == 0 ? "" : separator
            if column + lead.count + word.count > inner.width, column > 0 {
                row += 1
                column = 0
            }
            guard row < inner.height else { return row }
            if column > 0 || index > 0 {
                column = buffer.put(column == 0 ? String(separator.dropFirst()) : lead, in: inner, row: row, column: column, style: Style(.muted), glyphs: glyphs) - inner.x
            }
            column = buffer.put(word, in: inner, row: row, column: column, style: style(for: state), glyphs: glyphs) - inner.x
        }
        row += 1
        guard row < inner.height else { return row }
        column = buffer.put("  ↳ ", in: inner, row: row, style: Style(.muted), glyphs: glyphs) - inner.x
        for (index, (state, word)) in branches.enumerated() {
            if index > 0 { column = buffer.put(" · ", in: inner, row: row, column: column, style: Style(.muted), glyphs: glyphs) - inner.x }
            column = buffer.put(word, in: inner, row: row, column: column, style: style(for: state), glyphs: glyphs) - inner.x
        }
        return row + 1
    }

    private func style(for state: StrategyStateName) -> Style {
        state == strategy.state ? Style(strategy.shownStateRole, bold: true, reverse: true) : Style(.muted)
    }
}
