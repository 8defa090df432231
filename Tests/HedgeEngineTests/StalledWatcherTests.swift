import Foundation
import Synchronization
@testable import HedgeCore
import MetricsScrape
import Testing
@testable import HedgeEngine

#if canImport(Glibc)
import Glibc
#endif

@Suite("A stalled watcher never holds up a stop", .serialized)
struct StalledWatcherTests {
    @Test("a watcher that connects and never reads does not delay the server's stop (under a second)")
    func stalledWatcherDoesNotDelayStop() async throws {
        try await offPool {
            let served = try ServedEngine()
            defer { served.stop() }
            let (stalled, welcome) = try rawWatcher(served.path, fps: 30)
            #expect(welcome?.welcome != nil)
            // A reading watcher too: it still gets the goodbye.
            let (reader, _) = try rawWatcher(served.path, fps: 30)
            let goodbye = Mutex<WireError?>(nil)
            let readerDone = DispatchSemaphore(value: 0)
            Thread {
                while let message = try? reader.readMessage(limit: WireProtocol.maxServerFrame) {
                    if let error = message.error { goodbye.withLock { $0 = error } }
                }
                readerDone.signal()
            }.start()
            // Snapshots pile up in the stalled watcher's socket until its writer blocks.
            Thread.sleep(forTimeInterval: 3)
            let began = ContinuousClock.now
            served.server.stop()
            let took = began.duration(to: .now)
            #expect(took < .seconds(1), "stop took \(took)")
            #expect(readerDone.wait(timeout: .now() + 2) == .success)
            #expect(goodbye.withLock { $0?.code } == .shuttingDown)
            stalled.shutdown()
        }
    }
}
