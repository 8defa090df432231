import Testing
@testable import HedgeCore

/// A leg whose feed has gone quiet past its venue's limit is stale: no entry and no adjustment is
/// sent on it; closing still is. Freshness is judged by when data arrived, not by the venue's
/// event time, and a mark price counts as the feed speaking.
@Suite("Hedging state machine: stale legs")
struct HedgingStateMachineStaleDataTests {
    /// The cross desk with a 3 s limit on both legs.
    static func desk(b: ContractSpec = TestContracts.linear("vb")) -> Desk {
        Desk(Desk.config(b: b) { $0.staleAfter = PerLeg(repeating: .seconds(3)) })
    }

    /// Margin, both legs quoted flat, then only A for `quiet` (one quote a second): B hears nothing.
    static func quietB(_ desk: inout Desk, for quiet: Int) {
        desk.marginOK()
        desk.quote(.b, "60000")
        desk.quote(.a, "60000")
        for _ in 0..<quiet { desk.quote(.a, "60000", after: .seconds(1)) }
    }

    @Test("no spread is detected while a leg is stale; the alert says which and why, once")
    func noEntryOnAStaleLeg() {
        var desk = Self.desk()
        Self.quietB(&desk, for: 4)
        let actions = desk.quote(.a, "60060")
        #expect(desk.state == .scanning, "\(actions.rendered)")
        #expect(!desk.history.path.contains(.spreadDetected))
        #expect(desk.history.orders.isEmpty)
        let alerts = desk.history.alerts.filter { $0.1.contains("stale") }
        #expect(alerts.count == 1, "\(alerts)")
        #expect(alerts.first?.0 == .warning)
        // B last spoke 1 ms after the start; A's third quiet quote comes 3 s + 3 ms after it.
        #expect(alerts.first?.1 == "leg B vb:BTCUSDT stale: no market data for 3.0s (limit 3s); no entry or adjustment until it is fresh")
        #expect(desk.machine.freshness(.b, at: desk.now).isStale)
        #expect(!desk.machine.freshness(.a, at: desk.now).isStale)
    }

    @Test("once the stale leg speaks again the entry rule applies, and the alert says it is fresh")
    func entryOnceFreshAgain() {
        var desk = Self.desk()
        Self.quietB(&desk, for: 4)
        desk.quote(.a, "60060")
        #expect(desk.state == .scanning)
        // B's quote makes it fresh and the spread (A rich by 10 bps) is detected on it.
        desk.quote(.b, "60000")
        #expect(desk.history.alerts.contains { $0.0 == .info && $0.1 == "leg B vb:BTCUSDT market data fresh again" })
        #expect(desk.state == .validating)
    }

    @Test("a quiet market is not a dead feed: a quote repeated with an old event time keeps the leg fresh")
    func quietMarketIsFresh() {
        var desk = Self.desk()
        desk.marginOK()
        let old = Quote(bid: "59999.99", bidSize: "10", ask: "60000.01", askSize: "10", time: Desk.start)
        desk.send(.quote(.b, old))
        desk.quote(.a, "60000")
        for _ in 0..<4 {
            desk.quote(.a, "60000", after: .seconds(1))
            // The venue's book has not changed since the start: same quote, same event time.
            desk.send(.quote(.b, old))
        }
        desk.quote(.a, "60060")
        #expect(desk.state == .validating)
    }

    @Test("a mark price is the feed speaking: a leg whose book is quiet but whose marks arrive is fresh")
    func marksKeepALegFresh() {
        var desk = Self.desk()
        desk.marginOK()
        desk.quote(.b, "60000")
        desk.quote(.a, "60000")
        for _ in 0..<4 {
            desk.quote(.a, "60000", after: .seconds(1))
            desk.send(.mark(.b, "60000"))
        }
        desk.quote(.a, "60060")
        #expect(desk.state == .validating)
    }

    @Test("an opportunity whose other leg goes stale before validation goes back to scanning, saying why")
    func validationRefusedOnAStaleLeg() {
        var desk = Self.desk()
        desk.detect()
        #expect(desk.state == .validating)
        let actions = desk.quote(.a, "60060", after: .seconds(4))
        #expect(desk.state == .scanning)
        #expect(actions.orders.isEmpty)
        let reason = actions.transitions.last?.reason ?? ""
        #expect(reason.hasPrefix("no entry: leg B vb:BTCUSDT stale: no market data for 4"), "\(reason)")
    }

    @Test("no adjustment on a stale leg: a drift seen while B is stale is left alone, rebalance and resize are refused, close is not")
    func noAdjustmentOnAStaleLeg() throws {
        // B inverse: its base exposure moves with its price, so a lower mark drifts the hedge.
        var desk = Self.desk(b: TestContracts.inverse("vb"))
        try #require(desk.open() != nil)
        #expect(desk.state == .monitoring)
        // B's mark falls to 55000 (drift ≈ 9 %), then B goes quiet while A is quoted.
        desk.send(.mark(.b, "55000"))
        let drifted = desk.quote(.a, "60060", after: .seconds(4))
        #expect(desk.state == .monitoring, "\(drifted.rendered)")
        #expect(drifted.orders.isEmpty)
        let rebalance = desk.command(.rebalance).commandResults
        #expect(rebalance.first?.1 == false)
        #expect(rebalance.first?.2 == "rebalance refused: leg B vb:BTCUSD_PERP stale: no market data for 4.0s (limit 3s)")
        let resize = desk.command(.resize(percent: 10)).commandResults
        #expect(resize.first?.1 == false)
        #expect(resize.first?.2.contains("stale") == true, "\(resize)")
        let close = desk.command(.close)
        #expect(close.commandResults.first?.1 == true)
        #expect(desk.state == .closing)
        #expect(close.orders.count == 2)
    }

    @Test("with B fresh the same drift is rebalanced (the control for the test above)")
    func adjustmentWhenFresh() throws {
        var desk = Self.desk(b: TestContracts.inverse("vb"))
        try #require(desk.open() != nil)
        desk.send(.mark(.b, "55000"))
        desk.quote(.a, "60060")
        #expect(desk.state == .adjusting)
    }
}
