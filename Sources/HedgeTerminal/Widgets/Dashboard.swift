import HedgeCore
import HedgeEngine

/// The whole screen for one snapshot: lays the panels out for the terminal's size and draws
/// them. Pure: the same snapshot, input and size always give the same grid.
public struct Dashboard: Sendable {
    /// Below this the panels cannot hold their figures; a notice is shown instead.
    static let minimumWidth = 80
    static let minimumHeight = 24

    public var glyphs: GlyphSet

    public init(glyphs: GlyphSet) { self.glyphs = glyphs }

    public func render(_ snapshot: EngineSnapshot?, input: ScreenInput, width: Int, height: Int) -> Buffer {
        var buffer = Buffer(width: width, height: height, asciiOnly: !glyphs.braille)
        draw(snapshot, input: input, into: &buffer)
        if !glyphs.braille { buffer.replaceNonASCII() }
        return buffer
    }

    private func draw(_ snapshot: EngineSnapshot?, input: ScreenInput, into buffer: inout Buffer) {
        let area = buffer.area
        guard area.width >= Self.minimumWidth, area.height >= Self.minimumHeight else {
            var lines = ["terminal too small: need \(Self.minimumWidth)×\(Self.minimumHeight), have \(area.width)×\(area.height)",
                         "enlarge the window, or press q to " + (input.context.isAttached ? "detach" : "quit")]
            // A dialog must still be readable before anyone answers it.
            if let dialog = input.dialog { lines.append(dialog.title + "? " + dialog.prompt.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")) }
            CentredNotice(lines: lines,
                          style: Style(.warning, bold: true)).render(into: &buffer, area: area, glyphs: glyphs)
            return
        }
        let (header, rest) = area.splitTop(1)
        let (body, footer) = rest.splitBottom(1)
        KeyBar(keyMap: input.keyMap, status: input.status, refusal: input.context.keyBarRefusal).render(into: &buffer, area: footer, glyphs: glyphs)
        guard let snapshot else {
            CentredNotice(lines: ["waiting for the engine's first snapshot…"], style: Style(.muted))
                .render(into: &buffer, area: body, glyphs: glyphs)
            drawOverlays(input: input, body: body, into: &buffer)
            return
        }
        let selected = input.selectedIndex(in: snapshot)
        HeaderBar(snapshot: snapshot, selected: selected, context: input.context, dataAge: input.staleFor)
            .render(into: &buffer, area: header, glyphs: glyphs)
        guard !snapshot.strategies.isEmpty else {
            let (top, logArea) = body.splitBottom(max(4, body.height / 3))
            CentredNotice(lines: ["no strategies running"], style: Style(.muted)).render(into: &buffer, area: top, glyphs: glyphs)
            input.eventLog(for: snapshot).render(into: &buffer, area: logArea, glyphs: glyphs)
            drawOverlays(input: input, body: body, into: &buffer)
            return
        }
        let strategy = snapshot.strategies[selected]
        let shown = input.shownStrategies(in: snapshot)
        let layout = Layout(body: body, strategyCount: max(1, shown.count))
        if let desk = snapshot.desk { DeskStrip(desk: desk).render(into: &buffer, area: layout.desk, glyphs: glyphs) }
        StrategiesList(strategies: shown, selected: shown.firstIndex { $0.name == strategy.name }, now: snapshot.time,
                       total: snapshot.strategies.count, view: input.strategyView)
            .render(into: &buffer, area: layout.strategies, glyphs: glyphs)
        SpreadPanel(strategy: strategy, position: (selected, snapshot.strategies.count), window: input.chartWindow)
            .render(into: &buffer, area: layout.spread, glyphs: glyphs)
        StatePanel(strategy: strategy, now: snapshot.time).render(into: &buffer, area: layout.state, glyphs: glyphs)
        PnLPanel(pnl: strategy.pnl, series: strategy.pnlSeries).render(into: &buffer, area: layout.pnl, glyphs: glyphs)
        LegsTable(legs: strategy.legs).render(into: &buffer, area: layout.legs, glyphs: glyphs)
        if let orders = layout.orders { OrdersTable(orders: strategy.openOrders, now: snapshot.time).render(into: &buffer, area: orders, glyphs: glyphs) }
        if let risk = layout.risk { RiskPanel(strategy: strategy, limits: snapshot.limits).render(into: &buffer, area: risk, glyphs: glyphs) }
        input.eventLog(for: snapshot).render(into: &buffer, area: layout.log, glyphs: glyphs)
        // Cut off from the server, every figure is old: drawn muted so nothing looks live.
        if !input.context.isConnected { buffer.restyle(body, style: Style(.muted, dim: true)) }
        drawOverlays(input: input, body: body, into: &buffer)
    }

    /// How many lines PgUp and PgDn move the event log at this size: its rows less one, so a
    /// line of the page before stays in sight.
    public static func logPage(width: Int, height: Int) -> Int {
        let body = Rect(x: 0, y: 1, width: width, height: max(0, height - 2))
        return max(1, Layout(body: body, strategyCount: 1).log.height - 3)
    }

    private func drawOverlays(input: ScreenInput, body: Rect, into buffer: inout Buffer) {
        if input.showingHelp { HelpOverlay(keyMap: input.keyMap, refusal: input.context.commandRefusal).render(into: &buffer, area: body, glyphs: glyphs) }
        if let dialog = input.dialog { ConfirmDialog(dialog: dialog).render(into: &buffer, area: body, glyphs: glyphs) }
    }

    /// Where each panel goes. Bottom up: the event log, then orders and risk (dropped first
    /// when short of rows), the legs (fixed), the strategies list (capped), and the charts take
    /// what is left; the spread chart gets the most width, it is what is traded.
    struct Layout: Equatable {
        /// The desk's totals under the header: 1 row below 40 terminal rows, 2 from 40.
        var desk: Rect
        var strategies: Rect
        var spread: Rect
        var state: Rect
        var pnl: Rect
        var legs: Rect
        var orders: Rect?
        var risk: Rect?
        var log: Rect

        init(body: Rect, strategyCount: Int) {
            // Which panels fit is decided on the whole body, as before the desk strip.
            let roomy = body.height >= 30
            let (desk, body) = body.splitTop(body.height + 2 >= 40 ? 2 : 1)
            self.desk = desk
            let logRows = roomy ? min(12, max(6, body.height / 5)) : 4
            var (upper, log) = body.splitBottom(logRows)
            if roomy {
                let (rest, bottom) = upper.splitBottom(7)
                let (ordersArea, riskArea) = bottom.splitLeft(bottom.width * 11 / 20)
                orders = ordersArea
                risk = riskArea
                upper = rest
            }
            let (withoutLegs, legs) = upper.splitBottom(5)
            let listRows = min(strategyCount, roomy ? 6 : 1) + 3
            let (list, panels) = withoutLegs.splitTop(listRows)
            let (spread, side) = panels.splitLeft(panels.width * 3 / 5)
            let (state, pnl) = side.splitTop((side.height + 1) / 2)
            self.strategies = list
            self.spread = spread
            self.state = state
            self.pnl = pnl
            self.legs = legs
            self.log = log
        }
    }
}

extension Buffer {
    /// For terminals without UTF-8, after drawing: any cell text did not bring in (a fill, a
    /// chart mark) gets its one-character look-alike, '?' when it has none (names and messages
    /// from the engine may hold any character).
    mutating func replaceNonASCII() {
        for y in 0..<height {
            for x in 0..<width where !self[x, y].character.isASCII {
                self[x, y].character = ASCIIFallback.cell(self[x, y].character)
            }
        }
    }
}
