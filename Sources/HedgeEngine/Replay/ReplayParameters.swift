import Crypto
import Foundation
import HedgeCore
import HedgeVenues

/// Everything that produced a replay, so that its report alone reproduces it: the equivalent
/// command line, every file read with its size and SHA-256, each strategy's and venue's settings.
public struct ReplayParameters: Sendable, Hashable, Codable {
    /// A file the replay read.
    public struct InputFile: Sendable, Hashable, Codable {
        /// recording, snapshot (a cryptofeed `*.http.*` file seeding its recording's books),
        /// contracts or config.
        public var role: String
        public var path: String
        public var bytes: Int64
        public var sha256: String
    }

    public struct LegParameters: Sendable, Hashable, Codable {
        public var instrument: String
        /// perpetual, spot, or dated with its expiry.
        public var contract: String
        public var margining: Margining
        public var contractSize: FixedDecimal
        public var tickSize: FixedDecimal
        public var lotStep: FixedDecimal
        public var minNotional: FixedDecimal
        public var makerFee: FixedDecimal
        public var takerFee: FixedDecimal
        public var settlementAsset: String
    }

    public struct StrategyParameters: Sendable, Hashable, Codable {
        public var name: String
        public var kind: StrategyKind
        public var legs: [LegParameters]
        /// As `--entry` and `--exit` take them: "2.0z" in standard deviations, "50bps".
        public var entry: String
        public var exit: String
        /// USD per leg.
        public var targetNotional: FixedDecimal
        public var minEdgeBps: FixedDecimal
        public var maxSlippageBps: FixedDecimal
        public var stopLossBps: FixedDecimal?
        public var profitTargetBps: FixedDecimal?
        public var maxHoldingSeconds: Double?
        public var cooldownSeconds: Double
        public var orderTimeoutSeconds: Double
        public var sampleIntervalSeconds: Double
        public var window: Int
        public var warmupSamples: Int
        public var legOrder: LegOrder
    }

    public struct VenueParameters: Sendable, Hashable, Codable {
        public var name: String
        /// The seed of its latency draws.
        public var seed: UInt64
        /// One-way delays: orders and answers, and market data to the strategies.
        public var orderLatency: String
        public var marketDataLatency: String
        /// Starting wallet per asset, "ASSET=AMOUNT", sorted.
        public var balances: [String]
    }

    /// `hedgetop replay ...` with every setting that shapes the result spelled out.
    public var command: [String]
    public var files: [InputFile]
    public var strategies: [StrategyParameters]
    public var venues: [VenueParameters]
    /// "max" or a factor (with --watch).
    public var speed: String
    /// skip or stop.
    public var badInput: String
    /// The data-time window traded in (`--from`/`--to`, a walk-forward fold); absent for the whole data.
    public var window: ReplayWindow?

    /// The parameters of `setup`, built from `overrides` (and the configuration file at `config`),
    /// with `files` (`inputs`, hashed by `hash`).
    init(setup: ReplaySetup, overrides: ReplayOverrides, recordings: [String], contracts: [String], config: String?, files: [InputFile]) {
        self.files = files
        strategies = setup.strategies.map(Self.strategy)
        venues = setup.venues.map { venue in
            VenueParameters(name: venue.name, seed: venue.settings.seed, orderLatency: Self.describe(venue.settings.orderLatency),
                            marketDataLatency: Self.describe(venue.settings.marketDataLatency),
                            balances: venue.settings.balances.map { "\($0.key)=\($0.value)" }.sorted())
        }
        speed = setup.speed
        badInput = setup.policy == .stop ? "stop" : "skip"
        window = setup.window
        command = Self.command(setup: setup, overrides: overrides, recordings: recordings, contracts: contracts, config: config,
                               badInput: badInput)
    }

    /// The files a replay reads, each once, in the report's order with their roles.
    static func inputs(recordings: [String], contracts: [String], config: String?) -> [(path: String, role: String)] {
        var inputs: [(path: String, role: String)] = []
        func add(_ path: String, _ role: String) {
            if !inputs.contains(where: { $0.path == path }) { inputs.append((path, role)) }
        }
        // A configuration parsed from text (tests) has no file to hash.
        if let config, FileManager.default.fileExists(atPath: config) { add(config, "config") }
        for path in recordings {
            let source = try? ReplaySource(path: path)
            add(path, source?.isSnapshotFile == true ? "snapshot" : "recording")
            for sibling in source?.siblingSnapshotFiles() ?? [] { add(sibling, "snapshot") }
        }
        for path in contracts { add(path, "contracts") }
        return inputs
    }

    /// Each file's size and SHA-256, read through once.
    static func hash(_ inputs: [(path: String, role: String)]) throws(ReplayFailure) -> [InputFile] {
        var files: [InputFile] = []
        for (path, role) in inputs {
            let digest: FileDigest
            do { digest = try FileDigest(path: path) } catch { throw ReplayFailure("\(path): cannot read it to hash it: \(error)") }
            files.append(InputFile(role: role, path: path, bytes: digest.bytes, sha256: digest.sha256))
        }
        return files
    }

