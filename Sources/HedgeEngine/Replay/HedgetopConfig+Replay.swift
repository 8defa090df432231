import Foundation
import HedgeCore
import HedgeVenues

/// What `hedgetop replay` was told on its command line; each given option wins over the file.
public struct ReplayOverrides: Sendable {
    /// Recorded files: replace `replay.files` when not empty.
    public var files: [String] = []
    /// Contract files: added to `replay.contracts`.
    public var contracts: [String] = []
    /// `--kind`, `--legs`, `--entry`, `--exit`, `--notional`: applied to every strategy.
    public var kind: StrategyKind?
    public var legs: [String]?
    public var entry: Threshold?
    public var exit: Threshold?
    public var notional: FixedDecimal?
    /// `--taker-fee`: every leg's taker rate.
    public var takerFee: FixedDecimal?
    public var speed: String?
    public var policy: BadInputPolicy?
    /// `--balance`: starting balances on the simulated venues, over the defaults and the file's.
    public var balances: [VenueBalance] = []
    /// `--from`/`--to`: trade only inside this data-time window (a walk-forward fold).
    public var window: ReplayWindow?

    public init() {}
}

/// A replay ready to run: strategies and venues for an `Engine` over `feed`.
public struct ReplaySetup {
    public var strategies: [StrategyConfig]
    public var venues: [SimulatedVenue]
    public var feed: ReplayFeed
    /// "max" or a factor.
    public var speed: String
    public var policy: BadInputPolicy
    /// What the report says produced the run: files with their hashes, settings, the command line.
    /// The files are hashed while the replay runs: keep this before the setup goes, wait after.
    public var parameters: PendingParameters? = nil
    /// What loading the contract files skipped (`ContractCatalog.warnings`), for standard error.
    public var warnings: [String] = []
    /// Trade only inside this data-time window; the data before it warms up books and statistics.
    public var window: ReplayWindow? = nil
}

extension HedgetopConfig {
    /// The replay this file (and the command line, which wins) describes: files, contracts,
    /// strategies, venues. Throws every error of the file, if there is any; then nothing starts.
    public func replaySetup(_ overrides: ReplayOverrides) throws(ConfigErrors) -> ReplaySetup {
        var errors = issues
        guard parsed else { throw ConfigErrors(file: file, errors: errors) }
        func fail(_ key: String, _ problem: String) {
            errors.append(ConfigError(key: key, line: sourceMap.line(of: key), problem: problem))
        }
        var catalog = ContractCatalog.builtIn
        for (index, path) in replay.contracts.enumerated() {
            do { try catalog.load(contentsOf: URL(fileURLWithPath: path)) } catch { fail("replay.contracts[\(index)]", "\(error)") }
        }
        for path in overrides.contracts {
            do { try catalog.load(contentsOf: URL(fileURLWithPath: path)) } catch { fail("--contracts", "\(error)") }
        }
        let files = overrides.files.isEmpty ? replay.files : overrides.files
        if files.isEmpty { fail("replay.files", "no recorded files: list them here or on the command line") }
        for (index, path) in files.enumerated() where !FileManager.default.isReadableFile(atPath: path) {
            fail(overrides.files.isEmpty ? "replay.files[\(index)]" : "FILE", "cannot read \(path)")
        }

        var list = strategies
        if list.isEmpty {
            var settings = StrategySettings(key: "--legs")
            if overrides.kind == nil { fail("strategies", "no [[strategies]] in the file: add one, or give --kind and --legs") }
            else if overrides.legs == nil { fail("strategies", "no [[strategies]] in the file: add one, or give --legs") }
            settings.kind = overrides.kind
            settings.legs = overrides.legs
            list = [settings]
        }
        for index in list.indices {
            if let kind = overrides.kind {
                list[index].kind = kind
                list[index].kindKey = "--kind"
            }
            if let legs = overrides.legs {
                list[index].legs = legs
                list[index].legsKey = "--legs"
            }
            if let entry = overrides.entry { list[index].entry = entry }
            if let exit = overrides.exit { list[index].exit = exit }
            if let notional = overrides.notional { list[index].targetNotional = notional }
        }
        let market = ConfigMarket(specs: catalog.specs, source: "the contract catalog (built-in and replay.contracts)", refused: catalog.refused)
        // The venues are those the legs trade on.
        var instruments: [InstrumentID] = []
        for settings in list {
            for text in settings.legs ?? [] {
                if let id = InstrumentID(parsing: text), let spec = catalog.specs[id], !instruments.contains(spec.id) { instruments.append(spec.id) }
            }
        }
        let venueNames = Set(instruments.map(\.venue)).sorted()
        var baseSettings = SimulatedVenue.Settings.replay
        if let levels = replay.maxBookLevels { baseSettings.maxBookLevels = levels }
        if !instruments.isEmpty, let problem = VenueBalance.unknownVenue(overrides.balances, venues: venueNames) { fail("--balance", problem) }

        var start = Timestamp.zero
        let anyWindow = venues.contains { $0.faults.contains { $0.from != nil || $0.until != nil } }
        if anyWindow, errors.isEmpty, var probe = try? ReplayFeed(paths: files, instruments: instruments, catalog: catalog) {
            start = probe.next()?.time ?? .zero
        }
        let build = build(
            market: market, strategies: list, defaults: [],
            template: { kind, legs in StrategyConfig.replayDefaults(kind: kind, legs: legs) },
            baseVenues: Dictionary(uniqueKeysWithValues: venueNames.map { ($0, baseSettings) }),
            venueNames: venueNames, takerFee: overrides.takerFee, balances: overrides.balances, start: start, errors: &errors)
        if !errors.isEmpty { throw ConfigErrors(file: file, errors: Self.ordered(errors)) }
        let policy = overrides.policy ?? replay.policy ?? .skip
        let feed: ReplayFeed
        do {
            feed = try ReplayFeed(paths: files, instruments: instruments, options: ReplayOptions(policy: policy), catalog: catalog)
        } catch {
            throw ConfigErrors(file: file, errors: [ConfigError(key: overrides.files.isEmpty ? "replay.files" : "FILE",
                                                                line: sourceMap.line(of: "replay.files"), problem: "\(error)")])
        }
        var setup = ReplaySetup(strategies: build.strategies, venues: build.venues, feed: feed,
                                speed: overrides.speed ?? replay.speed ?? "max", policy: policy)
        setup.window = overrides.window
        do {
            setup.parameters = try PendingParameters(setup: setup, overrides: overrides, recordings: files,
                                                    contracts: replay.contracts + overrides.contracts, config: file)
        } catch {
            throw ConfigErrors(file: file, errors: [ConfigError(key: "replay.files", line: nil, problem: error.message)])
        }
        setup.warnings = catalog.warnings
        return setup
    }
}
