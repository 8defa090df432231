import Testing
@testable import HedgeCore

// Equality and a textual rendering of actions, in the test target only (STYLE.md, Tests).
extension StrategyAction: Equatable {
    public static func == (lhs: StrategyAction, rhs: StrategyAction) -> Bool {
        switch (lhs, rhs) {
        case let (.placeOrder(a), .placeOrder(b)): a == b
        case let (.cancelOrder(a, la), .cancelOrder(b, lb)): a == b && la == lb
        case let (.scheduleTimer(a, ta), .scheduleTimer(b, tb)): a == b && ta == tb
        case let (.cancelTimer(a), .cancelTimer(b)): a == b
        case let (.transition(a), .transition(b)): a == b
        case let (.alert(la, a), .alert(lb, b)): la == lb && a == b
        case let (.commandResult(ca, aa, ma), .commandResult(cb, ab, mb)): ca == cb && aa == ab && ma == mb
        case let (.cycleEvent(a), .cycleEvent(b)): a == b
        default: false
        }
    }
}

extension StrategyAction {
    /// One line per action, for comparing runs and reading failures.
    var rendered: String {
        switch self {
        case .placeOrder(let r):
            "place \(r.id) leg \(r.leg) \(r.side) \(r.quantity) \(r.type) reduceOnly=\(r.reduceOnly) \(r.purpose)"
        case .cancelOrder(let id, let leg): "cancel \(id) leg \(leg)"
        case .scheduleTimer(let timer, let at): "schedule \(timer) at \(at.nanoseconds)"
        case .cancelTimer(let timer): "cancel timer \(timer)"
        case .transition(let t): "\(t.from) -> \(t.to): \(t.reason)"
        case .alert(let level, let text): "alert \(level): \(text)"
        case .commandResult(let command, let accepted, let message): "command \(command) \(accepted ? "accepted" : "refused"): \(message)"
        case .cycleEvent(let event): "cycle \(event)"
        }
    }
}

extension Array where Element == StrategyAction {
    var orders: [OrderRequest] { compactMap { if case .placeOrder(let r) = $0 { r } else { nil } } }
    /// The first order placed; records an issue (and returns a stand-in) when there is none, so a
    /// broken scenario fails its test instead of crashing the run.
    func firstOrder(sourceLocation: SourceLocation = #_sourceLocation) -> OrderRequest {
        if let order = orders.first { return order }
        Issue.record("no order placed: \(rendered)", sourceLocation: sourceLocation)
        return OrderRequest(id: "missing", leg: .a, instrument: InstrumentID(venue: "none", symbol: "none"), side: .buy, quantity: "1", purpose: .open)
    }
    var transitions: [Transition] { compactMap { if case .transition(let t) = $0 { t } else { nil } } }
    /// The states entered, in order.
    var path: [StrategyStateName] { transitions.map(\.to) }
    var alerts: [(AlertLevel, String)] { compactMap { if case .alert(let l, let s) = $0 { (l, s) } else { nil } } }
    var commandResults: [(StrategyCommand, Bool, String)] {
        compactMap { if case .commandResult(let c, let a, let m) = $0 { (c, a, m) } else { nil } }
    }
    var cycleEvents: [CycleEvent] { compactMap { if case .cycleEvent(let e) = $0 { e } else { nil } } }
    var rendered: [String] { map(\.rendered) }
}

/// Contracts for state machine tests: zero fees so the entry rule is easy to reason about.
enum TestContracts {
    static func linear(_ venue: String, kind: ContractKind = .perpetual) -> ContractSpec {
        ContractSpec(id: InstrumentID(venue: venue, symbol: "BTCUSDT"), kind: kind, margining: .linear, contractSize: "1",
                     tickSize: "0.01", lotStep: "0.001", minNotional: "5", baseAsset: "BTC", quoteAsset: "USDT",
                     settlementAsset: "USDT", fundingInterval: .seconds(8 * 3600), fees: FeeSchedule(maker: .zero, taker: .zero))
    }

    /// BTCUSD_PERP: 100 USD a contract, tick 0.1, lot 1, settled in BTC.
    static func inverse(_ venue: String) -> ContractSpec {
        ContractSpec(id: InstrumentID(venue: venue, symbol: "BTCUSD_PERP"), kind: .perpetual, margining: .inverse, contractSize: "100",
                     tickSize: "0.1", lotStep: "1", baseAsset: "BTC", quoteAsset: "USD", settlementAsset: "BTC",
                     fundingInterval: .seconds(8 * 3600), fees: FeeSchedule(maker: .zero, taker: .zero))
    }
}

/// A trading desk around one state machine: a deterministic clock, quotes, margin and fills.
struct Desk {
    static let start = Timestamp(seconds: 1_723_161_255)   // 2024-08-08T23:54:15Z

