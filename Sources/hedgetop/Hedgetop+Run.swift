import Foundation
import ArgumentParser
import HedgeCore
import HedgeEngine
import HedgeLive
import HedgeTerminal
import Logging
import ServiceLifecycle

extension Hedgetop {
    /// The live screen on the embedded simulated market (paper trading).
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the strategies on the embedded simulated market with the live screen.")

        @Option(help: "A configuration file (TOML): market, strategies, venues, limits, screen. Options given here win over it.")
        var config: String?

        @OptionGroup
        var paper: PaperOptions

        @OptionGroup
        var screen: ScreenFlags

        @Option(help: "Where logs go (never the terminal while the screen is up).")
        var logFile: String?

        @Flag(help: "No screen: print the event log to standard output instead.")
        var headless = false

        @Option(help: "With --headless: stop after this many seconds.")
        var duration: Double?

        @Option(help: "On SIGINT/SIGTERM or quitting: keep open spreads (the next start recovers them) or flatten them and wait until flat. SIGHUP always flattens.")
        var onExit: StopPolicy = .keep

        @Flag(help: "Trade LIVE: real orders with real money on the venues of a file with mode = \"live\" (both are needed).")
        var live = false

        @Flag(help: "With --live: start without asking (for scripts); the plan is still printed.")
        var yes = false

        @Option(help: "With --live: the API key file (else HEDGETOP_KEY_FILE, else ~/.config/hedgetop/keys.toml; mode 0600, yours).")
        var keyFile: String?

        func validate() throws {
            try screen.check()
            if let duration, !(duration > 0) { throw ValidationError("--duration must be positive") }
            if !live && (yes || keyFile != nil) { throw ValidationError("--yes and --key-file are for --live") }
            if live && config == nil { throw ValidationError("--live needs --config FILE with mode = \"live\" and the live venues to trade on") }
            try paper.check()
        }

        func run() async throws {
            // The whole configuration is checked before anything starts: a bad file prints every
            // error and exits non-zero.
            let file = try paper.checkedConfig(config)
            let logger = try makeLogger()
            var live: LivePaperDesk?
            var trading: LiveTradingDesk?
            if let file, self.live || file.tradesLive {
                trading = try await openTrading(file, logger: logger)
            } else if let file, file.isLive {
                live = try await openLive(file, logger: logger)
            }
            let desk = try trading?.desk ?? live?.desk ?? paper.openDesk(file: file, defaultJournal: defaultJournalPath(), logger: logger)
            let (sender, commands) = CommandSender.makeChannel()
            let (snapshots, sink) = EngineLoop<ContinuousClock>.makeSnapshotStream()
            // Live: the loop looks for new market data every 2 ms, not every 20.
            let onLiveData = live != nil || trading != nil
            let loop = EngineLoop(clock: ContinuousClock(), pace: onLiveData ? .live : .realTime(speed: paper.speed),
                                  commandLatency: onLiveData ? .milliseconds(2) : .milliseconds(20))
            let engine = EngineLoopService(session: desk.session, loop: loop,
                                           commands: commands, sender: sender, snapshots: sink, stop: onExit)
            let view: ServiceGroupConfiguration.ServiceConfiguration = headless
                ? HeadlessLog(snapshots: snapshots, duration: duration).configuration
                : ScreenService(snapshots: snapshots, commands: sender, options: screen.options(file: file)).configuration
            // With the screen up, Ctrl-C (SIGINT) is the screen's: it asks like q while a spread
            // is open (a second one quits). Headless, it stops the group at once.
            let group = ServiceGroup(configuration: ServiceGroupConfiguration(
                // A group stops its services in reverse order: the traders and the connections, listed
                // first, outlive the engine, so a stop that flattens still sends and hears its orders.
                services: (trading.map { [ServiceGroupConfiguration.ServiceConfiguration(service: $0.traders),
                                          ServiceGroupConfiguration.ServiceConfiguration(service: $0.connections)] } ?? [])
                    + [engine.configuration, view, HangupWatch(session: desk.session).configuration]
                    + (live.map { [ServiceGroupConfiguration.ServiceConfiguration(service: $0.connections)] } ?? []),
                gracefulShutdownSignals: headless ? [.sigint, .sigterm] : [.sigterm], logger: logger))
            do {
                try await group.run()
            } catch let error as ScreenError {
                // The terminal is restored by now: the message can go to stderr.
                printError("hedgetop: \(error.message)")
                throw ExitCode.failure
            } catch let error as DeskError {
                printError("hedgetop: \(error.message)")
                throw ExitCode.failure
            }
            for line in await desk.session.keptOpen { printError("hedgetop: \(line)") }
            for line in live?.summary() ?? [] { printError("hedgetop: \(line)") }
            for line in await trading?.summary() ?? [] { printError("hedgetop: \(line)") }
        }