    static func strategy(_ config: StrategyConfig) -> StrategyParameters {
        let legs = [config.legs.a, config.legs.b].map { spec in
            let contract: String = switch spec.kind {
            case .perpetual: "perpetual"
            case .spot: "spot"
            case .dated(let expiry): "dated, expiry \(expiry)"
            }
            return LegParameters(instrument: spec.id.description, contract: contract, margining: spec.margining, contractSize: spec.contractSize,
                                 tickSize: spec.tickSize, lotStep: spec.lotStep, minNotional: spec.minNotional, makerFee: spec.fees.maker,
                                 takerFee: spec.fees.taker, settlementAsset: spec.settlementAsset)
        }
        return StrategyParameters(name: config.name, kind: config.kind, legs: legs, entry: argument(config.entry), exit: argument(config.exit),
                                  targetNotional: config.targetNotional, minEdgeBps: config.minEdgeBps, maxSlippageBps: config.maxSlippageBps,
                                  stopLossBps: config.stopLossBps, profitTargetBps: config.profitTargetBps,
                                  maxHoldingSeconds: config.maxHolding?.secondsDouble, cooldownSeconds: config.cooldown.secondsDouble,
                                  orderTimeoutSeconds: config.orderTimeout.secondsDouble, sampleIntervalSeconds: config.sampleInterval.secondsDouble,
                                  window: config.window, warmupSamples: config.warmupSamples, legOrder: config.legOrder)
    }

    /// A threshold as the command line takes it.
    static func argument(_ threshold: Threshold) -> String {
        switch threshold {
        case .bps(let value): "\(value)bps"
        case .z(let value): "\(value)z"
        }
    }

    /// A latency model in words: "4ms + uniform 0–3ms".
    static func describe(_ model: LatencyModel) -> String {
        func ms(_ duration: Duration) -> String {
            let millis = duration.secondsDouble * 1000
            return millis == millis.rounded() ? "\(Int(millis))ms" : "\(millis)ms"
        }
        switch model.jitter {
        case .none: return ms(model.base)
        case .uniform(let width): return "\(ms(model.base)) + uniform 0–\(ms(width))"
        case .lognormal(let median, let sigma): return "\(ms(model.base)) + lognormal median \(ms(median)) σ \(sigma)"
        }
    }

    /// The command line that runs this replay again. Without a configuration file every setting
    /// is spelled out, defaults included; with one, the file and what the command line changed.
    static func command(setup: ReplaySetup, overrides: ReplayOverrides, recordings: [String], contracts: [String], config: String?,
                        badInput: String) -> [String] {
        var words = ["hedgetop", "replay"]
        if let config {
            words += ["--config", config] + overrides.files
            if let kind = overrides.kind { words += ["--kind", kind.rawValue] }
            if let legs = overrides.legs { words += ["--legs", legs.joined(separator: ",")] }
            if let entry = overrides.entry { words += ["--entry", argument(entry)] }
            if let exit = overrides.exit { words += ["--exit", argument(exit)] }
            if let notional = overrides.notional { words += ["--notional", "\(notional)"] }
            if let fee = overrides.takerFee { words += ["--taker-fee", "\(fee)"] }
            for path in overrides.contracts { words += ["--contracts", path] }
        } else if let strategy = setup.strategies.first {
            words += recordings
            words += ["--kind", strategy.kind.rawValue, "--legs", "\(strategy.legs.a.id),\(strategy.legs.b.id)",
                      "--entry", argument(strategy.entry), "--exit", argument(strategy.exit), "--notional", "\(strategy.targetNotional)"]
            if let fee = overrides.takerFee { words += ["--taker-fee", "\(fee)"] }
            for path in contracts { words += ["--contracts", path] }
            // Starting balances that differ from a simulated venue's defaults (`--balance`).
            let defaults = SimulatedVenue.Settings().balances
            for venue in setup.venues.sorted(by: { $0.name < $1.name }) {
                for (asset, amount) in venue.settings.balances.sorted(by: { $0.key < $1.key }) where defaults[asset] != amount {
                    words += ["--balance", "\(venue.name):\(asset)=\(amount)"]
                }
            }
        }
        words += ["--on-bad-input", badInput, "--speed", setup.speed]
        words += setup.window?.arguments ?? []
        return words
    }

    /// The command as a shell would take it back: each word quoted when it needs to be.
    public var commandLine: String {
        command.map { word in
            let plain = !word.isEmpty && word.unicodeScalars.allSatisfy { scalar in
                scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || "_-./:,=@%+".unicodeScalars.contains(scalar))
            }
            return plain ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }.joined(separator: " ")
    }
}

/// A file's size and SHA-256, read through in chunks (never whole into memory).
struct FileDigest: Sendable {
    var bytes: Int64
    var sha256: String

    init(path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CocoaError(.fileReadNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        var total: Int64 = 0
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
            total += Int64(chunk.count)
        }
        bytes = total
        sha256 = hasher.finalize().map { byte in
            let hex = String(byte, radix: 16)
            return hex.count == 1 ? "0" + hex : hex
        }.joined()
    }
}
