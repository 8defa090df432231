import ArgumentParser
import Foundation
import HedgeCore
import HedgeEngine
import HedgeMetrics
import Logging

#if canImport(Glibc)
import Glibc
#endif

extension Hedgetop {
    /// The engine without a screen, steered through a control socket: it keeps trading when the
    /// SSH session that started it ends; `hedgetop attach` shows the screen from anywhere.
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the strategies headless with a control socket; watch and steer them with `hedgetop attach`.")

        @Option(help: "A configuration file (TOML), as for `run`.")
        var config: String?

        @Option(help: "The server's name: its socket is $XDG_RUNTIME_DIR/hedgetop/NAME.sock (or /tmp/hedgetop-UID/NAME.sock).")
        var name: String = "main"

        @Option(help: "The control socket's path, instead of the one the name gives.")
        var socket: String?

        @Option(help: "A group (name or gid) whose members may watch, read-only. Without it only this user can connect.")
        var allowGroup: String?

        @Option(help: "Watchers connected at once at most (1-4096; default: [serve] max_watchers in the config, else \(ControlServer.defaultMaxWatchers)); more are refused with a message.")
        var maxWatchers: Int?

        @Option(help: "The simulated market and strategy to run (default: calendar).")
        var scenario: PaperScenario.Name?

        @Option(help: "Seed of the simulated market (default: 42).")
        var seed: UInt64?

        @Option(help: "The journal (SQLite), as for `run` (default: $XDG_STATE_HOME/hedgetop/journal.sqlite for --name main, the desk `run` uses; journal-NAME.sqlite beside it for any other name).")
        var journal: String?

        @Option(help: "Where the simulated venues keep their state between runs (default: JOURNAL.venues-SCENARIO.json beside the journal).")
        var venueState: String?

        @Option(help: "On start, a half-open spread found by recovery is resolved by: hedge or flatten.")
        var halfOpen: HalfOpenPolicy = .flatten

        @Option(help: "On SIGINT/SIGTERM: keep open spreads (the next start recovers them) or flatten them first. SIGHUP is ignored: the server outlives the session that started it.")
        var onExit: ExitPolicy = .keep

        @Option(parsing: .unconditional, help: "Data time runs this many times as fast as the clock (demos and tests).")
        var speed: Double = 1

        @Option(help: "Where logs go (default: $XDG_STATE_HOME/hedgetop/serve-NAME.log).")
        var logFile: String?

        @Option(help: ArgumentHelp("Serve Prometheus metrics at http://HOST:PORT/metrics: an IPv4 address, [IPv6] or localhost; port 0 picks a free port.",
                                   valueName: "host:port"))
        var metrics: String?

        func validate() throws {
            guard !name.isEmpty, !name.contains("/") else { throw ValidationError("--name must be a plain name, got '\(name)'") }
            if let maxWatchers, !(1...4096).contains(maxWatchers) { throw ValidationError("--max-watchers must be between 1 and 4096, got \(maxWatchers)") }
            guard speed > 0 && speed <= 1000 else { throw ValidationError("--speed must be in (0, 1000], got \(speed)") }
            if let allowGroup, PeerPolicy.groupID(allowGroup) == nil { throw ValidationError("--allow-group: no group '\(allowGroup)'") }
            if let metrics {
                do { _ = try MetricsAddress(parsing: metrics) } catch { throw ValidationError("--metrics: \(error)") }
            }
        }

