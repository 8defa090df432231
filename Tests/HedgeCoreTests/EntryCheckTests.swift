import Testing
@testable import HedgeCore

/// The entry rule states what it decided on each look as a typed fact (`EntryCheck`), for the
/// runtime to count: never text to parse back.
@Suite("Entry checks")
struct EntryCheckTests {
    /// A desk set up by `prepare`, then one event by `look`; the check that event stated.
    static func check(_ config: StrategyConfig = Desk.config(), prepare: (inout Desk) -> Void = { _ in },
                      look: (inout Desk) -> Void) -> EntryCheck? {
        var desk = Desk(config)
        prepare(&desk)
        _ = desk.machine.takeEntryCheck()
        look(&desk)
        return desk.machine.takeEntryCheck()
    }

    /// Margin, then both legs quoted at 60000: scanning with a spread of 0.
    static func flat(_ desk: inout Desk) {
        desk.marginOK()
        desk.quote(.b, "60000")
        desk.quote(.a, "60000")
    }

    @Test("no spread to judge: a leg without a quote, or a quote refused")
    func noSpread() throws {
        #expect(Self.check { $0.quote(.b, "60000") } == .legWithoutQuote(.a))
        let crossed = try Quote(bid: "60001", bidSize: "1", ask: "60000", askSize: "1", time: Desk.start)
        #expect(Self.check(prepare: Self.flat) { $0.send(.quote(.a, crossed)) } == .quoteRefused(.a))
    }

    @Test("inside the band, detected, then opened on validation")
    func bandAndOpening() {
        #expect(Self.check(prepare: Self.flat) { $0.quote(.a, "60001") } == .outsideBand)
        #expect(Self.check(prepare: Self.flat) { $0.quote(.a, "60060") } == .detected)
        #expect(Self.check(prepare: { $0.detect() }) { $0.quote(.b, "60000") } == .opened)
    }

    @Test("in the band and not taken, with the reason", arguments: [
        // A rich by 10 bps against a 5 bps band (zero fees, 1 bp minimum edge) unless a row says otherwise.
        ("paused", EntryRefusal.paused),
        ("blocked by a portfolio limit", .portfolioLimit),
        ("20 bps minimum edge", .edgeBelowCosts),
        ("a leg expiring within the guard", .expiryGuard),
        ("a minimum notional above the target", .cannotSize),
    ])
    func notTaken(_ row: String, _ refusal: EntryRefusal) {
        var config = Desk.config()
        switch refusal {
        case .edgeBelowCosts: config.minEdgeBps = "20"
        case .expiryGuard: config.legs.a = TestContracts.linear("va", kind: .dated(expiry: Desk.start + .seconds(1800)))
        case .cannotSize: config.legs.a.minNotional = "100000"
        default: break
        }
        let check = Self.check(config, prepare: { desk in
            Self.flat(&desk)
            if refusal == .paused { desk.command(.pause) }
            if refusal == .portfolioLimit { desk.machine.blockEntries("2 spreads open, the limit is 2") }
        }) { $0.quote(.a, "60060") }
        #expect(check == .notTaken(refusal), "\(row)")
    }

    @Test("too little margin is stated with the leg and the amounts, and the transition still says it in words")
    func margin() throws {
        var desk = Desk()
        Self.flat(&desk)
        desk.margin(.a, available: "10")
        _ = desk.machine.takeEntryCheck()
        let actions = desk.quote(.a, "60060")
        // 6000 USD of a linear USDT contract at the default initial margin rate, against 10 USDT free.
        let check = desk.machine.takeEntryCheck()
        #expect(check == .notTaken(.margin), "\(actions.rendered)")
        let shortfall = try #require(desk.machine.lastMarginShortfall)
        #expect(shortfall.leg == .a && shortfall.available == "10")
        let required = try #require(shortfall.required)
        #expect(required > "10")
        #expect(actions.transitions.last?.reason == "insufficient margin: leg A va:BTCUSDT needs \(required) USDT, 10 free")
    }

    @Test("a detected spread that is gone on fresh quotes, or that no quote validates in time")
    func validationOutcomes() {
        #expect(Self.check(prepare: { $0.detect() }) { $0.quote(.a, "60000") } == .notTaken(.goneOnFreshQuotes))
        #expect(Self.check(prepare: { $0.detect() }) { $0.send(.timer(.validationTimeout)) } == .notTaken(.validationTimeout))
    }

    @Test("a check is taken once: the next event states its own")
    func takenOnce() {
        var desk = Desk()
        Self.flat(&desk)
        let first = desk.machine.takeEntryCheck(), again = desk.machine.takeEntryCheck()
        #expect(first == .outsideBand && again == nil)
        desk.margin(.a)
        let afterMargin = desk.machine.takeEntryCheck()
        #expect(afterMargin == nil)
    }
}
