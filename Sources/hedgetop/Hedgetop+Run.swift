import ArgumentParser
import Dispatch
import HedgeCore
import HedgeEngine
import HedgeTerminal
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

extension Hedgetop {
    /// The live screen on the embedded simulated market (paper trading).
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the strategies on the embedded simulated market with the live screen.")

        @Option(help: "A configuration file (TOML): market, strategies, venues, limits, screen. Options given here win over it.")
        var config: String?

        @Option(help: "The simulated market and strategy to run (default: calendar).")
        var scenario: PaperScenario.Name?

        @Option(help: "Seed of the simulated market: the same seed gives the same market (default: 42).")
        var seed: UInt64?

        @Option(parsing: .unconditional, help: "Screen frames per second (1-30, default: 4).")
        var fps: Int?

        @Option(help: "Colour theme: a name from themes/ (default, light, high-contrast, monochrome, nord, gruvbox) or a path to a .toml file. A broken theme falls back to the default and says why on screen.")
        var theme: String?

        @Option(help: "Where logs go (never the terminal while the screen is up).")
        var logFile: String?

        @Flag(help: "No screen: print the event log to standard output instead.")
        var headless = false

        @Option(help: "With --headless: stop after this many seconds.")
        var duration: Double?

        @Option(help: "The journal (SQLite) every order, fill and result is written to, and recovered from on start (default: $XDG_STATE_HOME/hedgetop/journal.sqlite).")
        var journal: String?

        @Option(help: "Where the simulated venues keep their positions, balances and orders between runs (default: JOURNAL.venues-SCENARIO.json beside the journal, JOURNAL being its name without .sqlite); it belongs to that journal.")
        var venueState: String?

        @Option(help: "On start, a half-open spread found by recovery is resolved by: hedge (complete the missing leg) or flatten (close what is open).")
        var halfOpen: HalfOpenPolicy = .flatten

        @Option(help: "On SIGINT/SIGTERM or quitting: keep open spreads (the next start recovers them) or flatten them and wait until flat. SIGHUP always flattens.")
        var onExit: ExitPolicy = .keep

        @Option(parsing: .unconditional, help: "Data time runs this many times as fast as the clock (demos and tests).")
        var speed: Double = 1

        func validate() throws {
            if let fps, !(1...30).contains(fps) { throw ValidationError("--fps must be between 1 and 30, got \(fps)") }
            if let duration, !(duration > 0) { throw ValidationError("--duration must be positive") }
            guard speed > 0 && speed <= 1000 else { throw ValidationError("--speed must be in (0, 1000], got \(speed)") }
        }

        func run() async throws {
            // The whole configuration is checked before anything starts: a bad file prints every
            // error and exits non-zero.
            let start = Timestamp.wallClockNow()
            var fps = self.fps ?? 4
            var theme = self.theme
            let file = try Self.checkedConfig(config, start: start, scenario: scenario, seed: seed)
            if let file {
                fps = self.fps ?? file.fps ?? fps
                theme = self.theme ?? file.theme
            }
            let logger = try makeLogger()
            let loop = EngineLoop(clock: ContinuousClock(), pace: .realTime(speed: speed))
            let (engineSnapshots, snapshotSink) = EngineLoop<ContinuousClock>.makeSnapshotStream()
            let (sender, commands) = CommandSender.makeChannel()
            installShutdownSignals()
            let (engine, journalLock, _) = try Self.makePaperEngine(
                file: file, scenario: scenario, seed: seed, journal: journal, venueState: venueState, halfOpen: halfOpen, logger: logger)
            let box = EngineBox(engine)
            let (snapshots, watch) = FlatWatch.relay(engineSnapshots)
            let engineTask = Task { [box] in
                await loop.run(box.take(), commands: commands, snapshots: snapshotSink)
            }
            defer { engineTask.cancel() }
            if headless {
                await printLog(snapshots, until: duration)
            } else {
                do {
                    try await showScreen(snapshots: snapshots, commands: sender, options: ScreenOptions.withTheme(theme, fps: fps))
                } catch let error as ScreenError {
                    // The terminal is restored by now: the message can go to stderr.
                    engineTask.cancel()
                    await engineTask.value
                    printError("hedgetop: \(error.message)")
                    throw ExitCode.failure
                }
            }
            if onExit == .flatten || hangupRequested.load(ordering: .relaxed) {
                let flat = await Self.flattenBeforeExit(sender: sender, watch: watch, limit: .seconds(30))
                if !flat {
                    engineTask.cancel()
                    await engineTask.value
                    printError("hedgetop: still open after 30 s: \(watch.stillOpen); the journal and the venue state hold it, and the next start recovers it")
                    throw ExitCode.failure
                }
            }
            engineTask.cancel()
            await engineTask.value
            await Self.reportKeptOpen(watch, logger: logger)
            withExtendedLifetime(journalLock) {}
        }

