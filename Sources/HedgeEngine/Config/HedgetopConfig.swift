import Foundation
import HedgeCore
import HedgeVenues
import TOMLKit

/// A configuration file (`hedgetop run --config FILE`, `hedgetop replay --config FILE`), read and
/// checked. Reading never stops at the first problem: `issues` holds every one found, and the
/// builders (`paperScenario`, `replaySetup`) add those that need the market (unknown venues and
/// symbols) and throw them all together, so nothing starts on a bad file.
public struct HedgetopConfig: Sendable {
    /// The file's path as given, for messages.
    public var file: String
    /// Relative paths in the file (replay files, contracts, journal, theme) are relative to this.
    public var directory: String
    /// `[market] scenario`: the paper market for `hedgetop run`.
    public var scenario: PaperScenario.Name?
    /// `[market] seed`.
    public var seed: UInt64?
    public var replay = ReplaySettings()
    public var strategies: [StrategySettings] = []
    public var venues: [VenueSettings] = []
    public var limits = PortfolioLimits.none
    /// `[journal] path`, made absolute.
    public var journalPath: String?
    /// `mode = "live"`: the live venues take real orders (with `--live` on the command line too);
    /// `"live-paper"` (the default for live venues) fills paper orders against their books.
    public var tradesLive = false
    /// `[screen] fps`.
    public var fps: Int?
    /// `[screen] theme`: a theme name, or a path made absolute.
    public var theme: String?
    /// `[serve] max_watchers`: connections `hedgetop serve` takes at once.
    public var maxWatchers: Int?
    /// `[serve] on_alert`, `alert_interval`, `alert_timeout`, `unhedged_alert_after`: the
    /// command `hedgetop serve` runs for each alert it detects, and how often and how long.
    public var alerts = AlertSettings()
    /// `[screen] bell`: ring the terminal bell when a strategy goes unhedged or into ERROR.
    public var bell: Bool?
    /// Every problem found while reading, in file order.
    var issues: [ConfigError] = []
    var sourceMap: ConfigSourceMap
    /// False when the text is not TOML at all: nothing else was read.
    public var parsed = true

    /// `[serve]`'s alert command keys.
    public struct AlertSettings: Sendable, Hashable {
        public var command: String?
        public var interval: Duration?
        public var timeout: Duration?
        public var unhedgedAfter: Duration?
    }

    /// `[replay]`: recorded data for `hedgetop replay --config`.
    public struct ReplaySettings: Sendable, Hashable {
        public var files: [String] = []
        public var contracts: [String] = []
        /// "max" or a factor.
        public var speed: String?
        public var policy: BadInputPolicy?
        /// `max_book_levels`: levels each simulated book keeps a side (memory's bound, not the data's).
        public var maxBookLevels: Int?
    }

    /// One `[[strategies]]` table. Keys not given keep the template's value (the scenario's tuned
    /// strategy in paper mode, the replay defaults in replay mode).
    public struct StrategySettings: Sendable {
        /// `strategies[N]`, for messages.
        public var key: String
        public var name: String?
        public var kind: StrategyKind?
        /// As written, `VENUE:SYMBOL`, A then B (the spread is A − B).
        public var legs: [String]?
        /// The key errors about `legs` or `kind` name when the command line gave them (`--legs`,
        /// `--kind`); nil when they come from this table.
        var legsKey: String?
        var kindKey: String?
        public var targetNotional: FixedDecimal?
        public var entry: Threshold?
        public var exit: Threshold?
        /// The optional keys, applied over the template.
        var overrides: [@Sendable (inout StrategyConfig) -> Void] = []

        public init(key: String) { self.key = key }

        /// The template with every key of this table applied.
        public func apply(to template: StrategyConfig) -> StrategyConfig {
            var config = template
            if let name { config.name = name }
            if let kind { config.kind = kind }
            if let targetNotional { config.targetNotional = targetNotional }
            if let entry { config.entry = entry }
            if let exit { config.exit = exit }
            for override in overrides { override(&config) }
            return config
        }
    }

    /// One `[venues.NAME]` table: how the simulated venue executes.
    public struct VenueSettings: Sendable {
        public var name: String
        /// `venues.NAME`, for messages.
        public var key: String
        /// Overrides every contract's fee rate on this venue.
        public var takerFee: FixedDecimal?
        var makerFee: FixedDecimal?
        public var marginMode: SimulatedVenue.MarginMode?
        /// `stale_after`: a leg on this venue with no market data for longer is stale.
        public var staleAfter: Duration?
        public var faults: [FaultSettings] = []
        /// `kind`, `ws_url`, `rest_url`, `ca_file`: the venue is a live one (LIVE-PAPER).
        public var live: LiveSettings?
        var faultSeed: UInt64?
        var overrides: [@Sendable (inout SimulatedVenue.Settings) -> Void] = []

