import HedgeEngine

#if canImport(Glibc)
import Glibc
#endif

/// Prints every error of a configuration file on standard error, then what to do.
func printConfigErrors(_ errors: ConfigErrors) {
    for line in errors.lines { printError("hedgetop: " + line) }
    printError("hedgetop: \(errors.errors.count) error\(errors.errors.count == 1 ? "" : "s") in \(errors.file); nothing was started")
}

/// An environment variable, without Foundation.
func environmentValue(_ name: String) -> String? {
    getenv(name).map { String(cString: $0) }
}

/// Writes a line to standard error (after the screen is torn down).
func printError(_ message: String) {
    var line = message + "\n"
    line.withUTF8 { bytes in _ = write(STDERR_FILENO, bytes.baseAddress, bytes.count) }
}

/// `$XDG_STATE_HOME/hedgetop/hedgetop.log`, else `~/.local/state/hedgetop/hedgetop.log`.
func defaultLogPath() -> String {
    if let state = environmentValue("XDG_STATE_HOME"), !state.isEmpty { return state + "/hedgetop/hedgetop.log" }
    if let home = environmentValue("HOME"), !home.isEmpty { return home + "/.local/state/hedgetop/hedgetop.log" }
    return "/tmp/hedgetop-\(getuid())/hedgetop.log"
}

/// `$XDG_STATE_HOME/hedgetop/journal.sqlite`, else `~/.local/state/hedgetop/journal.sqlite`: the
/// desk of `run` and of `serve --name main`. Another server name has its own journal,
/// `journal-NAME.sqlite` beside it, so two servers never lock each other out.
func defaultJournalPath(name: String = "main") -> String {
    let file = name == "main" ? "journal.sqlite" : "journal-\(name).sqlite"
    if let state = environmentValue("XDG_STATE_HOME"), !state.isEmpty { return state + "/hedgetop/" + file }
    if let home = environmentValue("HOME"), !home.isEmpty { return home + "/.local/state/hedgetop/" + file }
    return "/tmp/hedgetop-\(getuid())/" + file
}
