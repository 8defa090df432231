import HedgeCore
import HedgeEngine
import HedgeTerminal
import HedgeVenues

/// Puts a state machine into MONITORING_SPREAD the way the core tests do: margin, quotes, a
/// spread of 10 bps that passes the 5 bps entry, both legs filled.
enum MonitoringDesk {
    static func linear(_ venue: String) -> ContractSpec {
        ContractSpec(id: InstrumentID(venue: venue, symbol: "BTCUSDT"), kind: .perpetual, margining: .linear, contractSize: "1",
                     tickSize: "0.01", lotStep: "0.001", minNotional: "5", baseAsset: "BTC", quoteAsset: "USDT",
                     settlementAsset: "USDT", fundingInterval: .seconds(8 * 3600), fees: FeeSchedule(maker: .zero, taker: .zero))
    }

    static func opened() -> (HedgingStateMachine, Timestamp) {
        let config = StrategyConfig(
            name: "S", kind: .cross, legs: PerLeg(a: linear("va"), b: linear("vb")), targetNotional: "6000", entry: .bps("5"), exit: .bps("1"),
            minEdgeBps: "1", profitTargetBps: nil, stopLossBps: nil, spreadStopBps: nil, maxHolding: nil,
            cooldown: .seconds(10), volatilityStopMultiple: nil, expiryGuard: .seconds(3600), marginGuardRatio: 0.8,
            maxSlippageBps: "5", orderTimeout: .seconds(5), hedgeDeadline: .seconds(10), maxHedgeAttempts: 3,
            driftTolerance: "0.02", sampleInterval: .seconds(1), window: 120, warmupSamples: 30)
        var now = Timestamp(seconds: 1_723_161_255)
        var machine = HedgingStateMachine(config: config, startedAt: now)
        func send(_ event: StrategyEvent) -> [StrategyAction] {
            now = now + .milliseconds(1)
            return machine.handle(event, at: now)
        }
        func quote(_ leg: Leg, _ mid: Int64) -> [StrategyAction] {
            let m = FixedDecimal(units: mid * FixedDecimal.one)
            let tick = FixedDecimal(units: 1_000_000)
            return send(.quote(leg, Quote(bid: try! m - tick, bidSize: 10, ask: try! m + tick, askSize: 10, time: now + .milliseconds(1))))
        }
        func order(_ actions: [StrategyAction]) -> OrderRequest {
            for action in actions { if case .placeOrder(let order) = action { return order } }
            fatalError("no order in \(actions)")
        }
        func fill(_ order: OrderRequest) -> [StrategyAction] {
            let price = machine.quotes[order.leg]!.price(toTake: order.side)
            return send(.order(order.leg, .filled(Fill(orderID: order.id, side: order.side, price: price, quantity: order.quantity,
                                                      fee: .zero, liquidity: .taker, time: now), remaining: .zero)))
        }
        _ = send(.margin(.a, MarginStatus(available: 1_000_000, marginRatio: 0.1)))
        _ = send(.margin(.b, MarginStatus(available: 1_000_000, marginRatio: 0.1)))
        _ = quote(.b, 60_000)
        _ = quote(.a, 60_000)
        _ = quote(.a, 60_060)
        let first = order(quote(.b, 60_000))
        let second = order(fill(first))
        _ = fill(second)
        precondition(machine.stateName == .monitoring, "not monitoring: \(machine.stateName) \(machine.lastReason)")
        return (machine, now)
    }
}

/// Snapshots of ten basis strategies on the recorded data, 250 ms of data time apart (a screen at
/// 4 frames/s watching a replay at 1×), and the cells that change between consecutive frames.
enum FrameFixture {
    static func snapshots(frames: Int) -> [EngineSnapshot] {
        // Two minutes in: the charts are full and the rolling statistics warmed up.
        let engine = Fixtures.engineAfterReplay(strategies: 10, events: 0)
        var time = engine.startedAt + .seconds(120)
        engine.run(until: time)
        var result: [EngineSnapshot] = []
        for _ in 0..<frames {
            result.append(engine.snapshot())
            time = time + .milliseconds(250)
            engine.run(until: time)
        }
        return result
    }

    /// Changed cells per frame, and a byte estimate of what a terminal would be sent: the UTF-8
    /// of each changed cell, plus a cursor move (~8 bytes: ESC [ row ; col H) per run of changed
    /// cells on a row, plus an SGR (~10 bytes) wherever the style changes within a run.
    static func diffs(_ snapshots: [EngineSnapshot], width: Int, height: Int) -> [(cells: Int, bytes: Int)] {
        let dashboard = Dashboard(glyphs: .unicode)
        let frames = snapshots.map { dashboard.render($0, input: ScreenInput(), width: width, height: height) }
        var result: [(Int, Int)] = []
        for (previous, current) in zip(frames, frames.dropFirst()) {
            var cells = 0
            var bytes = 0
            for y in 0..<height {
                var inRun = false
                var lastStyle: Style?
                for x in 0..<width {
                    let cell = current[x, y]
                    if previous[x, y] == cell { inRun = false; continue }
                    cells += 1
                    bytes += String(cell.character).utf8.count
                    if !inRun { bytes += 8 }
                    if lastStyle != cell.style { bytes += 10; lastStyle = cell.style }
                    inRun = true
                }
            }
            result.append((cells, bytes))
        }
        return result
    }
}
