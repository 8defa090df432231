import Foundation
@testable import HedgeCore
@testable import HedgeVenues
import Testing

/// A strategy and the simulated venues it trades on, without the engine's latency: each order
/// is executed against the venue's book at once and its answers fed straight back.
struct RecordedBookDesk {
    var machine: HedgingStateMachine
    var venues: [String: SimulatedVenue]
    var now: Timestamp
    /// Every order the venues received, in order.
    var received: [OrderRequest] = []
    /// Every fill, by leg.
    var fills = PerLeg<[Fill]>(repeating: [])

    init(config: StrategyConfig, venueSpecs: [ContractSpec], books: [InstrumentID: BookDepth], at now: Timestamp) {
        self.now = now
        machine = HedgingStateMachine(config: config, startedAt: now)
        var settings = SimulatedVenue.Settings()
        settings.balances = ["BTC": 100, "USDT": 10_000_000]
        venues = Dictionary(grouping: venueSpecs, by: \.id.venue).mapValues { specs in
            var venue = SimulatedVenue(name: specs[0].id.venue, contracts: specs, settings: settings)
            for spec in specs { if let book = books[spec.id] { venue.onMarket(.depth(spec.id, book)) } }
            return venue
        }
    }

    /// Sends `event` and everything it causes: orders executed, their answers fed back.
    mutating func send(_ event: StrategyEvent) {
        var pending = [event]
        while !pending.isEmpty {
            let actions = machine.handle(pending.removeFirst(), at: now)
            for case .placeOrder(let order) in actions {
                received.append(order)
                for update in venues[order.instrument.venue]!.execute(order, at: now) {
                    if case .filled(let fill, _) = update { fills[order.leg].append(fill) }
                    pending.append(.order(order.leg, update))
                }
            }
        }
    }

    /// Margin on both legs, both books' tops, then a fresh top on A: SCANNING → VALIDATING → the first leg.
    mutating func open(books: PerLeg<BookDepth>) {
        for leg in Leg.allCases { send(.margin(leg, MarginStatus(available: 1_000_000, marginRatio: 0.01))) }
        send(.quote(.b, books.b.top!))
        send(.quote(.a, books.a.top!))
        now = now + .milliseconds(1)
        send(.quote(.a, books.a.top!))
    }

    /// The base exposure a leg's fills hold, fill by fill at their own prices, signed by side.
    func base(_ leg: Leg) throws -> FixedDecimal {
        let spec = machine.config.legs[leg]
        return try fills[leg].reduce(FixedDecimal.zero) { total, fill in
            let one = try spec.baseExposure(quantity: fill.quantity, price: fill.price)
            return try total + (fill.side == .buy ? one : one.negated)
        }
    }
}

/// The hedge is sized from what the first leg filled, on the recorded 2024-08-08 books: COIN-M
/// BTCUSD_PERP against USD-M BTCUSDT (the REST snapshots the recordings start from, best 120 levels
/// a side; `Fixtures/README.md`). COIN-M is 4.5 USD rich (mid 61804.75 against 61800.25): sell it,
/// buy USD-M, 800 000 USD a leg, so the COIN-M leg walks 51 levels of bids.
@Suite("Hedge from the fills, on recorded books")
struct HedgeFromFillsOnRecordedBooksTests {
    static let usdm = ContractCatalog.builtIn.specs[InstrumentID(venue: "binance-usdm", symbol: "BTCUSDT")]!
    static let coinm = ContractCatalog.builtIn.specs[InstrumentID(venue: "binance-coinm", symbol: "BTCUSD_PERP")]!

