import Testing
@testable import HedgeCore

/// A leg whose live feed is down, stale or resyncing its book is not trusted whatever the age of
/// its last quote: no entry and no adjustment on it, with the feed's reason; closing still works.
@Suite("Hedging state machine: a leg's feed not trusted")
struct HedgingStateMachineFeedHealthTests {
    static func desk(b: ContractSpec = TestContracts.linear("vb")) -> Desk {
        Desk(Desk.config(b: b) { $0.staleAfter = PerLeg(repeating: .seconds(3)) })
    }

    @Test("no spread is detected while leg B's feed resyncs; once it is trusted again the same quotes enter")
    func noEntryWhileResyncing() {
        var desk = Self.desk()
        desk.marginOK()
        desk.machine.setDataUnavailable(.b, "vb resyncing: book of BTCUSDT out of sequence")
        desk.quote(.b, "60000")
        desk.quote(.a, "60000")
        desk.quote(.a, "60060")
        #expect(desk.state == .scanning)
        #expect(desk.history.orders.isEmpty)
        #expect(desk.machine.freshness(.b, at: desk.now).isStale)
        #expect(desk.machine.freshness(.b, at: desk.now).unavailable == "vb resyncing: book of BTCUSDT out of sequence")
        desk.machine.setDataUnavailable(.b, nil)
        #expect(!desk.machine.freshness(.b, at: desk.now).isStale)
        desk.quote(.a, "60060")
        #expect(desk.state == .validating)
    }

    @Test("an open spread on a leg whose feed is down: rebalance refused with the reason, close accepted")
    func openSpreadStillClosable() throws {
        var desk = Self.desk(b: TestContracts.inverse("vb"))
        try #require(desk.open() != nil)
        desk.machine.setDataUnavailable(.b, "vb down: closed by the venue (code 1006)")
        desk.send(.mark(.b, "55000"))
        let drifted = desk.quote(.a, "60060")
        #expect(desk.state == .monitoring, "\(drifted.rendered)")
        #expect(drifted.orders.isEmpty)
        let rebalance = desk.command(.rebalance).commandResults
        #expect(rebalance.first?.1 == false)
        #expect(rebalance.first?.2 == "rebalance refused: leg B vb:BTCUSD_PERP not trusted: vb down: closed by the venue (code 1006)")
        let close = desk.command(.close)
        #expect(close.commandResults.first?.1 == true)
        #expect(desk.state == .closing)
    }
}
