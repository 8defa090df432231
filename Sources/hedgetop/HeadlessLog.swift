import HedgeEngine
import ServiceLifecycle

/// `run --headless`: each new line of the event log on standard output, until the group shuts
/// down or `duration` seconds have passed (which shuts it down).
struct HeadlessLog: Service {
    let snapshots: AsyncStream<EngineSnapshot>
    let duration: Double?

    func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                var printed: UInt64 = 0
                for await snapshot in snapshots {
                    for entry in snapshot.log where entry.id > printed {
                        let who = entry.strategy.map { "[\($0)] " } ?? ""
                        print("\(entry.time) \(entry.severity.rawValue.uppercased()) \(who)\(entry.message)")
                    }
                    printed = snapshot.log.last?.id ?? printed
                }
            }
            // Until the time is up or the group shuts down, even when the engine stopped first.
            if let duration {
                _ = try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(Int64(duration * 1000))) }
            } else {
                try? await gracefulShutdown()
            }
            group.cancelAll()
        }
    }

    /// This service in a group: its end (the time is up) shuts the group down gracefully.
    var configuration: ServiceGroupConfiguration.ServiceConfiguration {
        .init(service: self, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .cancelGroup, serviceName: "headless log")
    }
}
