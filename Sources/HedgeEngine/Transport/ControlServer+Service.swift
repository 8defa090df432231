import ServiceLifecycle

/// A started control server as a service of the program: it serves until the group shuts down,
/// then closes its socket (and removes the path) with the rest of the teardown.
extension ControlServer: Service {
    public func run() async throws {
        try? await gracefulShutdown()
        stop()
    }
}
