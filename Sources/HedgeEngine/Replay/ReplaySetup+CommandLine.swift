import Foundation
import HedgeCore
import HedgeVenues

/// Why a replay could not start or did not finish (a file, a contract, a bad line), in words
/// that say what is wrong; the program prints it after its name and exits 1.
public struct ReplayFailure: Error, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

extension SimulatedVenue.Settings {
    /// The simulated venues a replay fills on: the same seed every time, so a replay is repeatable.
    static var replay: SimulatedVenue.Settings {
        var settings = SimulatedVenue.Settings()
        settings.seed = 7
        return settings
    }
}

extension ReplaySetup {
    /// The replay the command line alone describes (no configuration file): one strategy of
    /// `overrides.kind` on `overrides.legs`, with the kind's replay defaults and the contracts
    /// of the built-in catalog and `overrides.contracts`.
    public init(commandLine overrides: ReplayOverrides) throws(ReplayFailure) {
        var catalog = ContractCatalog.builtIn
        for file in overrides.contracts {
            do { try catalog.load(contentsOf: URL(fileURLWithPath: file)) }
            catch { throw ReplayFailure("\(error)") }
        }
        let instruments = (overrides.legs ?? []).compactMap { InstrumentID(parsing: $0) }
        var specs: [ContractSpec] = []
        for id in instruments {
            do { specs.append(try catalog.spec(for: id)) }
            catch { throw ReplayFailure("\(error)") }
        }
        // The same checks as a config file's strategy, named by the option that gave the legs.
        if specs[0].id == specs[1].id { throw ReplayFailure("--legs: both legs are \(specs[0].id); a spread needs two instruments") }
        if let problem = HedgetopConfig.legProblem(overrides.kind ?? .calendar, specs[0], specs[1]) { throw ReplayFailure("--legs: \(problem)") }
        if let rate = overrides.takerFee {
            for index in specs.indices { specs[index].fees.taker = rate }
        }
        let policy = overrides.policy ?? .skip
        let feed: ReplayFeed
        do { feed = try ReplayFeed(paths: overrides.files, instruments: instruments, options: ReplayOptions(policy: policy), catalog: catalog) }
        catch { throw ReplayFailure("\(error)") }
        let strategy = StrategyConfig.replayDefaults(kind: overrides.kind ?? .calendar, legs: PerLeg(a: specs[0], b: specs[1]),
                                                     targetNotional: overrides.notional ?? 50_000, entry: overrides.entry, exit: overrides.exit)
        let venueNames = Set(instruments.map(\.venue)).sorted()
        if let problem = VenueBalance.unknownVenue(overrides.balances, venues: venueNames) { throw ReplayFailure("--balance: \(problem)") }
        let venues = venueNames.map { name in
            SimulatedVenue(name: name, contracts: specs.filter { $0.id.venue == name }, settings: SimulatedVenue.Settings.replay.with(overrides.balances, venue: name))
        }
        self.init(strategies: [strategy], venues: venues, feed: feed, speed: overrides.speed ?? "max", policy: policy)
        window = overrides.window
        parameters = try PendingParameters(setup: self, overrides: overrides, recordings: overrides.files,
                                          contracts: overrides.contracts, config: nil)
        warnings = catalog.warnings
    }
}
