import ServiceLifecycle

/// A started metrics endpoint as a service of the program: it serves until the group shuts
/// down, then stops listening with the rest of the teardown.
extension MetricsEndpoint: Service {
    public func run() async throws {
        try? await gracefulShutdown()
        await stop()
    }
}
