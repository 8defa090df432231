import ArgumentParser
import Foundation
import HedgeCore
import HedgeEngine
import HedgeTerminal
import Synchronization
import UnixSignals

extension Hedgetop {
    /// Replays a grid of parameters over recorded data, ranks them, and walks them forward.
    struct Sweep: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replay a grid of parameters over recorded data: a ranked table, a heatmap, walk-forward, shards.",
            subcommands: [Grid.self, Merge.self],
            defaultSubcommand: Grid.self)
    }
}

/// The output options a sweep and a merge share.
struct SweepOutputOptions: ParsableArguments {
    @Option(help: "Also write the sweep's result (every row, the ranking, the walk-forward steps) as JSON to this file.")
    var json: String?

    @Option(help: "Also write sweep.csv (and walk-forward.csv, folds.csv with --walk-forward) into this directory.")
    var csv: String?

    @Option(help: "The heatmap's two parameters, ROWS,COLUMNS (default: the first two swept with more than one value).")
    var heatmap: String?

    @Option(help: "The colour theme of the heatmap (name or path; colour only on a terminal without NO_COLOR).")
    var theme: String?

    /// Prints the result and writes its files: the same for a sweep and for a merge.
    func present(_ result: SweepResult) throws {
        var axes = SweepHeatmap.defaultAxes(result.grid)
        if let heatmap {
            do { axes = try SweepHeatmap.axes(parsing: heatmap, grid: result.grid) } catch { throw Hedgetop.Replay.failure(error.message) }
        }
        print(SweepResultText.text(result, heatmap: axes, theme: colourTheme(STDOUT_FILENO)))
        do { try SweepOutputFiles.writeResult(result, json: json, csv: csv) } catch { throw Hedgetop.Replay.failure(error.message) }
    }

    /// The theme to colour with on `descriptor`, or nil for plain text.
    func colourTheme(_ descriptor: Int32) -> Theme? {
        guard ANSILiveView.wantsColour(descriptor) else { return nil }
        let (theme, warning) = ThemeCatalog.standard().resolve(theme)
        if let warning { printError("hedgetop: \(warning)") }
        return theme
    }
}

