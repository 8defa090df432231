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
        let stateStyle = Style(ThemeRole.forState(strategy.state), bold: true)
        var x = buffer.put(strategy.state.rawValue, in: inner, row: row, style: stateStyle, glyphs: glyphs)
        x = buffer.put(" for " + (now - strategy.stateSince).compact, in: inner, row: row, column: x - inner.x, style: Style(.muted), glyphs: glyphs)
        if strategy.paused {
            buffer.put(" PAUSED ", in: inner, row: row, column: x - inner.x + 1, style: Style(.warning, bold: true, reverse: true), glyphs: glyphs)
        }
        row += 1
        if let reason = strategy.haltReason {
            buffer.put("halt: " + reason, in: inner, row: row, style: Style(.danger, bold: true), glyphs: glyphs)
            row += 1
        }
        if inner.height >= 6 { row = drawPath(into: &buffer, inner: inner, row: row, glyphs: glyphs) }
        if row < inner.height {
            let stats = "cycles \(strategy.completedCycles)  open orders \(strategy.openOrders.count)  \(strategy.kind.rawValue)"
            buffer.put(stats, in: inner, row: row, style: Style(.muted), glyphs: glyphs)
            row += 1
        }
        for transition in strategy.transitions.reversed() {
            guard row < inner.height else { break }
            let time = CivilTime(transition.time).clock
            var column = buffer.put(time + " ", in: inner, row: row, style: Style(.muted), glyphs: glyphs) - inner.x
            column = buffer.put(glyphs.arrow + " " + transition.to.rawValue, in: inner, row: row, column: column,
                                style: Style(ThemeRole.forState(transition.to)), glyphs: glyphs) - inner.x
            buffer.put("  " + transition.reason, in: inner, row: row, column: column, style: Style(.text), glyphs: glyphs)
            row += 1
        }
    }

    /// One line of the diagram; cut to the states around the current one when narrow.
    private func drawPath(into buffer: inout Buffer, inner: Rect, row: Int, glyphs: GlyphSet) -> Int {
        let separator = glyphs.braille ? " › " : " > "
        let full = Self.path.map(\.1).joined(separator: separator)
        guard full.count <= inner.width, row < inner.height else { return row }
        var column = 0
        for (index, (state, word)) in Self.path.enumerated() {
            if index > 0 { column = buffer.put(separator, in: inner, row: row, column: column, style: Style(.muted), glyphs: glyphs) - inner.x }
            let lit = state == strategy.state
            let style = lit ? Style(ThemeRole.forState(state), bold: true, reverse: true) : Style(.muted)
            column = buffer.put(word, in: inner, row: row, column: column, style: style, glyphs: glyphs) - inner.x
        }
        return row + 1
    }
}
