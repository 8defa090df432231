import ArgumentParser
import HedgeEngine
import HedgeTerminal
import Logging
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#endif

extension Hedgetop {
    /// The live screen of a server started with `hedgetop serve`, over its control socket.
    struct Attach: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the live screen of a running `hedgetop serve`; several watchers may attach at once.")

        @Argument(help: "The server's name (see `hedgetop list`; default: main, or the only server running).")
        var name: String?

        @Option(help: "The control socket's path, instead of the one the name gives.")
        var socket: String?

        @Flag(help: "Watch only: commands are refused (visibly) instead of sent.")
        var readOnly = false

        @OptionGroup
        var screen: ScreenFlags

        @Option(help: "Where the screen's own logs go (never the terminal while the screen is up).")
        var logFile: String?

        func validate() throws {
            try screen.check()
        }

        static let needsTerminal = "hedgetop: attach needs a terminal (standard input and output); use `hedgetop status` for a one-shot summary"

        func run() async throws {
            let choice: ServerChoice
            do { choice = try ServerChoice.resolve(name: name, socket: socket, command: "attach") } catch {
                printError("hedgetop: \(error.message)")
                throw ExitCode.failure
            }
            let path = choice.path
            let fps = screen.fps ?? 4
            let hello = WireHello(readOnly: readOnly, framesPerSecond: fps, client: "attach")
            let connection = try connectOrExplain(path: path, hello: hello, name: choice.name)
            signal(SIGPIPE, SIG_IGN)
            let (snapshots, commands, client) = ControlClient.watch(connection, path: path, hello: hello)
            defer { client.stop() }
            let welcome = connection.1
            var options = screen.options()
            options.context = ScreenContext(server: welcome.name, readOnlyReason: welcome.readOnly ? (welcome.readOnlyReason ?? "read-only watcher") : nil,
                                            watcherName: Self.watcherName(welcome))
            options.connection = { client.connection }
            // The screen takes Ctrl-C itself (a detach); SIGTERM and SIGHUP close it.
            let view = ScreenService(snapshots: snapshots, commands: commands, options: options)
            let group = ServiceGroup(configuration: ServiceGroupConfiguration(
                services: [view.configuration], gracefulShutdownSignals: [.sigterm, .sighup],
                logger: Logger(label: "hedgetop.attach") { _ in SwiftLogNoOpLogHandler() }))
            do {
                try await group.run()
            } catch let error as ScreenError where error.code == .notATerminal {
                // attach has no headless mode: the screen's own advice does not apply here.
                printError(Self.needsTerminal)
                throw ExitCode.failure
            } catch let error as ScreenError {
                printError("hedgetop: \(error.message)")
                throw ExitCode.failure
            }
            let reason = view.exitReason
            if let error = client.finalError {
                printError("hedgetop: \(error.message)")
                throw ExitCode.failure
            }
            if reason == .quit || reason == .interrupted {
                let again = choice.name.map { "hedgetop attach \($0)" } ?? "hedgetop attach --socket \(path)"
                print("detached from \(welcome.name); the server keeps trading (\(again) to watch again)")
            }
        }
    }
}

extension Hedgetop.Attach {
    /// How this watcher is named in the event log: "watcher 2", "watcher 3 (read-only)".
    static func watcherName(_ welcome: WireWelcome) -> String {
        let number = welcome.watcher.map { "watcher \($0)" } ?? "this watcher"
        return welcome.readOnly ? number + " (read-only)" : number
    }
}

