import Foundation
@testable import HedgeCore
@testable import HedgeVenues
import Testing
@testable import HedgeEngine

/// Recovery gives each strategy the venue's orders that it sent, known by the journal's record
/// of who sent them, never by how an order id begins.
@Suite("Recovery: which strategy owns an order")
struct OrderOwnershipTests {
    static let start = Timestamp(seconds: 1_800_000_000)

    /// The calendar demo with two strategies on the same legs, named so that one name begins the
    /// other's order ids ("a-b-1" starts with "a-").
    func scenario() -> PaperScenario {
        var scenario = PaperScenario.calendarDemo(start: Self.start)
        var a = scenario.strategies[0]
        a.name = "a"
        var ab = a
        ab.name = "a-b"
        scenario.strategies = [a, ab]
        return scenario
    }

    @Test("strategies named a and a-b do not share orders: a fill the journal lacks goes to the strategy that sent it")
    func strategiesWhoseNamesShareAPrefixDoNotShareOrders() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ownership-journal-\(UUID().uuidString).sqlite").path
        let journal = try Journal(path: path)
        let scenario = scenario()
        var venue = scenario.venues[0]
        var feed = scenario.feed
        for _ in 0..<4 { if let event = feed.next() { venue.onMarket(event) } }
        let far = scenario.strategies[1].legs.a.id
        let order = OrderRequest(id: "a-b-1", leg: .a, instrument: far, side: .buy, quantity: "0.5", purpose: .open)
        // a-b's intent is in the journal; the venue filled it, and the process died before the
        // fill reached the journal.
        try journal.orderIntent(order, strategy: "a-b", at: Self.start)
        let updates = venue.execute(order, at: Self.start)
        #expect(updates.contains { if case .filled = $0 { true } else { false } })

        let engine = scenario.makeEngine(startedAt: Self.start)
        engine.attach(journal: journal, venueState: nil)
        let report = try engine.recover(venueLedgers: [venue.ledger], policy: .flatten)
        #expect(engine.machines.map(\.config.name) == ["a", "a-b"])
        #expect(engine.machines[0].positions.a.quantity == .zero, "\(report.lines)")
        #expect(engine.machines[1].positions.a.quantity == "0.5", "\(report.lines)")
        #expect(report.adoptedFills == 1)
        #expect(report.lines.contains { $0.hasPrefix("[a-b] adopted fill of a-b-1") }, "\(report.lines)")
        #expect(!report.lines.contains { $0.hasPrefix("[a] ") && $0.contains("a-b-1") }, "\(report.lines)")
    }
}