        /// Logs go to a file: `--log-file`, else `$XDG_STATE_HOME/hedgetop/hedgetop.log`.
        func makeLogger() throws -> Logger {
            let path = logFile ?? Self.defaultLogPath()
            let sink = try FileLogHandler.Sink(path: path)
            return Logger(label: "hedgetop") { label in FileLogHandler(label: label, sink: sink) }
        }

        static func defaultLogPath() -> String {
            if let state = environmentValue("XDG_STATE_HOME"), !state.isEmpty { return state + "/hedgetop/hedgetop.log" }
            if let home = environmentValue("HOME"), !home.isEmpty { return home + "/.local/state/hedgetop/hedgetop.log" }
            return "/tmp/hedgetop-\(getuid())/hedgetop.log"
        }

        /// Prints each new log line until Ctrl-C, SIGTERM or `seconds` have passed.
        func printLog(_ snapshots: AsyncStream<EngineSnapshot>, until seconds: Double?) async {
            installStopSignals()
            let deadline = seconds.map { ContinuousClock.now.advanced(by: .milliseconds(Int64($0 * 1000))) }
            let printer = Task {
                var printed: UInt64 = 0
                for await snapshot in snapshots {
                    for entry in snapshot.log where entry.id > printed {
                        let who = entry.strategy.map { "[\($0)] " } ?? ""
                        print("\(entry.time) \(entry.severity.rawValue.uppercased()) \(who)\(entry.message)")
                    }
                    printed = snapshot.log.last?.id ?? printed
                }
            }
            while !stopRequested.load(ordering: .relaxed) {
                if let deadline, ContinuousClock.now >= deadline { break }
                try? await Task.sleep(for: .milliseconds(50))
            }
            printer.cancel()
        }
    }
}

/// `--scenario calendar|cross|basis`: an unknown name is refused with the list; `--help` lists
/// each with a line on what it trades.
extension PaperScenario.Name: ExpressibleByArgument {
    public static var allValueDescriptions: [String: String] {
        Dictionary(uniqueKeysWithValues: allCases.map { ($0.rawValue, $0.summary) })
    }
}

/// Prints every error of a configuration file on standard error, then what to do.
func printConfigErrors(_ errors: ConfigErrors) {
    for line in errors.lines { printError("hedgetop: " + line) }
    printError("hedgetop: \(errors.errors.count) error\(errors.errors.count == 1 ? "" : "s") in \(errors.file); nothing was started")
}

/// Runs the screen until the trader quits, or until SIGTERM or SIGHUP asks the program to stop:
/// then the screen is closed (the terminal restored) so the exit policy can run.
@discardableResult
func showScreen(snapshots: AsyncStream<EngineSnapshot>, commands: CommandSender, options: ScreenOptions) async throws -> ScreenExitReason {
    let screen = Task { try await runScreen(snapshots: snapshots, commands: commands, options: options) }
    let watcher = Task {
        while !Task.isCancelled {
            if stopRequested.load(ordering: .relaxed) {
                screen.cancel()
                return
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }
    defer { watcher.cancel() }
    return try await screen.value
}

/// Set by SIGINT or SIGTERM: the program stops cleanly instead of dying mid-write.
let stopRequested = Atomic<Bool>(false)

/// Routes SIGINT and SIGTERM to `stopRequested` (an atomic store is async-signal-safe).
func installStopSignals() {
    for number in [SIGINT, SIGTERM] {
        signal(number) { _ in stopRequested.store(true, ordering: .relaxed) }
    }
}

/// An environment variable, without Foundation.
func environmentValue(_ name: String) -> String? {
    getenv(name).map { String(cString: $0) }
}

/// Writes a line to standard error (after the screen is torn down).
func printError(_ message: String) {
    var line = message + "\n"
    line.withUTF8 { bytes in _ = write(STDERR_FILENO, bytes.baseAddress, bytes.count) }
}
