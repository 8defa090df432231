import HedgeEngine
import Synchronization

/// Hands snapshots from the async world to the screen thread: the newest wins (older ones were
/// never going to be drawn), and the engine never waits for the screen.
final class SnapshotMailbox: Sendable {
    struct Mail {
        var snapshot: EngineSnapshot?
        var streamEnded: Bool
        var cancelled: Bool
        /// Ctrl-C (SIGINT) while the screen is up.
        var interrupted: Bool
    }

    private let state = Mutex(Mail(snapshot: nil, streamEnded: false, cancelled: false, interrupted: false))

    func post(_ snapshot: EngineSnapshot) { state.withLock { $0.snapshot = snapshot } }
    func endOfStream() { state.withLock { $0.streamEnded = true } }
    func cancel() { state.withLock { $0.cancelled = true } }
    func interrupt() { state.withLock { $0.interrupted = true } }

    /// Takes the newest unread snapshot (nil when none arrived since the last call), and a
    /// Ctrl-C not yet taken (each one is answered once).
    func take() -> Mail {
        state.withLock { mail in
            let taken = mail
            mail.snapshot = nil
            mail.interrupted = false
            return taken
        }
    }
}
