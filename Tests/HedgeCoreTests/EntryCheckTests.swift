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

    /// Desk's cross spread with 2 bps taker fees a fill (8 bps a round trip of four) and a 2 bps
    /// exit band: a spread captures its deviation less 2 bps, and must pay 8 + crossing + 1 bp.
    static func feePaying() -> StrategyConfig {
        Desk.config { config in
            config.legs.a.fees = FeeSchedule(maker: .zero, taker: "0.0002")
            config.legs.b.fees = FeeSchedule(maker: .zero, taker: "0.0002")
            config.exit = .bps("2")
        }
    }

    @Test("a deviation that pays the fees only if captured whole is refused: the exit band is not captured")
    func exitBandCounted() throws {
        var desk = Desk(Self.feePaying())
        Self.flat(&desk)
        _ = desk.machine.takeEntryCheck()
        // A rich by 10 bps (60060 vs 60000). The old rule compared the whole 10 bps with
        // 8 fees + 0.0067 crossing (two 0.01 half-spreads, twice, over 60000) + 1 edge = 9.0067 and
        // entered; the spread is closed at the exit band, 2 bps from fair, so it captures 8 bps.
        let actions = desk.quote(.a, "60060")
        #expect(desk.machine.takeEntryCheck() == .notTaken(.edgeBelowCosts))
        #expect(actions.transitions.isEmpty, "\(actions.rendered)")
        let edge = try #require(desk.machine.lastEdgeBelowCosts)
        #expect(edge.deviationBps == 10 && edge.exitBandBps == 2 && edge.feesBps == 8 && edge.minEdgeBps == 1)
        #expect(abs(edge.crossingBps - 0.02 * 2 / 60000 * 10_000) < 1e-9)
        #expect(!edge.pays)
        #expect(edge.description == "dev 10.0 − exit 2.0 = 8.0 bp < fees 8.0 + cross 0.0 + edge 1.0 = 9.0 bp")
    }

    @Test("a deviation whose capture pays the fees is entered, and SPREAD_DETECTED's reason shows the arithmetic")
    func enoughCaptureEntered() throws {
        var desk = Desk(Self.feePaying())
        Self.flat(&desk)
        _ = desk.machine.takeEntryCheck()
        // A rich by 12 bps (60072 vs 60000): 12 − 2 = 10 ≥ 8 + 0.0067 + 1 = 9.0067.
        let actions = desk.quote(.a, "60072")
        #expect(desk.machine.takeEntryCheck() == .detected)
        let detected = try #require(actions.transitions.first)
        #expect(detected.to == .spreadDetected)
        #expect(detected.reason == "dev 12.0 − exit 2.0 = 10.0 bp ≥ fees 8.0 + cross 0.0 + edge 1.0 = 9.0 bp; spread 12.0 bps, entry 5 bps")
        let edge = try #require(detected.entryEdge)
        #expect(edge.deviationBps == 12 && edge.exitBandBps == 2 && edge.captureBps == 10 && edge.pays)
        #expect(actions.path == [.spreadDetected, .validating])
    }

    @Test("a z exit band is counted in bps at today's σ, from the entry rule's fair value")
    func zExitBand() throws {
        // Calendar: fair is the rolling mean for both rules. Warm up on a spread alternating
        // ±1 bp around 0 (mean 0, σ about 1 bp), then a 10 bps deviation against a 2σ exit band.
        var config = Self.feePaying()
        config.kind = .calendar
        config.exit = .z(2)
        var desk = Desk(config)
        desk.marginOK()
        desk.quote(.b, "60000")
        for i in 0..<40 { desk.quote(.a, i % 2 == 0 ? "60006" : "59994", after: .seconds(1)) }
        _ = desk.machine.takeEntryCheck()
        let sd = try #require(desk.machine.statistics.standardDeviation)
        let mean = try #require(desk.machine.statistics.mean)
        desk.quote(.a, "60060")
        #expect(desk.machine.takeEntryCheck() == .notTaken(.edgeBelowCosts))
        let edge = try #require(desk.machine.lastEdgeBelowCosts)
        #expect(abs(edge.exitBandBps - 2 * sd) < 1e-9)
        #expect(abs(edge.deviationBps - (10 - mean)) < 1e-9)
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

    @Test("the shown arithmetic adds up: sums are of the parts as shown, and two places where one would contradict the verdict")
    func shownArithmeticAddsUp() {
        // 13.76 − 3.14 = 10.62 would read `13.8 − 3.1 = 10.6`.
        let edge = EntryEdge(deviationBps: 13.76, exitBandBps: 3.14, feesBps: 4.04, crossingBps: 2.04, minEdgeBps: 1)
        #expect(edge.description == "dev 13.8 − exit 3.1 = 10.7 bp ≥ fees 4.0 + cross 2.0 + edge 1.0 = 7.0 bp")
        // 8.04 − 1 = 7.04 against 7.06: one place shows `7.0 < 7.1`, true; 7.05 against 7.06 would show 7.1 < 7.1.
        let close = EntryEdge(deviationBps: 8.05, exitBandBps: 1, feesBps: 4.02, crossingBps: 2.04, minEdgeBps: 1)
        #expect(close.description == "dev 8.05 − exit 1.00 = 7.05 bp < fees 4.02 + cross 2.04 + edge 1.00 = 7.06 bp")
    }
}