        /// `base` with this table's latency, seed, balances and price band applied.
        public func apply(to base: SimulatedVenue.Settings) -> SimulatedVenue.Settings {
            var settings = base
            for override in overrides { override(&settings) }
            return settings
        }
    }

    /// A live venue's connection: which protocol (`kind`), where (the real endpoints unless
    /// `ws_url`/`rest_url` say otherwise) and which CA to trust for a test exchange (`ca_file`).
    public struct LiveSettings: Sendable, Hashable {
        /// The venue kinds hedgetop connects to.
        public static let kinds = ["binance-usdm", "binance-coinm", "binance-spot", "bybit-linear", "bybit-spot"]
        public var kind: String
        public var webSocketURL: String?
        public var restURL: String?
        public var caFile: String?
    }

    /// Whether any venue is live: `hedgetop run` trades LIVE-PAPER, or LIVE with `mode = "live"`.
    public var isLive: Bool { venues.contains { $0.live != nil } }

    /// One `[[venues.NAME.faults]]` table. Times are offsets from the start of the run.
    public struct FaultSettings: Sendable, Hashable {
        public enum Kind: String, Sendable, Hashable, CaseIterable { case reject, delay, drop, stale, outage }
        public var key: String
        public var kind: Kind
        public var from: Duration?
        public var until: Duration?
        public var count: Int?
        public var probability: Double?
        public var purposes: Set<OrderPurpose>?
        public var reason: String?
        public var extra: Duration?
        /// `VENUE:SYMBOL` (aliases allowed) for `stale`.
        public var instrument: String?
        public var venueToo: Bool?
    }

    /// Reads `path`; an unreadable file is an error like any other.
    public static func load(path: String) -> HedgetopConfig {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            var config = HedgetopConfig(file: path, directory: directory, sourceMap: ConfigSourceMap(""))
            config.parsed = false
            config.issues = [ConfigError(key: nil, line: nil, problem: "cannot be read (missing, unreadable or not UTF-8)")]
            return config
        }
        return parse(text, file: path, directory: directory)
    }

    /// Reads the text of a configuration file.
    public static func parse(_ text: String, file: String, directory: String = FileManager.default.currentDirectoryPath) -> HedgetopConfig {
        var config = HedgetopConfig(file: file, directory: directory, sourceMap: ConfigSourceMap(text))
        // TOMLKit hands the text to C++ as a C string, which ends at a NUL: the rest of the file
        // would be dropped without a word.
        if let (line, column) = Self.firstNUL(in: text) {
            config.parsed = false
            config.issues = [ConfigError(key: nil, line: line, column: column,
                                         problem: "a NUL byte: a TOML file is text and cannot hold one (is this a binary file?)")]
            return config
        }
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            config.parsed = false
            config.issues = [ConfigError(key: nil, line: error.source.begin.line, column: error.source.begin.column,
                                         problem: "not valid TOML: " + error.description)]
            return config
        } catch {
            config.parsed = false
            config.issues = [ConfigError(key: nil, line: nil, problem: "not valid TOML: \(error)")]
            return config
        }
        let issues = ConfigIssues(map: config.sourceMap)
        let table = ConfigTable(root, path: "", issues: issues)
        config.read(table)
        table.finish()
        config.issues = issues.errors.sorted { ($0.line ?? .max, $0.key ?? "") < ($1.line ?? .max, $1.key ?? "") }
        return config
    }

    /// The line and column (1-based, in bytes) of the first NUL byte in `text`, if any.
    static func firstNUL(in text: String) -> (line: Int, column: Int)? {
        var line = 1
        var lineStart = 0
        for (offset, byte) in text.utf8.enumerated() {
            if byte == 0 { return (line, offset - lineStart + 1) }
            if byte == 0x0A {
                line += 1
                lineStart = offset + 1
            }
        }
        return nil
    }

    /// Throws every problem found so far, if any.
    public func validated() throws(ConfigErrors) {
        if !issues.isEmpty { throw ConfigErrors(file: file, errors: issues) }
    }

    /// A path from the file, made absolute against the file's directory; `~/` is the home.
    func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        if path.hasPrefix("~/") { return NSString(string: path).expandingTildeInPath }
        return URL(fileURLWithPath: directory).appendingPathComponent(path).standardized.path
    }
}
