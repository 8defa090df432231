import Foundation
@testable import HedgeCore
@testable import HedgeVenues
import Testing
@testable import HedgeEngine

/// A coin-margined replay can be given its coin (`--balance`, over the defaults and the file's
/// `balances`), and a strategy's legs are checked alike from a file and from `--legs`/`--kind`,
/// each error naming the key that gave them.
@Suite("Replay balances and legs")
struct ReplayBalanceTests {
    static let cryptofeed = EntryCheckReplayTests.cryptofeed
    static let dapi = EntryCheckReplayTests.dapi
    static func basis2021(strategy: String = "", venue: String = "") -> String { EntryCheckReplayTests.basis2021(strategy: strategy, venue: venue) }

    @Test("--balance wins over the file's balances: with the BTC the margin lacked, the spread opens")
    func balanceGivesMargin() throws {
        let short = try EntryCheckReplayTests.replay(Self.basis2021(venue: "balances = { BTC = 0.01 }"))
        let need = try #require(short.entryChecks.lastMarginShortfall?.required)
        let whole = try need.rounded(places: 0, .ceiling)
        // `--balance` wins over the file's balances, asset by asset: with the BTC the spread opens.
        var overrides = ReplayOverrides()
        overrides.balances = [try VenueBalance(parsing: "binance-coinm:BTC=\(whole)")]
        let funded = try EntryCheckReplayTests.replay(Self.basis2021(venue: "balances = { BTC = 0.01 }"), overrides)
        #expect(funded.trades.count == 1 && funded.entryChecks.notTaken.margin == 0, "\(EntryCheckReplayTests.lines(funded))")
    }

    @Test("--balance over the defaults sets one asset and keeps the others; a venue no leg trades on is refused")
    func balanceOverrides() throws {
        var overrides = ReplayOverrides()
        overrides.balances = [try VenueBalance(parsing: "binance-coinm:BCH=6")]
        let setup = try HedgetopConfig.parse(Self.basis2021(), file: "replay.toml").replaySetup(overrides)
        let venue = try #require(setup.venues.first { $0.name == "binance-coinm" })
        #expect(venue.balances["BCH"] == 6)
        #expect(venue.balances["BTC"] == SimulatedVenue.Settings.replay.balances["BTC"])

        overrides.balances = [try VenueBalance(parsing: "bybit-linear:USDT=5")]
        #expect { _ = try HedgetopConfig.parse(Self.basis2021(), file: "replay.toml").replaySetup(overrides) } throws: { error in
            "\(error)".contains("--balance: unknown venue \"bybit-linear\" in bybit-linear:USDT=5: the legs trade on binance-coinm")
        }
    }

    @Test("--balance text: VENUE:ASSET=AMOUNT, a number, not negative")
    func balanceParsing() throws {
        #expect(try VenueBalance(parsing: "binance-coinm:BCH=5.84") == VenueBalance(venue: "binance-coinm", asset: "BCH", amount: "5.84"))
        #expect(try VenueBalance(parsing: "binance-usdm:USDT=0") == VenueBalance(venue: "binance-usdm", asset: "USDT", amount: 0))
        for (text, message) in [("binance-coinm=6", "--balance takes VENUE:ASSET=AMOUNT"), ("binance-coinm:BCH", "--balance takes VENUE:ASSET=AMOUNT"),
                                (":BCH=6", "--balance takes VENUE:ASSET=AMOUNT"), ("binance-coinm:BCH=six", "\"six\" is not an amount of BCH"),
                                ("binance-coinm:BCH=-1", "-1 is negative")] {
            #expect { _ = try VenueBalance(parsing: text) } throws: { "\($0)".contains(message) }
        }
    }

    @Test("a calendar with a perpetual leg is refused in a file and under --legs/--kind over it, naming the key that gave it")
    func perpetualCalendarKeys() throws {
        let calendarInFile = Self.basis2021().replacingOccurrences(of: "kind = \"basis\"", with: "kind = \"calendar\"")
        let message = "a calendar spread needs two dated futures (binance-coinm:BTCUSD_210924, binance-coinm:BTCUSD_PERP); a dated future against a perpetual is a basis spread"
        func errors(_ text: String, _ overrides: ReplayOverrides) -> [String] {
            do { _ = try HedgetopConfig.parse(text, file: "replay.toml").replaySetup(overrides) } catch { return error.errors.map(\.description) }
            return []
        }
        #expect(errors(calendarInFile, ReplayOverrides()) == ["line 8: strategies[0].legs: \(message)"])
        var kind = ReplayOverrides()
        kind.kind = .calendar
        #expect(errors(Self.basis2021(), kind) == ["--kind: \(message)"])
        var legs = ReplayOverrides()
        legs.legs = ["binance-coinm:BTCUSD_210924", "binance-coinm:BTCUSD_PERP"]
        #expect(errors(calendarInFile.replacingOccurrences(of: "BTCUSD_PERP", with: "BTCUSD_210625"), legs) == ["--legs: \(message)"])
        legs.legs = ["binance-coinm:BTCUSD_210924", "binance-coinm:NOPE"]
        #expect(errors(Self.basis2021(), legs).first?.hasPrefix("--legs: unknown symbol \"NOPE\"") == true)
        // The command line alone refuses it the same way.
        var alone = ReplayOverrides()
        alone.files = [Self.cryptofeed]
        alone.contracts = [Self.dapi]
        alone.kind = .calendar
        alone.legs = ["binance-coinm:BTCUSD_210924", "binance-coinm:BTCUSD_PERP"]
        #expect { _ = try ReplaySetup(commandLine: alone) } throws: { "\($0)" == "--legs: \(message)" }
    }
}
