import Logging

/// The HTTP server logs through hedgetop's logger at notice and above only: its per-connection
/// info and debug lines are routine for every scrape and would crowd the log file.
enum HTTPServerLog {
    static func logger(from logger: Logger) -> Logger {
        var quiet = logger
        quiet.logLevel = max(logger.logLevel, .notice)
        return quiet
    }
}