extension Hedgetop.Sweep {
    /// `hedgetop sweep FILES... --entry A,B --exit C,D ...`: runs the grid (or one shard of it).
    struct Grid: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run",
            abstract: "Run every combination of the listed values as a replay, in parallel; rank them and draw a heatmap.",
            discussion: """
            Each run is an ordinary replay (its report is what `hedgetop replay ... --json` writes, in --out DIR/reports). \
            Lists are comma-separated; every other setting is the replay's default. Results do not depend on --jobs.
            """)

        @Argument(help: "Recorded files (plain or gzip), as for replay; several consecutive days of one venue carry their books across.")
        var files: [String] = []

        @Option(help: "Strategy kind: basis, calendar or cross.")
        var kind: StrategyKind?

        @Option(help: "The two legs, A,B, each VENUE:SYMBOL.")
        var legs: String?

        @Option(help: "Entry thresholds to try, e.g. 1.5z,2z,2.5z,3z or 10bps,20bps.")
        var entry: String?

        @Option(help: "Exit thresholds to try, e.g. 0.25z,0.5z,1z.")
        var exit: String?

        @Option(help: "Taker fee rates to try on both legs, e.g. 0.0002,0.0004.")
        var takerFee: String?

        @Option(help: "Notionals per leg in USD to try, e.g. 25000,50000.")
        var notional: String?

        @Option(name: .customLong("contracts"), help: "Instrument responses to take contract specs from. Repeatable.")
        var contractFiles: [String] = []

        @Option(name: .customLong("balance"), help: ArgumentHelp("A starting balance on a simulated venue. Repeatable.", valueName: "venue:asset=amount"))
        var balances: [String] = []

        @Option(help: "On a bad input line: skip or stop (default skip).")
        var onBadInput: Hedgetop.Replay.BadInputChoice?

        @Option(help: "Walk-forward: cut the data into K consecutive folds by time; choose on fold k, test on fold k+1.")
        var walkForward: Int?

        @Option(help: "Replays run at once (default: the number of cores).")
        var jobs: Int?

        @Option(help: "Run only the I-th of N slices of the runs (e.g. 2/4) and write its results to --out.")
        var shard: String?

        @Option(help: "Write the shard's results (shard-I-of-N.json) and every run's replay report (reports/*.json) into this directory.")
        var out: String?

        @Flag(help: "Show the grid filling in on standard error as runs finish, with a progress bar and the time left (q stops).")
        var watch = false

        @OptionGroup
        var output: SweepOutputOptions

        var legIDs: [InstrumentID] { (legs ?? "").split(separator: ",").compactMap { InstrumentID(parsing: String($0)) } }

        func validate() throws {
            guard !files.isEmpty else { throw ValidationError("Missing expected argument '<files> ...'") }
            guard kind != nil else { throw ValidationError("Missing expected argument '--kind <kind>'") }
            guard let legs else { throw ValidationError("Missing expected argument '--legs <legs>'") }
            guard legIDs.count == 2, legs.split(separator: ",").count == 2 else {
                throw ValidationError("--legs takes two VENUE:SYMBOL separated by a comma, e.g. binance-usdm:BTCUSDT,binance-coinm:BTCUSD_PERP")
            }
            do { _ = try grid() } catch { throw ValidationError(error.message) }
            if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
            if let walkForward, walkForward < 2 { throw ValidationError("--walk-forward needs at least 2 folds (one in-sample, one out-of-sample), got \(walkForward)") }
            if let shard {
                let parsed: SweepShard
                do { parsed = try SweepShard(parsing: shard) } catch { throw ValidationError(error.message) }
                if parsed.count > 1, out == nil { throw ValidationError("--shard \(shard) writes its results to --out DIR: give one (merge them with `hedgetop sweep merge DIR...`)") }
            }
            for balance in balances {
                do { _ = try VenueBalance(parsing: balance) } catch { throw ValidationError(error.message) }
            }
            for file in files + contractFiles where !FileManager.default.isReadableFile(atPath: file) {
                throw ValidationError("cannot read \(file)")
            }
        }

        func grid() throws(SweepError) -> SweepGrid {
            try SweepGrid(lists: [(.entry, entry), (.exit, exit), (.takerFee, takerFee), (.notional, notional)])
        }

        /// The options every run shares (the replay's), before the grid sets its own.
        var base: ReplayOverrides {
            var overrides = ReplayOverrides()
            overrides.files = files
            overrides.contracts = contractFiles
            overrides.kind = kind
            overrides.legs = legs.map { $0.split(separator: ",").map(String.init) }
            overrides.policy = onBadInput.map { $0 == .stop ? .stop : .skip }
            overrides.balances = balances.compactMap { try? VenueBalance(parsing: $0) }
            return overrides
        }

        func run() async throws {
            let grid = try grid()
            let shard = try shard.map { try SweepShard(parsing: $0) } ?? .whole
            let base = base
            // The runs' common setup is checked once, before any of them starts.
            do { _ = try ReplaySetup(commandLine: base) } catch { throw Hedgetop.Replay.failure(error.message) }
            let plan: WalkForwardPlan?
            do {
                if let walkForward {
                    guard let span = try ReplaySetup.dataSpan(base) else { throw Hedgetop.Replay.failure("no events for \(legs ?? "the legs") in the files: nothing to cut into folds") }
                    plan = try WalkForwardPlan(first: span.first, last: span.last, count: walkForward)
                } else {
                    plan = nil
                }
            } catch let error as ReplayFailure { throw Hedgetop.Replay.failure(error.message) }
            catch let error as SweepError { throw Hedgetop.Replay.failure(error.message) }
            let fingerprint: SweepFingerprint
            do { fingerprint = try SweepFingerprint(base: base, grid: grid, walkForward: walkForward) } catch { throw Hedgetop.Replay.failure(error.message) }
            let all = SweepRun.all(grid: grid, base: base, plan: plan)
            let mine = all.filter { shard.contains($0.number) }
            do {
                if let out { try SweepOutputFiles.prepareDirectory(out + "/reports", option: "--out") }
                if let csv = output.csv { try SweepOutputFiles.prepareDirectory(csv, option: "--csv") }
            } catch { throw Hedgetop.Replay.failure(error.message) }
            let jobs = jobs ?? ProcessInfo.processInfo.activeProcessorCount
            printError("hedgetop: sweep \(fingerprint): \(mine.count) of \(all.count) runs\(shard.count > 1 ? " (shard \(shard))" : "") on \(min(jobs, max(1, mine.count))) job\(jobs == 1 ? "" : "s")")
            let started = ContinuousClock.now
            let outcomes: [SweepOutcome]
            if watch, let watched = await runWatched(mine, grid: grid, jobs: jobs) {
                outcomes = watched
            } else {
                outcomes = await SweepRunner.run(mine, jobs: jobs)
            }
            printError("hedgetop: sweep wall time \((ContinuousClock.now - started).secondsDouble) s")
            if let out {
                do {
                    for outcome in outcomes {
                        if let report = outcome.report {
                            try SweepOutputFiles.write(report, to: "\(out)/reports/\(SweepOutputFiles.reportName(outcome.run))", option: "--out")
                        }
                    }
                    let file = SweepShardFile(fingerprint: fingerprint, grid: grid, plan: plan, shard: shard, runs: all.count,
                                              rows: outcomes.map { SweepShardFile.NumberedRow(run: $0.run.number, row: $0.row) })
                    try SweepOutputFiles.write(SweepOutputFiles.json(file), to: "\(out)/\(SweepShardFile.name(shard))", option: "--out")
                } catch { throw Hedgetop.Replay.failure(error.message) }
            }
            guard shard.count == 1 else {
                printError("hedgetop: shard \(shard) done: \(out ?? "")/\(SweepShardFile.name(shard)); when every shard is done: hedgetop sweep merge DIR...")
                return
            }
            try output.present(SweepResult(fingerprint: fingerprint, grid: grid, plan: plan, rows: outcomes.map(\.row)))
        }

        /// Runs the sweep under the live view; nil when stderr or stdin is not a terminal (the
        /// caller then runs it plainly). q or Ctrl-C stops it: exit 130, nothing written.
        func runWatched(_ runs: [SweepRun], grid: SweepGrid, jobs: Int) async -> [SweepOutcome]? {
            let view = ANSILiveView(theme: output.colourTheme(STDERR_FILENO))
            guard view.start() else {
                printError("hedgetop: --watch needs a terminal on standard input and standard error; running without the live view")
                return nil
            }
            let axes = (try? output.heatmap.map { try SweepHeatmap.axes(parsing: $0, grid: grid) }) ?? SweepHeatmap.defaultAxes(grid)
            let rows = Mutex<[SweepRow]>([])
            let started = ContinuousClock.now
            let total = runs.count
            let work = Task { await SweepRunner.run(runs, jobs: jobs) { outcome, _ in rows.withLock { $0.append(outcome.row) } } }
            let signals = SignalWatch()
            while true {
                let finished = rows.withLock { $0 }
                let size = view.size
                let progress = SweepProgressView(map: SweepHeatmap(grid: grid, axes: axes, rows: finished), done: finished.count, total: total,
                                                 elapsedSeconds: (ContinuousClock.now - started).secondsDouble)
                view.draw(progress.render(width: size.width, height: size.height))
                if finished.count == total { break }
                if view.keys().contains(where: { $0 == UInt8(ascii: "q") || $0 == 3 }) || signals.caught {
                    view.stop()
                    printError("hedgetop: sweep stopped after \(finished.count) of \(total) runs; nothing written")
                    Foundation.exit(130)
                }
                try? await Task.sleep(for: .milliseconds(200))
            }
            view.stop()
            return await work.value
        }
    }

    /// `hedgetop sweep merge DIR...`: the shards' results combined into the single run's output.
    struct Merge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Combine the shard results (--shard I/N --out DIR) of one sweep into the table and files a single run gives.")

        @Argument(help: "Directories holding shard-I-of-N.json files (a sweep's --out).")
        var directories: [String] = []

        @OptionGroup
        var output: SweepOutputOptions

        func validate() throws {
            guard !directories.isEmpty else { throw ValidationError("Missing expected argument '<directories> ...'") }
        }

        func run() async throws {
            let result: SweepResult
            do { result = try SweepShardFile.merge(SweepOutputFiles.readShards(in: directories)) } catch { throw Hedgetop.Replay.failure(error.message) }
            try output.present(result)
        }
    }
}

/// SIGINT and SIGTERM while the live view holds the terminal: noted, so the view gives the
/// terminal back before the program ends.
final class SignalWatch: Sendable {
    private let flag = Atomic<Bool>(false)

    init() {
        Task { [self] in
            for await _ in await UnixSignalsSequence(trapping: .sigint, .sigterm) {
                flag.store(true, ordering: .relaxed)
                return
            }
        }
    }

    var caught: Bool { flag.load(ordering: .relaxed) }
}