        func run() async throws {
            let start = Timestamp.wallClockNow()
            let file = try Hedgetop.Run.checkedConfig(config, start: start, scenario: scenario, seed: seed)
            let logPath = logFile ?? (Hedgetop.Run.defaultLogPath() as NSString).deletingLastPathComponent + "/serve-\(name).log"
            let logSink = try FileLogHandler.Sink(path: logPath)
            let logger = Logger(label: "hedgetop.serve") { label in FileLogHandler(label: label, sink: logSink) }
            // Metrics listen before recovery and trading: a port in use stops here, having done nothing.
            let snapshotMetrics = SnapshotMetrics()
            let metricsEndpoint = MetricsEndpoint(metrics: snapshotMetrics, logger: Logger(label: "hedgetop.metrics") { label in
                FileLogHandler(label: label, sink: logSink)
            })
            var metricsAddress: MetricsAddress?
            if let metrics {
                do {
                    metricsAddress = try await metricsEndpoint.start(on: try MetricsAddress(parsing: metrics))
                } catch {
                    printError("hedgetop: \(error); not trading")
                    throw ExitCode.failure
                }
            }
            // The socket next, before the journal and the venue state: a name already served stops
            // here having created nothing. Commands wait in the channel until the engine runs.
            let path = socket ?? ControlSocketPath.path(name: name)
            // A file, symlink or directory at the socket's path (or a live server) stops here:
            // the path is never removed unless it is a stale socket of ours.
            do { try ControlServer.checkPath(path) } catch {
                printError("hedgetop: \(error); not trading")
                await metricsEndpoint.stop()
                throw ExitCode.failure
            }
            let (sender, commands) = CommandSender.makeChannel()
            let policy = PeerPolicy(allowedGroup: allowGroup.flatMap(PeerPolicy.groupID))
            let server = ControlServer(path: path, name: name, policy: policy, commands: sender, logger: logger,
                                       maxWatchers: maxWatchers ?? file?.maxWatchers ?? ControlServer.defaultMaxWatchers)
            do {
                try server.start()
            } catch {
                printError("hedgetop: \(error); not trading")
                await metricsEndpoint.stop()
                throw ExitCode.failure
            }
            let engine: Engine, journalLock: JournalLock, journalPath: String
            do {
                (engine, journalLock, journalPath) = try Hedgetop.Run.makePaperEngine(
                    file: file, scenario: scenario, seed: seed, journal: journal, defaultJournal: defaultJournalPath(name: name),
                    venueState: venueState, halfOpen: halfOpen, logger: logger)
            } catch {
                server.stop()
                await metricsEndpoint.stop()
                throw error
            }
            let loop = EngineLoop(clock: ContinuousClock(), pace: .realTime(speed: speed))
            let (engineSnapshots, snapshotSink) = EngineLoop<ContinuousClock>.makeSnapshotStream()
            installStopSignals()
            signal(SIGHUP, SIG_IGN)
            signal(SIGPIPE, SIG_IGN)
            let box = EngineBox(engine)
            let (snapshots, watch) = FlatWatch.relay(engineSnapshots)
            let engineTask = Task { [box] in
                await loop.run(box.take(), commands: commands, snapshots: snapshotSink)
            }
            let relay = Task { [metricsAddress] in
                for await snapshot in snapshots {
                    server.publish(snapshot)
                    if metricsAddress != nil { snapshotMetrics.record(snapshot, receivedAt: .wallClockNow()) }
                }
            }
            let metricsNote = metricsAddress.map { "; metrics at \($0.url)" } ?? ""
            print("hedgetop serve: \(name) listening on \(path) (pid \(getpid()))\(metricsNote); logs in \(logPath); watch with: hedgetop attach \(socket == nil ? name : "--socket " + path)")
            fflush(nil)
            logger.info("serving", metadata: ["name": "\(name)", "socket": "\(path)", "journal": "\(journalPath)"])
            while !stopRequested.load(ordering: .relaxed) {
                try? await Task.sleep(for: .milliseconds(50))
            }
            logger.info("stopping", metadata: ["policy": "\(onExit.rawValue)"])
            var failed = false
            if onExit == .flatten {
                if !(await Hedgetop.Run.flattenBeforeExit(sender: sender, watch: watch, limit: .seconds(30))) {
                    printError("hedgetop: still open after 30 s: \(watch.stillOpen); the journal and the venue state hold it, and the next start recovers it")
                    failed = true
                }
            }
            server.stop()
            await metricsEndpoint.stop()
            engineTask.cancel()
            await engineTask.value
            if !failed { await Hedgetop.Run.reportKeptOpen(watch, logger: logger) }
            relay.cancel()
            withExtendedLifetime(journalLock) {}
            if failed { throw ExitCode.failure }
        }
    }
}
