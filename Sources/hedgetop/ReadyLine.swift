import HedgeEngine
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#endif

/// The line a started program prints to say it is ready, as a service: printed only once the
/// group's shutdown signals are routed, so a SIGTERM sent on reading it stops the program
/// gracefully, never by the default action.
struct ReadyLine: Service {
    let signals: [Int32]
    let line: String

    func run() async throws {
        await SignalRouting.awaitRouted(signals)
        print(line)
        fflush(nil)
        try? await gracefulShutdown()
    }
}
