import Dispatch

/// Dispatch installs its process-wide handler for a signal only some time after a signal source
/// is resumed. Waiting for that matters twice: a program should say it is ready only once a
/// SIGTERM from then on reaches its `ServiceGroup` (not the default action, which kills it), and
/// ncurses installs handlers of its own for signals that still have the default action.
public enum SignalRouting {
    /// Returns once Dispatch's handler is in place for each of `signals` (sources already
    /// resumed for them, such as a running `ServiceGroup`'s, are registered before these).
    public static func awaitRouted(_ signals: [Int32]) async {
        for number in signals {
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            await withCheckedContinuation { (registered: CheckedContinuation<Void, Never>) in
                source.setRegistrationHandler { registered.resume() }
                source.resume()
            }
            source.cancel()
        }
    }
}