    /// A cross-exchange BTC spread, 6000 USD a leg, entry 5 bps, exit 1 bp, every optional exit off.
    static func config(a: ContractSpec = TestContracts.linear("va"), b: ContractSpec = TestContracts.linear("vb"),
                       _ change: (inout StrategyConfig) -> Void = { _ in }) -> StrategyConfig {
        var config = StrategyConfig(
            name: "S", kind: .cross, legs: PerLeg(a: a, b: b), targetNotional: "6000", entry: .bps("5"), exit: .bps("1"),
            minEdgeBps: "1", profitTargetBps: nil, stopLossBps: nil, spreadStopBps: nil, maxHolding: nil,
            cooldown: .seconds(10), volatilityStopMultiple: nil, expiryGuard: .seconds(3600), marginGuardRatio: 0.8,
            maxSlippageBps: "5", orderTimeout: .seconds(5), hedgeDeadline: .seconds(10), maxHedgeAttempts: 3,
            driftTolerance: "0.02", sampleInterval: .seconds(1), window: 120, warmupSamples: 30)
        // Scripts here quote one leg for seconds while the other's book is quiet (a feed that
        // would still send heartbeats): the data limit is kept out of their way. The stale-leg
        // tests set their own.
        config.staleAfter = PerLeg(repeating: .seconds(3600))
        change(&config)
        return config
    }

    var machine: HedgingStateMachine
    var now: Timestamp = Desk.start
    var history: [StrategyAction] = []
    /// Every event sent, in order.
    var events: [StrategyEvent] = []

    init(_ config: StrategyConfig = Desk.config()) {
        machine = HedgingStateMachine(config: config, startedAt: Desk.start)
    }

    var state: StrategyStateName { machine.stateName }

    @discardableResult
    mutating func send(_ event: StrategyEvent, after step: Duration = .milliseconds(1)) -> [StrategyAction] {
        now = now + step
        let actions = machine.handle(event, at: now)
        events.append(event)
        history += actions
        return actions
    }

    /// A top of book one tick either side of `mid`, with `size` on both sides.
    @discardableResult
    mutating func quote(_ leg: Leg, _ mid: String, bidSize: String = "10", askSize: String = "10",
                        after step: Duration = .milliseconds(1)) -> [StrategyAction] {
        let m = dec(mid)
        let tick = machine.config.legs[leg].tickSize
        let quote = try! Quote(bid: m - tick, bidSize: dec(bidSize), ask: m + tick, askSize: dec(askSize), time: now + step)
        return send(.quote(leg, quote), after: step)
    }

    @discardableResult
    mutating func margin(_ leg: Leg, available: String = "1000000", ratio: Double = 0.1) -> [StrategyAction] {
        send(.margin(leg, MarginStatus(available: dec(available), marginRatio: ratio)))
    }

    mutating func marginOK() {
        margin(.a)
        margin(.b)
    }

    /// Fills `order` (all of it unless `quantity`), at the leg's top of book unless `price`.
    @discardableResult
    mutating func fill(_ order: OrderRequest, _ quantity: String? = nil, price: String? = nil, remaining: String = "0") -> [StrategyAction] {
        let q = quantity.map(dec) ?? order.quantity
        let p = price.map(dec) ?? machine.quotes[order.leg]!.price(toTake: order.side)
        let fill = Fill(orderID: order.id, side: order.side, price: p, quantity: q, fee: .zero, liquidity: .taker, time: now)
        return send(.order(order.leg, .filled(fill, remaining: dec(remaining))))
    }

    @discardableResult
    mutating func reject(_ order: OrderRequest, _ reason: String = "venue says no") -> [StrategyAction] {
        send(.order(order.leg, .rejected(order.id, reason: reason)))
    }

    @discardableResult
    mutating func command(_ command: StrategyCommand) -> [StrategyAction] { send(.command(command)) }

    /// Margin, flat quotes, then A rich by 10 bps (A 60060 vs B 60000): SCANNING → DETECTED → VALIDATING.
    /// Returns the actions of the quote that detected the spread.
    @discardableResult
    mutating func detect(aMid: String = "60060", bMid: String = "60000", aSize: String = "10", bSize: String = "10") -> [StrategyAction] {
        marginOK()
        quote(.b, bMid, bidSize: bSize, askSize: bSize)
        quote(.a, bMid, bidSize: aSize, askSize: aSize)
        return quote(.a, aMid, bidSize: aSize, askSize: aSize)
    }

    /// A fresh quote on B validates the opportunity and sends the first leg. Returns its order.
    mutating func validate(bMid: String = "60000", bSize: String = "10", sourceLocation: SourceLocation = #_sourceLocation) -> OrderRequest {
        quote(.b, bMid, bidSize: bSize, askSize: bSize).firstOrder(sourceLocation: sourceLocation)
    }

    /// Detects, validates and fills both legs: MONITORING. Returns the two opening orders.
    @discardableResult
    mutating func open(aMid: String = "60060", bMid: String = "60000") -> (first: OrderRequest, second: OrderRequest)? {
        detect(aMid: aMid, bMid: bMid)
        let first = validate(bMid: bMid)
        guard let second = fill(first).orders.first else {
            Issue.record("the spread did not open: \(history.rendered.suffix(6))")
            return nil
        }
        fill(second)
        return (first, second)
    }

    /// Fills every close order of the last CLOSING transition.
    mutating func fillCloses(_ actions: [StrategyAction]) -> [StrategyAction] {
        var result: [StrategyAction] = []
        for order in actions.orders where order.purpose == .close { result += fill(order) }
        return result
    }
}
