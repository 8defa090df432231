import FlyingSocks
import Logging
import Synchronization

/// FlyingFox's log lines into hedgetop's log file (its default prints to stdout). A connection
/// opened and closed per scrape is routine, so info goes to debug; once stopping, the server's
/// complaint that its socket was closed is expected, so it goes to debug too.
final class HTTPServerLog: FlyingSocks.Logging {
    private let logger: Logger
    private let stopping = Atomic(false)

    init(logger: Logger) { self.logger = logger }

    /// From now on the listening socket closing is not an error.
    func markStopping() { stopping.store(true, ordering: .relaxed) }

    func logDebug(_ debug: @autoclosure () -> String) { logger.debug("\(debug())") }
    func logInfo(_ info: @autoclosure () -> String) { logger.debug("\(info())") }
    func logWarning(_ warning: @autoclosure () -> String) { logger.warning("\(warning())") }

    func logError(_ error: @autoclosure () -> String) {
        logger.log(level: stopping.load(ordering: .relaxed) ? .debug : .error, "\(error())")
    }

    func logCritical(_ critical: @autoclosure () -> String) {
        logger.log(level: stopping.load(ordering: .relaxed) ? .debug : .critical, "\(critical())")
    }
}
