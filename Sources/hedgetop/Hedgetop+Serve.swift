import ArgumentParser
import Foundation
import HedgeCore
import HedgeEngine
import HedgeMetrics
import Logging
import ServiceLifecycle

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

        @OptionGroup
        var paper: PaperOptions

        @Option(help: "On SIGINT/SIGTERM: keep open spreads (the next start recovers them) or flatten them first. SIGHUP is ignored: the server outlives the session that started it.")
        var onExit: StopPolicy = .keep

        @Option(help: "Where logs go (default: $XDG_STATE_HOME/hedgetop/serve-NAME.log).")
        var logFile: String?

        @Option(help: ArgumentHelp("Serve Prometheus metrics at http://HOST:PORT/metrics: an IPv4 address, [IPv6] or localhost; port 0 picks a free port.",
                                   valueName: "host:port"))
        var metrics: String?

        @Option(help: ArgumentHelp("Run CMD (with /bin/sh -c) for each alert hedgetop detects: a leg unhedged, a strategy in ERROR or halted, the kill switch fired, a venue stale, down or connecting. The alert is JSON on its standard input (default: [serve] on_alert in the config).",
                                   valueName: "cmd"))
        var onAlert: String?

        @Option(help: ArgumentHelp("The same alert is sent at most once per this interval (default: [serve] alert_interval, else 5m).", valueName: "duration"))
        var alertInterval: String?

        func validate() throws {
            if let onAlert, onAlert.allSatisfy(\.isWhitespace) { throw ValidationError("--on-alert: the command is empty") }
            if let alertInterval, Duration(configText: alertInterval) == nil {
                throw ValidationError("--alert-interval: '\(alertInterval)' is not a duration such as \"30s\", \"5m\" or \"1h\"")
            }
            guard !name.isEmpty, !name.contains("/") else { throw ValidationError("--name must be a plain name, got '\(name)'") }
            if let maxWatchers, !(1...4096).contains(maxWatchers) { throw ValidationError("--max-watchers must be between 1 and 4096, got \(maxWatchers)") }
            try paper.check()
            if let allowGroup, PeerPolicy.groupID(allowGroup) == nil { throw ValidationError("--allow-group: no group '\(allowGroup)'") }
            if let metrics {
                do { _ = try MetricsAddress(parsing: metrics) } catch { throw ValidationError("--metrics: \(error)") }
            }
        }

        func run() async throws {
            let file = try paper.checkedConfig(config)
            let logPath = logFile ?? (defaultLogPath() as NSString).deletingLastPathComponent + "/serve-\(name).log"
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
            let desk: PaperDesk
            do {
                desk = try paper.openDesk(file: file, defaultJournal: defaultJournalPath(name: name), logger: logger)
            } catch {
                server.stop()
                await metricsEndpoint.stop()
                throw error
            }
            // The server outlives the session that started it; a watcher that went away is no signal.
            signal(SIGHUP, SIG_IGN)
            signal(SIGPIPE, SIG_IGN)
            let (snapshots, sink) = EngineLoop<ContinuousClock>.makeSnapshotStream()
            let engine = EngineLoopService(session: desk.session, loop: EngineLoop(clock: ContinuousClock(), pace: .realTime(speed: paper.speed)),
                                           commands: commands, sender: sender, snapshots: sink, stop: onExit, logsStop: true)
            var readers: [@Sendable (EngineSnapshot) -> Void] = [server.publish]
            if metricsAddress != nil { readers.append { snapshotMetrics.record($0, receivedAt: .wallClockNow()) } }
            // Shut down in reverse: the engine stops first (flattening with watchers still attached),
            // then the relay, the alert command, the control socket and the metrics endpoint.
            var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
                .init(service: metricsEndpoint, serviceName: "metrics"), .init(service: server, serviceName: "control server"),
            ]
            if let command = onAlert ?? file?.alerts.command {
                let settings = file?.alerts
                let notifier = AlertNotifier(
                    hook: AlertHook(command: command, timeout: settings?.timeout ?? AlertHook.defaultTimeout),
                    interval: alertInterval.flatMap(Duration.init(configText:)) ?? settings?.interval ?? AlertThrottle.defaultInterval,
                    unhedgedAfter: settings?.unhedgedAfter ?? AlertDetector.defaultUnhedgedAfter,
                    logger: logger, wallClock: { .wallClockNow() })
                readers.append { notifier.observe($0) }
                services.append(.init(service: notifier, serviceName: "alert command"))
            }
            services.append(.init(service: SnapshotRelay(snapshots, to: readers), serviceName: "relay"))
            let metricsNote = metricsAddress.map { "; metrics at \($0.url)" } ?? ""
            let ready = ReadyLine(signals: [SIGINT, SIGTERM],
                                  line: "hedgetop serve: \(name) listening on \(path) (pid \(getpid()))\(metricsNote); logs in \(logPath); watch with: hedgetop attach \(socket == nil ? name : "--socket " + path)")
            services += [.init(service: ready, serviceName: "ready line"), engine.configuration]
            let group = ServiceGroup(configuration: ServiceGroupConfiguration(
                services: services,
                gracefulShutdownSignals: [.sigint, .sigterm], logger: logger))
            logger.info("serving", metadata: ["name": "\(name)", "socket": "\(path)", "journal": "\(desk.journalPath)"])
            do {
                try await group.run()
            } catch let error as DeskError {
                printError("hedgetop: \(error.message)")
                throw ExitCode.failure
            }
            for line in await desk.session.keptOpen { printError("hedgetop: \(line)") }
        }
    }
}
