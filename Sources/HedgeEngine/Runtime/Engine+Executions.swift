import HedgeCore
import HedgeVenues

/// What the end-of-run report keeps of each execution, cycle and equity change (`ExecutionRecord`).
/// Called on orders, fills, funding and cycle ends, and from the 100 ms drawdown sample: never
/// per quote.
extension TradingEngine {
    /// An order left: the price to take on its leg that the strategy saw when it decided.
    func noteSent(_ order: OrderRequest, strategy: Int) {
        let decision = runners[strategy].machine.quotes[order.leg]?.price(toTake: order.side)
        record.executions.sent(order, strategy: strategy, decisionPrice: decision)
    }

    /// A fill about to reach its strategy (or a venue's own closure, named by `closure`): noted
    /// before the strategy sees it, so it belongs to the cycle it opens or closes.
    func noteFill(_ fill: Fill, strategy: Int, leg: Leg, closure: PositionClosure? = nil) {
        let config = runners[strategy].machine.config
        record.executions.filled(fill, strategy: strategy, name: config.name, leg: leg, spec: config.legs[leg], purpose: closure?.rawValue)
    }

    /// After the strategy applied a fill executed at `time`: whether it holds a position from
    /// then on (time in the market counts from the executions), and its equity now.
    func noteFillApplied(strategy: Int, executedAt time: Timestamp) {
        record.executions.holding(runners[strategy].machine.hasPosition, strategy: strategy, at: time)
        noteEquity(strategy)
    }

    /// An equity point for `strategy` now (after a fill, funding or a cycle's end).
    func noteEquity(_ strategy: Int) {
        guard let net = runners[strategy].netPnL() else { return }
        record.executions.equity(net, strategy: strategy, at: now)
    }

    /// A cycle began or ended: its executions, and at its end its PnL split.
    func noteCycle(_ event: CycleEvent, strategy: Int) {
        switch event {
        case .opened:
            record.executions.cycleOpened(strategy: strategy)
        case .closed(_, let net, _, _):
            let machine = runners[strategy].machine
            let prices = PerLeg(a: machine.marks.a ?? machine.quotes.a?.mid, b: machine.marks.b ?? machine.quotes.b?.mid)
            record.executions.cycleClosed(strategy: strategy, net: net, positions: machine.positions, prices: prices)
            noteEquity(strategy)
        }
    }
}
