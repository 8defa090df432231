import ArgumentParser
import Foundation
import HedgeCore
import HedgeEngine
import HedgeTerminal
import HedgeVenues
import Logging
import ServiceLifecycle

extension StrategyKind: ExpressibleByArgument {}

extension Threshold: ExpressibleByArgument {
    /// "2z" or "2.5σ" in standard deviations; "15bps" or "15" in basis points (the same parser
    /// as the configuration file's).
    public init?(argument: String) {
        self.init(parsing: argument)
    }
}

extension Hedgetop {
    /// Replays recorded market data through a strategy and reports what it would have done.
    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replay recorded market data through a strategy and print a report.",
            discussion: """
            Formats are told from the file names: Binance recordings (usdm_*, cm_*, spot_*, *_BINANCE_DELIVERY.ws.*), \
            Bybit JSON lines (*BYBIT*.jsonl) and the quote CSV (*.csv: ts_ns,venue,symbol,bid_px,bid_qty,ask_px,ask_qty). \
            Venues: binance-usdm, binance-coinm, binance-spot, bybit-linear, bybit-spot, csv.
            """)

        @Argument(help: "Recorded files (plain or gzip); with --config, they replace replay.files.")
        var files: [String] = []

        @Option(help: "A configuration file (TOML): replay files, contracts, strategies, venues, screen. Options given here win over it.")
        var config: String?

        @Option(help: "Strategy kind: basis, calendar or cross (required without --config).")
        var kind: StrategyKind?

        @Option(help: "The two legs, A,B, each VENUE:SYMBOL (the spread is A − B; required without --config).")
        var legs: String?

        @Option(help: "max (as fast as possible) or a speed factor such as 1 or 10 (default: max).")
        var speed: String?

        @Flag(help: "Show the live screen while replaying.")
        var watch = false

        @Option(help: "Also write the report as JSON to this file.")
        var json: String?

        @Option(help: "Also write fills.csv, cycles.csv and equity.csv into this directory (created when missing).")
        var csv: String?

        @Flag(help: "Print the wall time the replay took to stderr and put it in the JSON as wallSeconds (left out by default: two runs give byte-identical JSON).")
        var timing = false

        @Option(name: .customLong("contracts"), help: "Instrument responses to take contract specs from (Binance exchangeInfo, Bybit instruments-info). Repeatable.")
        var contractFiles: [String] = []

        @Option(help: "On a bad input line: skip (count it and go on) or stop (fail with file and line); default skip.")
        var onBadInput: BadInputChoice?

        @Option(help: "Entry threshold on the deviation from fair value: e.g. 2z or 15bps (default by kind).")
        var entry: Threshold?

        @Option(help: "Exit threshold: e.g. 0.5z or 2bps (default by kind).")
        var exit: Threshold?

        @Option(help: "Target notional per leg in USD (default: 50000).")
        var notional: String?

        @Option(help: "Override both legs' taker fee rate, e.g. 0.0002 (default: the contract's).")
        var takerFee: String?

        @Option(help: "Trade only from this data time on (UTC, e.g. 2024-08-08T23:56:00Z, or nanoseconds); the data before it warms up books and statistics with the strategy paused.")
        var from: String?

        @Option(help: "Stop the replay before this data time (UTC or nanoseconds).")
        var to: String?

        @Option(help: "Write orders, fills, transitions and cycles to this journal (off by default for replays).")
        var journal: String?

        @Option(help: "Also write the event log to this file, as `run` does (off by default for replays).")
        var logFile: String?

        @Option(name: .customLong("balance"), help: ArgumentHelp("A starting balance on a simulated venue, e.g. binance-coinm:BTC=2 (coin-margined legs post margin in their coin). Repeatable; wins over the config's [venues.VENUE] balances.", valueName: "venue:asset=amount"))
        var balances: [String] = []

        @Option(name: .customLong("set"), help: ArgumentHelp("Replay several independent sets at once, each a configuration file (TOML) with its own replay.files and strategies; repeatable. This command line's options apply over each; the reports print in the order given.", valueName: "config"))
        var sets: [String] = []

        @Option(help: "With --set: how many sets replay at once, each on a core of its own (default: the number of cores). The reports do not depend on it.")
        var jobs: Int?

        @OptionGroup
        var screen: ScreenFlags

        enum BadInputChoice: String, ExpressibleByArgument, CaseIterable { case skip, stop }

        var legIDs: [InstrumentID] { (legs ?? "").split(separator: ",").compactMap { InstrumentID(parsing: String($0)) } }

        func validate() throws {
            if !sets.isEmpty {
                guard files.isEmpty, config == nil else { throw ValidationError("--set takes each set's files from its configuration file: leave out the files and --config") }
                guard !watch, json == nil, csv == nil, journal == nil, logFile == nil else {
                    throw ValidationError("--set runs headless and prints each set's report: leave out --watch, --json, --csv, --journal and --log-file (run one set with --config for those)")
                }
                for set in sets where !FileManager.default.isReadableFile(atPath: set) { throw ValidationError("cannot read \(set)") }
            }
            if let jobs {
                guard !sets.isEmpty else { throw ValidationError("--jobs is for --set: several sets at once") }
                guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
            }
            if config == nil && sets.isEmpty {
                guard !files.isEmpty else { throw ValidationError("Missing expected argument '<files> ...' (or give --config FILE with replay.files)") }
                guard kind != nil else { throw ValidationError("Missing expected argument '--kind <kind>' (or give --config FILE with [[strategies]])") }
                guard legs != nil else { throw ValidationError("Missing expected argument '--legs <legs>' (or give --config FILE with [[strategies]])") }
            }
            if let legs {
                guard legIDs.count == 2, legs.split(separator: ",").count == 2 else {
                    throw ValidationError("--legs takes two VENUE:SYMBOL separated by a comma, e.g. binance-usdm:BTCUSDT,binance-coinm:BTCUSD_PERP")
                }
            }
            if let speed, speed != "max" {
                guard let factor = Double(speed), factor > 0, factor.isFinite else {
                    throw ValidationError("--speed takes max or a positive number, got \(speed)")
                }
            }
            if let notional {
                guard let amount = FixedDecimal(notional), amount.isPositive else { throw ValidationError("--notional must be a positive number") }
            }
            if let takerFee { guard FixedDecimal(takerFee) != nil else { throw ValidationError("--taker-fee must be a decimal rate such as 0.0002") } }
            for balance in balances {
                do { _ = try VenueBalance(parsing: balance) } catch { throw ValidationError(error.message) }
            }
            for file in files where !FileManager.default.isReadableFile(atPath: file) {
                throw ValidationError("cannot read \(file)")
            }
            do { _ = try ReplayWindow(from: from, to: to) } catch { throw ValidationError(error.message) }
            if watch, from != nil || to != nil { throw ValidationError("--from and --to are for headless replays; leave out --watch") }
            try screen.check()
        }

        func run() async throws {
            if !sets.isEmpty { return try await runSets() }
            if let config { return try await runConfigured(HedgetopConfig.load(path: config)) }
            let setup: ReplaySetup
            do { setup = try ReplaySetup(commandLine: overrides) } catch { throw Self.failure(error.message) }
            // Without a file, no theme asked for: the screen's own defaults, as always.
            var options = screen.theme == nil ? ScreenOptions(fps: screen.fps ?? 4) : screen.options()
            options.bell = !screen.noBell
            try await replay(setup, options: options)
        }

        /// This command line's options, for a replay with or without a file.
        var overrides: ReplayOverrides {
            var overrides = ReplayOverrides()
            overrides.files = files
            overrides.contracts = contractFiles
            overrides.kind = kind
            overrides.legs = legs.map { $0.split(separator: ",").map(String.init) }
            overrides.entry = entry
            overrides.exit = exit
            overrides.notional = notional.flatMap { FixedDecimal($0) }
            overrides.takerFee = takerFee.flatMap { FixedDecimal($0) }
            overrides.speed = speed
            overrides.policy = onBadInput.map { $0 == .stop ? .stop : .skip }
            overrides.balances = balances.compactMap { try? VenueBalance(parsing: $0) }
            overrides.window = (try? ReplayWindow(from: from, to: to)) ?? nil
            return overrides
        }

        /// A runtime error (a file, a contract): its message and exit status 1, without the usage
        /// text that ArgumentParser adds to a ValidationError (the command line itself was fine).
        static func failure(_ message: String) -> ExitCode {
            printError("hedgetop: \(message)")
            return ExitCode.failure
        }

        /// `--config FILE`: the file's replay, with this command line's options over it. Every
        /// error of the file is printed and nothing starts.
        func runConfigured(_ file: HedgetopConfig) async throws {
            let setup: ReplaySetup
            do { setup = try file.replaySetup(overrides) } catch {
                printConfigErrors(error)
                throw ExitCode.failure
            }
            try await replay(setup, options: screen.options(file: file), limits: file.limits)
        }

        /// Runs the replay (headless, or on the screen with --watch), prints the report and
        /// writes it as JSON when asked.
        func replay(_ setup: sending ReplaySetup, options: ScreenOptions, limits: PortfolioLimits = .none) async throws {
            let started = ContinuousClock.now
            let speed = setup.speed
            let parameters = setup.parameters
            if let csv {
                do { try RunReport.prepareCSVDirectory(csv) } catch { throw Self.failure(error.message) }
            }
            for warning in setup.warnings { printError("hedgetop: warning: \(warning)") }
            let session: TradingSession
            let logger: Logger?
            do { logger = try logFile.map(Self.fileLogger) } catch { throw Self.failure(error.message) }
            do { session = try TradingSession(replaying: setup, limits: limits, journal: journal, logger: logger) } catch { throw Self.failure(error.message) }
            if watch {
                try await runWatched(session, speed: speed, options: options)
            } else {
                await session.runToEnd()
            }
            let wallSeconds = (ContinuousClock.now - started).secondsDouble
            let result = await session.replayResult(wallSeconds: timing ? wallSeconds : nil)
            if timing { printError("hedgetop: replay wall time \(wallSeconds) s") }
            var report = result.report
            do { report.parameters = try parameters?.wait() } catch { throw Self.failure(error.message) }
            print(report.text)
            if let json {
                try report.jsonData().write(to: URL(fileURLWithPath: json))
            }
            if let csv {
                do { try report.writeCSV(to: csv) } catch { throw Self.failure(error.message) }
            }
            if let failure = result.failure {
                printError("hedgetop: replay stopped: \(failure)")
                throw ExitCode.failure
            }
            // A leg with no data at all makes the replay meaningless: fail so a script notices.
            // (A spread that never crossed the entry band is a result: exit 0, with its reason.)
            let missing = report.legsWithoutQuotes
            if !missing.isEmpty {
                printError("hedgetop: no quotes for \(missing.joined(separator: " and ")) in \(files.isEmpty ? "the replay files" : files.joined(separator: ", ")); give the file with its data, or check --legs")
                throw ExitCode.failure
            }
        }

        /// `--set FILE...`: each set replayed on a thread of its own, `--jobs` at a time; each
        /// report printed under its set's name, in the order given.
        func runSets() async throws {
            let started = ContinuousClock.now
            let jobs = jobs ?? ProcessInfo.processInfo.activeProcessorCount
            let outcomes = await ReplaySet.run(sets.map { ReplaySet(config: $0, overrides: overrides) }, jobs: jobs)
            for (number, outcome) in outcomes.enumerated() {
                if number > 0 { print("") }
                print("== set \(number + 1) of \(outcomes.count): \(outcome.set.config) ==")
                if let report = outcome.report { print(report) }
                for message in outcome.messages { printError("hedgetop: set \(number + 1) (\(outcome.set.config)): \(message)") }
            }
            if timing { printError("hedgetop: \(sets.count) sets on \(min(jobs, sets.count)) job\(jobs == 1 ? "" : "s"): wall time \((ContinuousClock.now - started).secondsDouble) s") }
            let failed = outcomes.filter(\.failed).count
            if failed > 0 {
                printError("hedgetop: \(failed) of \(outcomes.count) sets failed")
                throw ExitCode.failure
            }
        }

        /// The logger `--log-file` names, appending to its file like `run`'s.
        static func fileLogger(path: String) throws(LogFileError) -> Logger {
            let sink = try FileLogHandler.Sink(path: path)
            return Logger(label: "hedgetop.replay") { label in FileLogHandler(label: label, sink: sink) }
        }

        /// Replays on the live screen at the chosen speed, until the screen quits (the feed's end
        /// leaves the last picture up).
        func runWatched(_ session: TradingSession, speed: String, options: ScreenOptions) async throws {
            let pace: EngineLoop<ContinuousClock>.Pace = speed == "max" ? .fastest : .realTime(speed: Double(speed) ?? 1)
            let (snapshots, sink) = EngineLoop<ContinuousClock>.makeSnapshotStream()
            let (sender, commands) = CommandSender.makeChannel()
            let engine = EngineLoopService(session: session, loop: EngineLoop(clock: ContinuousClock(), pace: pace),
                                           commands: commands, sender: sender, snapshots: sink)
            let group = ServiceGroup(configuration: ServiceGroupConfiguration(
                services: [engine.configuration, ScreenService(snapshots: snapshots, commands: sender, options: options).configuration],
                // Ctrl-C is the screen's (it asks like q while a spread is open).
                gracefulShutdownSignals: [.sigterm], logger: Logger(label: "hedgetop.replay") { _ in SwiftLogNoOpLogHandler() }))
            do {
                try await group.run()
            } catch let error as ScreenError {
                printError("hedgetop: \(error.message)")
                throw ExitCode.failure
            }
        }
    }
}
