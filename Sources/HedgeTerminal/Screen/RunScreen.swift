import Dispatch
import Foundation
import HedgeEngine

#if canImport(Glibc)
import Glibc
#endif

/// Runs the live screen until the trader quits: draws each snapshot the engine publishes and
/// sends the trader's commands back. ncurses runs on a thread of its own so its blocking key
/// reads never hold up the engine's tasks; the terminal is restored on every way out. Ctrl-C
/// (SIGINT) is answered like `q`: it asks while a spread is open, and a second one quits.
///
/// Logs must not reach the terminal while this runs: point swift-log at a file first.
func runScreen(snapshots: AsyncStream<EngineSnapshot>, commands: CommandSender,
                      options: ScreenOptions = ScreenOptions()) async throws -> ScreenExitReason {
    let mailbox = SnapshotMailbox()
    let feeder = Task {
        for await snapshot in snapshots { mailbox.post(snapshot) }
        mailbox.endOfStream()
    }
    defer { feeder.cancel() }
    // SIGINT is routed here, and SIGTERM to the program, before ncurses starts: ncurses then
    // sees handlers and leaves both signals alone.
    let interrupts = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
    interrupts.setEventHandler { mailbox.interrupt() }
    await withCheckedContinuation { (registered: CheckedContinuation<Void, Never>) in
        interrupts.setRegistrationHandler { registered.resume() }
        interrupts.resume()
    }
    defer { interrupts.cancel() }
    await SignalRouting.awaitRouted([SIGTERM])
    let loop = ScreenLoop(mailbox: mailbox, commands: commands, options: options)
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<ScreenExitReason, any Error>) in
            let thread = Thread {
                do { continuation.resume(returning: try loop.run()) } catch { continuation.resume(throwing: error) }
            }
            thread.name = "hedgetop-screen"
            thread.start()
        }
    } onCancel: {
        mailbox.cancel()
    }
}
