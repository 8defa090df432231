import Foundation

/// A live view redrawn with ANSI escapes on standard error (the sweep's `--watch`): standard
/// output stays free for the result. It takes the alternate screen and raw keys from the
/// terminal while it runs, and gives both back on `stop()`, whatever ended it (q, Ctrl-C, a
/// signal, the work finishing). Only for a terminal: `start` says no when stderr or stdin is not one.
public final class ANSILiveView {
    private var saved = termios()
    private var started = false
    private let theme: Theme?

    /// `theme` nil: attributes-free plain text (NO_COLOR).
    public init(theme: Theme?) { self.theme = theme }

    /// Takes the terminal; false (and nothing changed) when stdin or stderr is not a terminal.
    public func start() -> Bool {
        guard isatty(STDERR_FILENO) == 1, isatty(STDIN_FILENO) == 1, tcgetattr(STDIN_FILENO, &saved) == 0 else { return false }
        var raw = saved
        // Keys one at a time, not echoed; Ctrl-C arrives as a key (byte 3) so it ends the view cleanly.
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO | ISIG)
        withUnsafeMutableBytes(of: &raw.c_cc) { cc in
            cc[Int(VMIN)] = 0
            cc[Int(VTIME)] = 0
        }
        guard tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0 else { return false }
        started = true
        emit("\u{1B}[?1049h\u{1B}[?25l\u{1B}[2J")
        return true
    }

    /// The terminal's size now (resizes are picked up at the next frame); 80×24 when unknown.
    public var size: (width: Int, height: Int) {
        var window = winsize()
        guard ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &window) == 0, window.ws_col > 0, window.ws_row > 0 else { return (80, 24) }
        return (Int(window.ws_col), Int(window.ws_row))
    }

    /// Draws `buffer` from the top left, clearing what the last frame left beyond it.
    public func draw(_ buffer: Buffer) {
        let lines = buffer.ansiLines(theme: theme)
        emit("\u{1B}[H" + lines.map { $0 + "\u{1B}[K" }.joined(separator: "\r\n") + "\u{1B}[J")
    }

    /// The keys typed since the last call (none waiting: empty).
    public func keys() -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 64)
        let count = read(STDIN_FILENO, &bytes, bytes.count)
        return count > 0 ? Array(bytes[0..<count]) : []
    }

    /// Gives the terminal back (main screen, cursor, cooked keys). Safe to call twice.
    public func stop() {
        guard started else { return }
        started = false
        emit("\u{1B}[0m\u{1B}[?25h\u{1B}[?1049l")
        tcsetattr(STDIN_FILENO, TCSANOW, &saved)
    }

    private func emit(_ text: String) {
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let result = bytes[written...].withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
            if result <= 0 { if errno == EINTR { continue }; return }
            written += result
        }
    }

    /// Whether output to `descriptor` should be coloured: a terminal, NO_COLOR unset or empty,
    /// TERM not dumb.
    public static func wantsColour(_ descriptor: Int32) -> Bool {
        let environment = ProcessInfo.processInfo.environment
        guard isatty(descriptor) == 1 else { return false }
        if let noColour = environment["NO_COLOR"], !noColour.isEmpty { return false }
        return environment["TERM"].map { $0 != "dumb" && !$0.isEmpty } ?? false
    }
}
