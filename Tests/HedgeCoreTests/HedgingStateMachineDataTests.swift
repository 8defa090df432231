import Testing
@testable import HedgeCore

/// Bad market data and replay determinism.
@Suite("Hedging state machine: data and determinism")
struct HedgingStateMachineDataTests {
    static let badQuotes: [(String, Quote)] = [
        ("zero bid", Quote(bid: .zero, bidSize: "1", ask: "60000.01", askSize: "1", time: Desk.start)),
        ("negative ask", Quote(bid: "60000", bidSize: "1", ask: "-1", askSize: "1", time: Desk.start)),
        ("crossed", Quote(bid: "60001", bidSize: "1", ask: "60000", askSize: "1", time: Desk.start)),
        ("negative size", Quote(bid: "60000", bidSize: "-1", ask: "60000.01", askSize: "1", time: Desk.start)),
    ]

    @Test("a bad quote is refused with an alert and changes nothing", arguments: [false, true], 0..<4)
    func badQuoteRefused(monitoring: Bool, index: Int) {
        let (label, quote) = Self.badQuotes[index]
        var desk = Desk()
        if monitoring { desk.open() } else { desk.marginOK(); desk.quote(.b, "60000"); desk.quote(.a, "60000") }
        let before = desk.state
        let spread = desk.machine.spreadBps
        let kept = desk.machine.quotes.a
        let actions = desk.send(.quote(.a, quote))
        #expect(actions.count == 1, "\(label): \(actions.rendered)")
        #expect(actions.alerts.first?.0 == .warning)
        #expect(actions.alerts.first?.1.contains("refused") == true)
        #expect(desk.state == before)
        #expect(desk.machine.spreadBps == spread)
        #expect(desk.machine.quotes.a == kept)
    }

    @Test("a non-positive mark price is refused with an alert")
    func badMarkRefused() {
        var desk = Desk()
        let actions = desk.send(.mark(.a, .zero))
        #expect(actions.alerts.count == 1)
        #expect(desk.machine.marks.a == nil)
    }

    /// A whole session: calm, entry, partial fill, drift, adjust, close with a rejected leg, unwind, cooldown, again.
    static func session() -> [String] {
        var desk = Desk(Desk.config(b: TestContracts.inverse("vb")))
        desk.marginOK()
        desk.quote(.b, "60000")
        for i in 0..<5 { desk.quote(.a, i % 2 == 0 ? "60000" : "60003", after: .seconds(1)) }
        desk.quote(.a, "60060", after: .seconds(1))
        let open = desk.validate()
        desk.fill(open, open.quantity == "0.1" ? "0.05" : "30", remaining: "1")
        let hedge = desk.send(.order(open.leg, .cancelled(open.id, filled: open.quantity == "0.1" ? "0.05" : "30", reason: "IOC"))).firstOrder()
        desk.fill(hedge)
        desk.send(.funding(.b, amount: "-0.000001", rate: "0.0001"))
        // B (30 contracts) is worth 3000/55000 = 0.0545 BTC at 55000 against A's 0.05: drift 8 %
        let adjust = desk.quote(.b, "55000", after: .seconds(1)).firstOrder()
        desk.fill(adjust)
        let closes = desk.command(.close).orders
        if let first = closes.first { desk.reject(first) }
        if closes.count > 1 { desk.fill(closes[1]) }
        for order in desk.history.orders.suffix(1) where order.purpose == .flatten { desk.fill(order) }
        desk.send(.timer(.cooldown), after: .seconds(10))
        desk.quote(.a, "55000", after: .seconds(1))
        desk.quote(.a, "55060", after: .seconds(1))
        return desk.history.rendered
    }

    @Test("the same events give the same actions")
    func sameEventsSameActions() {
        let first = Self.session()
        let second = Self.session()
        #expect(first.count > 30)
        #expect(first == second)
        // The session went through the interesting states.
        let text = first.joined(separator: "\n")
        for state in ["OPENING_", "MONITORING_SPREAD", "ADJUSTING_POSITIONS", "CLOSING_SPREAD", "UNWINDING", "COMPLETED"] {
            #expect(text.contains("-> \(state)"), "\(state) missing:\n\(text)")
        }
    }
}
