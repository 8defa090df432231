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
            let panels = body.splitTop(Layout.deskRows(terminalHeight: area.height)).rest
            let (top, logArea) = panels.splitBottom(max(4, panels.height / 3))
            CentredNotice(lines: ["no strategies running"], style: Style(.muted)).render(into: &buffer, area: top, glyphs: glyphs)
            input.eventLog(for: snapshot).render(into: &buffer, area: logArea, glyphs: glyphs)
            drawOverlays(input: input, body: body, into: &buffer)
            return
        }
        let strategy = snapshot.strategies[selected]
        let shown = input.shownStrategies(in: snapshot)
        let legsTable = LegsTable(legs: strategy.legs)
        let layout = Layout(body: body, strategyCount: max(1, shown.count), orderCount: strategy.openOrders.count,
                            legsWidth: legsTable.naturalWidth, pnl: strategy.pnl)
        if let desk = snapshot.desk { DeskStrip(desk: desk).render(into: &buffer, area: layout.desk, glyphs: glyphs) }
        StrategiesList(strategies: shown, selected: shown.firstIndex { $0.name == strategy.name }, now: snapshot.time,
                       total: snapshot.strategies.count, view: input.strategyView)
            .render(into: &buffer, area: layout.strategies, glyphs: glyphs)
        guard !shown.isEmpty else {
            // The filter hides every strategy: no panel shows one the list does not.
            let panels = Rect(x: body.x, y: layout.strategies.maxY, width: body.width, height: max(0, layout.log.y - layout.strategies.maxY))
            CentredNotice(lines: ["the filter hides every strategy: o shows the next one"], style: Style(.muted))
                .render(into: &buffer, area: panels, glyphs: glyphs)
            input.eventLog(for: snapshot).render(into: &buffer, area: layout.log, glyphs: glyphs)
            if !input.context.isConnected { buffer.restyle(body, style: Style(.muted, dim: true)) }
            drawOverlays(input: input, body: body, into: &buffer)
            return
        }
        SpreadPanel(strategy: strategy, position: (selected, snapshot.strategies.count), window: input.chartWindow)
            .render(into: &buffer, area: layout.spread, glyphs: glyphs)
        StatePanel(strategy: strategy, now: snapshot.time).render(into: &buffer, area: layout.state, glyphs: glyphs)
        PnLPanel(pnl: strategy.pnl, series: strategy.pnlSeries, window: input.chartWindow).render(into: &buffer, area: layout.pnl, glyphs: glyphs)
        legsTable.render(into: &buffer, area: layout.legs, glyphs: glyphs)
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

    /// Where each panel goes, designed for each size rather than squeezed. Top down: the desk
    /// line (totals across strategies), the strategies list (as many rows as strategies, up to a
    /// cap that grows with the height), the charts, the legs (the pair's net exposure is in their
    /// border, so it is in sight at every size), and the event log, which grows with the height.
    /// - 80×24: spread chart beside state over PnL (its sum always whole); no orders or risk box
    ///   (the state panel counts the orders).
    /// - 100×30: three strategies; an orders box under the legs only while orders work.
    /// - 120×40 and taller: the PnL chart under the spread chart, state and risk at the right;
    ///   working orders between them, or beside the legs when the width holds both whole (an
    ///   empty orders box then costs no row).
    struct Layout: Equatable {
        /// The desk's totals under the header (`DeskStrip`): 1 row below 40 terminal rows, 2 from 40.
        var desk: Rect
        var strategies: Rect
        var spread: Rect
        var state: Rect
        var pnl: Rect
        var legs: Rect
        var orders: Rect?
        var risk: Rect?
        var log: Rect

        /// The desk line's rows: one below 40 rows of terminal, two from 40.
        static func deskRows(terminalHeight: Int) -> Int { terminalHeight >= 40 ? 2 : 1 }

        /// The risk panel's rows: margin use, the table's header and two legs, net, limits.
        static let riskRows = 8
        /// The legs box: the table's header and two legs.
        static let legsRows = 5
        /// An orders box as narrow as this still shows each order's leg, side, size, fill, purpose and age.
        static let ordersMinimumWidth = 48

        /// `legsWidth`: the legs box's width with every column whole (`LegsTable.naturalWidth`).
        /// `pnl`: the selected strategy's, so a small panel is as tall as its sum needs.
        init(body: Rect, strategyCount: Int, orderCount: Int = 0, legsWidth: Int = 0, pnl: PnLSummary = .zero) {
            var rest: Rect
            (desk, rest) = body.splitTop(Self.deskRows(terminalHeight: body.height + 2))
            let rows = rest.height
            let tall = rows >= 34 // 120×40 and taller
            let mid = rows >= 27 // 100×30 and taller
            let listCap = rows >= 46 ? 8 : (tall ? 5 : (mid ? 3 : 1))
            (strategies, rest) = rest.splitTop(min(max(1, strategyCount), listCap) + 3)
            (rest, log) = rest.splitBottom(tall ? (rows - 4) / 4 : (mid ? 6 : 4))
            orders = nil
            risk = nil
            let orderRows = min(orderCount, 3) + 3
            let legsBox = min(rest.width, max(legsWidth, 40))
            if tall && rest.width - legsBox >= Self.ordersMinimumWidth {
                // Wide: the orders beside the legs, in the room their columns leave.
                let row: Rect
                (rest, row) = rest.splitBottom(max(Self.legsRows, min(orderCount, 5) + 3))
                let (legsArea, ordersArea) = row.splitLeft(legsBox)
                legs = legsArea
                orders = ordersArea
            } else {
                if !tall && mid && orderCount > 0 {
                    let ordersArea: Rect
                    (rest, ordersArea) = rest.splitBottom(orderRows)
                    orders = ordersArea
                }
                (rest, legs) = rest.splitBottom(Self.legsRows)
            }
            if tall {
                let (left, right) = rest.splitLeft(rest.width - max(50, rest.width * 2 / 5))
                (spread, self.pnl) = left.splitBottom(max(7, left.height / 3))
                var column: Rect, riskArea: Rect
                (column, riskArea) = right.splitBottom(Self.riskRows)
                risk = riskArea
                // Working orders between state and risk, while the state panel keeps four rows.
                if orders == nil && orderCount > 0 && column.height - orderRows >= 4 {
                    let ordersArea: Rect
                    (column, ordersArea) = column.splitBottom(orderRows)
                    orders = ordersArea
                }
                state = column
            } else {
                let (left, right) = rest.splitLeft(rest.width - max(40, rest.width * 2 / 5))
                spread = left
                // The whole sum first: the state panel keeps at least its state line.
                let sumRows = PnLPanel.sum(pnl, width: right.width - 2).rows.count
                (state, self.pnl) = right.splitBottom(min(right.height - 3, max(right.height / 2, sumRows + 2)))
            }
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
