import ServiceLifecycle

/// Hands every snapshot of the engine to several readers (a server's watchers, its metrics),
/// as a service: after the stream ends it waits for the group's shutdown, so it never ends
/// before its turn.
public struct SnapshotRelay: Service {
    private let snapshots: AsyncStream<EngineSnapshot>
    private let readers: [@Sendable (EngineSnapshot) -> Void]

    public init(_ snapshots: AsyncStream<EngineSnapshot>, to readers: [@Sendable (EngineSnapshot) -> Void]) {
        self.snapshots = snapshots
        self.readers = readers
    }

    public func run() async throws {
        for await snapshot in snapshots.cancelOnGracefulShutdown() {
            for reader in readers { reader(snapshot) }
        }
        try? await gracefulShutdown()
    }
}
