import Foundation
@testable import HedgeCore
@testable import HedgeEngine
@testable import HedgeVenues
import Testing

/// A replay whose leg is beyond the venue's MARKET_LOT_SIZE: the 2021 COIN-M recording, with the
/// exchangeInfo that came with it (BTCUSD_210924: MARKET_LOT_SIZE maxQty 10000 contracts).
@Suite("Replay: orders beyond the venue's maximum")
struct ReplayOrderLimitsTests {
    static let data = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("../shared/data").standardized.path

    @Test("1.5 M USD a leg: the September leg goes as two legal orders, the spread is hedged, the books agree")
    func splitsBeyondMarketLotSize() throws {
        var overrides = ReplayOverrides()
        overrides.files = ["\(Self.data)/cryptofeed/20210417_BINANCE_DELIVERY.ws.7.0"]
        overrides.contracts = ["\(Self.data)/contract_specs/20210417_dapi.binance.com_dapi_v1_exchangeInfo.json"]
        overrides.kind = .basis
        overrides.legs = ["binance-coinm:BTCUSD_210924", "binance-coinm:BTCUSD_PERP"]
        overrides.notional = 1_500_000
        let setup = try ReplaySetup(commandLine: overrides)
        let september = setup.strategies[0].legs.a
        #expect(september.maxMarketQuantity == 10_000)
        let engine = Engine(strategies: setup.strategies, venues: setup.venues, feed: setup.feed, mode: .replay, startedAt: nil)
        while let next = engine.nextEventTime { engine.run(until: next) }

        let venue = try #require(engine.venue(named: "binance-coinm"))
        let received = venue.orders.values.map(\.request).sorted { $0.id.rawValue < $1.id.rawValue }
        // The rich September future is sold first: 16989 contracts as 8495 + 8494, then 15000 PERP whole.
        #expect(received.filter { $0.instrument == september.id }.map(\.quantity) == [8495, 8494])
        #expect(received.allSatisfy { order in
            let spec = setup.strategies[0].legs[order.leg]
            return order.quantity <= spec.maximumQuantity(market: true)!
        })
        #expect(venue.orders.values.allSatisfy { $0.status == .filled })
        let machine = engine.machines[0]
        #expect(machine.stateName == .monitoring)
        #expect(machine.positions.a.quantity == -16989 && machine.positions.b.quantity == 15000)
        // Hedged at the fills: 16989 × 100 / 68615.90259579 = 24.7594… BTC sold against
        // 15000 × 100 / 60581.14657996 = 24.7601… bought, within one PERP contract (0.00165 BTC).
        let exposures = try Leg.allCases.map { leg in
            try machine.positions[leg].spec.baseExposure(quantity: machine.positions[leg].quantity.magnitude, price: machine.positions[leg].averageEntry)
        }
        let contract = try setup.strategies[0].legs.b.baseExposure(quantity: 1, price: machine.positions.b.averageEntry)
        let gap = try (exposures[0] - exposures[1]).magnitude
        #expect(gap <= contract)
        // The strategy's books are the venue's, contract for contract and to the satoshi of fees.
        for leg in Leg.allCases {
            let held = try #require(engine.venuePosition(setup.strategies[0].legs[leg].id))
            #expect(held.quantity == machine.positions[leg].quantity)
            #expect(held.feesPaid == machine.positions[leg].feesPaid)
        }
        #expect(engine.positionBreaks == 0)
    }
}

/// Bybit linear against Bybit spot from the command line, on the 2026 recording whose http lines
/// carry both instruments-info responses.
@Suite("Replay: Bybit linear against spot")
struct BybitLinearSpotReplayTests {
    @Test("the spot spec loads from the recording's own instruments-info and the cross replay runs with quotes on both legs")
    func linearAgainstSpot() async throws {
        let recording = "\(ReplayOrderLimitsTests.data)/bybit/20260809_BYBIT_v5_linear_spot.jsonl"
        var overrides = ReplayOverrides()
        overrides.files = [recording]
        overrides.contracts = [recording]
        overrides.kind = .cross
        overrides.legs = ["bybit-linear:BTCUSDT", "bybit-spot:BTCUSDT"]
        let setup = try ReplaySetup(commandLine: overrides)
        let spot = setup.strategies[0].legs.b
        #expect(spot.kind == .spot && spot.minNotional == 5 && spot.maxNotional == 8_000_000 && spot.maxMarketQuantity == 120)
        // The spot response skips 17 symbols whose ticks are finer than eight places, and says so.
        #expect(setup.warnings.count == 1 && setup.warnings[0].contains("17 instruments skipped"))
        let session = try TradingSession(replaying: setup)
        await session.runToEnd()
        let report = await session.replayResult().report
        #expect(report.legsWithoutQuotes.isEmpty)
        #expect(report.strategies.count == 1)
    }
}