        /// LIVE: both the file's mode and --live, the plan printed, a confirmation (or --yes),
        /// then the desk on the venues with the keys.
        func openTrading(_ file: HedgetopConfig, logger: Logger) async throws -> LiveTradingDesk {
            guard file.tradesLive else {
                printError("hedgetop: --live trades real money, and \(file.file) does not say so: add mode = \"live\" to it (its venues must be live ones)")
                throw ExitCode.failure
            }
            guard self.live else {
                printError("hedgetop: \(file.file) says mode = \"live\": real orders with real money. Run with --live to trade, or set mode = \"live-paper\" to rehearse on paper")
                throw ExitCode.failure
            }
            guard file.isLive else {
                printError("hedgetop: \(file.file) says mode = \"live\" but names no live venue: give each [venues.NAME] a kind (\"binance-usdm\", \"bybit-linear\")")
                throw ExitCode.failure
            }
            if paper.speed != 1 || paper.scenario != nil {
                printError("hedgetop: --speed and --scenario are for the simulated market; \(file.file) trades LIVE")
                throw ExitCode.failure
            }
            let opened = try await opening {
                try await LiveTradingDesk.open(
                    file: file, journal: paper.journal ?? file.journalPath ?? defaultJournalPath(name: "live"), venueState: paper.venueState,
                    halfOpen: paper.halfOpen, specCache: SpecCache(directory: SpecCache.defaultDirectory()),
                    credentials: CredentialSource(environment: ProcessInfo.processInfo.environment, keyFile: keyFile), seed: paper.seed ?? 1, logger: logger)
            }
            for note in opened.notes { printError("hedgetop: \(note)") }
            printError("hedgetop: LIVE: real orders with real money")
            for line in opened.plan { printError("hedgetop:   \(line)") }
            logger.notice("LIVE", metadata: ["plan": "\(opened.plan.joined(separator: "; "))"])
            guard yes || LiveConfirmation.ask() else {
                await opened.discard()
                printError("hedgetop: not confirmed: nothing was sent")
                throw ExitCode.failure
            }
            return opened
        }

        /// LIVE-PAPER: specs fetched (or the cache's, with their age), the desk, the connections.
        func openLive(_ file: HedgetopConfig, logger: Logger) async throws -> LivePaperDesk {
            if paper.speed != 1 || paper.scenario != nil {
                printError("hedgetop: --speed and --scenario are for the simulated market; \(file.file) trades LIVE-PAPER on the venues' own data")
                throw ExitCode.failure
            }
            let opened = try await opening {
                try await LivePaperDesk.open(file: file, journal: paper.journal ?? file.journalPath ?? defaultJournalPath(name: "live-paper"), venueState: paper.venueState,
                                             halfOpen: paper.halfOpen, specCache: SpecCache(directory: SpecCache.defaultDirectory()),
                                             seed: paper.seed ?? 1, logger: logger)
            }
            for note in opened.notes { printError("hedgetop: \(note)") }
            return opened
        }

        /// Opens a live desk; what stops it (the file, the journal, a venue or a key) is printed and
        /// the command fails.
        func opening<Desk>(_ open: () async throws -> Desk) async throws -> Desk {
            do {
                return try await open()
            } catch let errors as ConfigErrors {
                printConfigErrors(errors)
            } catch let error as DeskError {
                printError("hedgetop: \(error.message)")
            } catch let error as LiveFailure {
                printError("hedgetop: \(error.message)")
            }
            throw ExitCode.failure
        }

        /// Logs go to a file: `--log-file`, else `$XDG_STATE_HOME/hedgetop/hedgetop.log`.
        func makeLogger() throws -> Logger {
            let sink = try FileLogHandler.Sink(path: logFile ?? defaultLogPath())
            return Logger(label: "hedgetop") { label in FileLogHandler(label: label, sink: sink) }
        }
    }
}
