import HedgeEngine
import ServiceLifecycle
import Synchronization

/// The live screen as a service of the program: it runs until the trader quits, which shuts
/// the group down, or until the group shuts down (SIGTERM, SIGHUP), which closes it; the
/// terminal is restored either way. A screen error cancels the group.
public final class ScreenService: Service, Sendable {
    private let snapshots: AsyncStream<EngineSnapshot>
    private let commands: CommandSender
    private let options: ScreenOptions
    private let reason = Mutex<ScreenExitReason?>(nil)

    public init(snapshots: AsyncStream<EngineSnapshot>, commands: CommandSender, options: ScreenOptions) {
        self.snapshots = snapshots
        self.commands = commands
        self.options = options
    }

    /// Why the screen returned (nil while it runs, or when it failed).
    public var exitReason: ScreenExitReason? { reason.withLock { $0 } }

    public func run() async throws {
        let why = try await cancelWhenGracefulShutdown { [snapshots, commands, options] in
            try await runScreen(snapshots: snapshots, commands: commands, options: options)
        }
        reason.withLock { $0 = why }
    }

    /// This service in a group: quitting the screen shuts the others down gracefully.
    public var configuration: ServiceGroupConfiguration.ServiceConfiguration {
        .init(service: self, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .cancelGroup, serviceName: "screen")
    }
}