    /// The two snapshots: COIN-M first, then USD-M.
    static func books() throws -> (coinm: BookDepth, usdm: BookDepth) {
        let url = try #require(Bundle.module.url(forResource: "binance_rest_snapshots_20240808", withExtension: "txt", subdirectory: "Fixtures"))
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
        func book(_ line: Substring) throws -> BookDepth {
            let json = try #require(try JSONSerialization.jsonObject(with: Data(line[line.firstIndex(of: "{")!...].utf8)) as? [String: Any])
            func levels(_ key: String) throws -> [BookLevel] {
                try #require(json[key] as? [[String]]).map { BookLevel(price: FixedDecimal($0[0])!, quantity: FixedDecimal($0[1])!) }
            }
            return BookDepth(bids: try levels("bids"), asks: try levels("asks"), time: Timestamp(milliseconds: try #require(json["E"] as? Int64)))
        }
        return (try book(lines[0]), try book(lines[1]))
    }

    /// A: USD-M, B: COIN-M; fees out of the entry rule so the 0.73 bp the recording shows is an entry.
    static func config(first: LegOrder) -> StrategyConfig {
        var legs = PerLeg(a: usdm, b: coinm)
        for leg in Leg.allCases { legs[leg].fees = FeeSchedule(maker: .zero, taker: .zero) }
        var config = StrategyConfig(
            name: "S", kind: .basis, legs: legs, targetNotional: 800_000, entry: .bps("0.5"), exit: .bps("0.1"),
            minEdgeBps: .zero, profitTargetBps: nil, stopLossBps: nil, spreadStopBps: nil, maxHolding: nil,
            cooldown: .seconds(10), volatilityStopMultiple: nil, expiryGuard: .seconds(3600), marginGuardRatio: 0.8,
            maxSlippageBps: "50", orderTimeout: .seconds(5), hedgeDeadline: .seconds(10), maxHedgeAttempts: 3,
            driftTolerance: "0.02", sampleInterval: .seconds(1), window: 120, warmupSamples: 30)
        config.legOrder = first
        return config
    }

    static func desk(first: LegOrder) throws -> RecordedBookDesk {
        let (coinmBook, usdmBook) = try books()
        var desk = RecordedBookDesk(config: config(first: first), venueSpecs: [usdm, coinm],
                                    books: [usdm.id: usdmBook, coinm.id: coinmBook], at: coinmBook.time)
        desk.open(books: PerLeg(a: usdmBook, b: coinmBook))
        return desk
    }

    @Test("an inverse first leg that walks 51 levels is hedged from its fills' average price, within a lot")
    func inverseFirstLeg() throws {
        let desk = try Self.desk(first: .bFirst)
        #expect(desk.machine.stateName == .monitoring)
        // 800 000 / 61804.75 = 12.94398893 BTC; at the bid 61804.7 that is 7999 contracts, sold down to 61783.1.
        let first = try #require(desk.received.first)
        #expect(first.leg == .b && first.side == .sell && first.quantity == 7999)
        #expect(desk.fills.b.count == 51 && desk.fills.b.last?.price == "61783.1")
        // Their coins: Σ 100 × qty / price = 12.94509019… (average 61791.76724545) → 12.945 BTC bought on USD-M.
        // At the top price alone, 799900 / 61804.7 = 12.94217… → 12.942: three lots short.
        let hedge = try #require(desk.received.dropFirst().first)
        #expect(hedge.leg == .a && hedge.side == .buy && hedge.quantity == "12.945")
        #expect(try (desk.base(.a) + desk.base(.b)).magnitude <= Self.usdm.lotStep)
    }

    @Test("the reverse: a linear first leg, and the inverse hedge that walked the book is trimmed to within a lot")
    func inverseHedge() throws {
        let desk = try Self.desk(first: .aFirst)
        #expect(desk.machine.stateName == .monitoring)
        // USD-M buys 12.943 BTC; the hedge sells 12.943 × 61804.7 / 100 = 7999 contracts, whose coins,
        // walked down 51 levels, are 12.94509019: 0.00209 BTC (1.29 contracts) too many.
        #expect(desk.received.map(\.quantity) == ["12.943", "7999", "1"])
        let trim = try #require(desk.received.last)
        #expect(trim.leg == .b && trim.side == .buy && trim.reduceOnly && trim.purpose == .hedge)
        // 7998 contracts: 12.94509019 − 100/61804.8 = 12.94347219… against 12.943: 0.3 of a contract.
        let contract = try Self.coinm.baseExposure(quantity: 1, price: "61804.8")
        #expect(try (desk.base(.a) + desk.base(.b)).magnitude <= contract)
        #expect(desk.machine.positions.b.quantity == -7998)
    }
}
