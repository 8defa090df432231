import ServiceLifecycle
import UnixSignals

/// SIGHUP (the terminal went away): the run stops as for SIGTERM, and flattens whatever the stop
/// policy says, because nobody is left to watch an open spread.
public struct HangupWatch: Service {
    public let session: TradingSession

    public init(session: TradingSession) { self.session = session }

    public func run() async throws {
        for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() {
            await session.flattenWhenStopping()
            return
        }
    }

    /// This service in a group: its return (on SIGHUP) shuts the group down gracefully.
    public var configuration: ServiceGroupConfiguration.ServiceConfiguration {
        .init(service: self, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .cancelGroup, serviceName: "hangup")
    }
}
