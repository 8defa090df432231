import Foundation
import HedgeEngine

/// Runs the live screen until the trader quits: draws each snapshot the engine publishes and
/// sends the trader's commands back. ncurses runs on a thread of its own so its blocking key
/// reads never hold up the engine's tasks; the terminal is restored on every way out.
///
/// Logs must not reach the terminal while this runs: point swift-log at a file first.
public func runScreen(snapshots: AsyncStream<EngineSnapshot>, commands: CommandSender,
                      options: ScreenOptions = ScreenOptions()) async throws -> ScreenExitReason {
    let mailbox = SnapshotMailbox()
    let feeder = Task {
        for await snapshot in snapshots { mailbox.post(snapshot) }
        mailbox.endOfStream()
    }
    defer { feeder.cancel() }
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
