import ServiceLifecycle

/// A trading session as a service of the program: it runs until the group shuts down
/// gracefully, then stops as `stop` says. Its end, even an early one (a replay's feed ran out),
/// does not stop the other services: the screen still shows the last snapshot.
public struct EngineLoopService: Service {
    public let session: TradingSession
    public let loop: EngineLoop<ContinuousClock>
    public let commands: AsyncStream<EngineCommand>
    public let sender: CommandSender
    public let snapshots: AsyncStream<EngineSnapshot>.Continuation
    public let stop: StopPolicy
    /// Whether the stop and its policy go to the log.
    public let logsStop: Bool

    public init(session: TradingSession, loop: EngineLoop<ContinuousClock>, commands: AsyncStream<EngineCommand>, sender: CommandSender,
                snapshots: AsyncStream<EngineSnapshot>.Continuation, stop: StopPolicy = .keep, logsStop: Bool = false) {
        self.session = session
        self.loop = loop
        self.commands = commands
        self.sender = sender
        self.snapshots = snapshots
        self.stop = stop
        self.logsStop = logsStop
    }

    public func run() async throws {
        try await session.run(on: loop, commands: commands, sender: sender, snapshots: snapshots, stop: stop, logsStop: logsStop)
    }

    /// This service in a group: finishing early is no reason to stop the others.
    public var configuration: ServiceGroupConfiguration.ServiceConfiguration {
        .init(service: self, successTerminationBehavior: .ignore, failureTerminationBehavior: .cancelGroup, serviceName: "engine")
    }
}
