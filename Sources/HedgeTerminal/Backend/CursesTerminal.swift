import CNcursesw
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The only code that calls ncurses. Created, used and closed on the screen thread alone;
/// ncurses is not thread-safe, so this type is deliberately not `Sendable`.
final class CursesTerminal {
    /// Box lines and braille when the locale is UTF-8, ASCII otherwise.
    let glyphs: GlyphSet
    /// Something the trader should know about how the terminal was opened (a TERM fallback).
    let notice: String?
    private let screen: OpaquePointer
    private var pairs: [ThemeRole: Int16] = [:]
    private var boldRoles: Set<ThemeRole>
    private let colour: ScreenOptions.ColourPolicy
    /// What is on the screen now, so a frame only hands ncurses the cells that changed.
    private var shown: Buffer?
    private var closed = false
    private var coloursStarted = false

    init(theme: Theme, colour: ScreenOptions.ColourPolicy, forceASCII: Bool) throws(ScreenError) {
        guard isatty(STDOUT_FILENO) == 1, isatty(STDIN_FILENO) == 1 else {
            throw ScreenError(code: .notATerminal, message: "standard input and output must be a terminal for the screen; run headless instead")
        }
        // The locale first: without it ncurses draws braille as blanks and lines as `qqqq`.
        setlocale(LC_ALL, "")
        let utf8 = hedgetop_locale_is_utf8() != 0
        glyphs = utf8 && !forceASCII ? .unicode : .ascii
        // newterm, unlike initscr, returns NULL on an unknown TERM instead of exiting.
        if let opened = hedgetop_newterm(nil) {
            screen = opened
            notice = nil
        } else if let fallback = hedgetop_newterm("xterm-256color") {
            screen = fallback
            let term = getenv("TERM").map { String(cString: $0) } ?? "(unset)"
            notice = "unknown TERM=\(term); using xterm-256color"
        } else {
            throw ScreenError(code: .unknownTerminal, message: "ncurses knows neither TERM nor xterm-256color; set TERM to a known terminal (e.g. xterm-256color)")
        }
        boldRoles = theme.boldRoles
        self.colour = colour
        cbreak()
        noecho()
        keypad(hedgetop_stdscr(), true)
        Self.defineHomeAndEnd()
        curs_set(0)
        // Esc must act at once, not after ncurses' default second of waiting for a sequence.
        set_escdelay(25)
        setUpColours(theme: theme, colour: colour)
    }

    deinit { close() }

    /// Home and End as terminals send them whatever TERM says: tmux and screen send `ESC[1~` and
    /// `ESC[4~`, rxvt `ESC[7~` and `ESC[8~`, xterm `ESC[H`/`ESC[F` or `ESC OH`/`ESC OF`. A sequence
    /// the terminfo entry does not know would arrive as loose characters (ESC, `[`, `4`, `~`)
    /// instead of the key; one it already maps (to Find or Select, say) keeps its meaning.
    static let homeAndEndSequences: [(sequence: String, key: Int32)] = [
        ("\u{1b}[1~", KEY_HOME), ("\u{1b}[7~", KEY_HOME), ("\u{1b}OH", KEY_HOME), ("\u{1b}[H", KEY_HOME),
        ("\u{1b}[4~", KEY_END), ("\u{1b}[8~", KEY_END), ("\u{1b}OF", KEY_END), ("\u{1b}[F", KEY_END),
    ]

    private static func defineHomeAndEnd() {
        for (sequence, key) in homeAndEndSequences where key_defined(sequence) == 0 {
            define_key(sequence, key)
        }
    }

    /// Switches theme live: new colour pairs, and every cell is sent again at the next frame.
    func apply(theme: Theme) {
        boldRoles = theme.boldRoles
        pairs = [:]
        setUpColours(theme: theme, colour: colour)
        shown = nil
        clearok(hedgetop_stdscr(), true)
    }

    private func setUpColours(theme: Theme, colour: ScreenOptions.ColourPolicy) {
        let noColorSet = getenv("NO_COLOR").map { $0.pointee != 0 } ?? false
        guard colour == .automatic, !noColorSet, has_colors() else { return }
        if !coloursStarted { start_color(); coloursStarted = true }
        let defaults = use_default_colors() == OK
        let colours = Int(hedgetop_colors())
        let backgroundBasic: UInt8? = {
            if case .indexed(let index) = theme.foreground(.background) { return PaletteColour.nearestBasic(to: index) }
            return nil
        }()
        var background = theme.background.cursesNumber(colours: colours, avoiding: nil)
        if background < 0 && !defaults { background = 0 }
        for (offset, role) in ThemeRole.allCases.enumerated() {
            let pair = Int16(offset + 1)
            guard Int(pair) < Int(hedgetop_color_pairs()) else { break }
            var foreground = theme.foreground(role).cursesNumber(colours: colours, avoiding: backgroundBasic)
            if foreground < 0 && !defaults { foreground = 7 }
            init_pair(pair, foreground, background)
            pairs[role] = pair
        }
    }

    /// The terminal's size in cells now (ncurses updates it on KEY_RESIZE).
    var size: (width: Int, height: Int) { (Int(hedgetop_cols()), Int(hedgetop_lines())) }

    /// How long a key read waits before giving up, so the loop can look at snapshots.
    func setKeyTimeout(milliseconds: Int) { wtimeout(hedgetop_stdscr(), Int32(milliseconds)) }

    /// The next key, or nil when none came within the timeout (or a signal interrupted the wait).
    func readKey() -> KeyPress? {
        var code: wint_t = 0
        switch wget_wch(hedgetop_stdscr(), &code) {
        case OK: return Self.decode(character: UInt32(code))
        case KEY_CODE_YES: return Self.decode(function: Int32(code))
        default: return nil
        }
    }

    static func decode(character code: UInt32) -> KeyPress? {
        switch code {
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        default:
            guard let scalar = Unicode.Scalar(code), code >= 0x20, code != 0x7F else { return .other(Int32(bitPattern: code)) }
            return .character(Character(scalar))
        }
    }

    static func decode(function code: Int32) -> KeyPress {
        switch code {
        case KEY_RESIZE: .resize
        case KEY_UP: .up
        case KEY_DOWN: .down
        case KEY_LEFT: .left
        case KEY_RIGHT: .right
        case KEY_BTAB: .backTab
        case KEY_ENTER: .enter
        case KEY_PPAGE: .pageUp
        case KEY_NPAGE: .pageDown
        // Find and Select sit where Home and End are on a VT220-style keypad; some terminfo
        // entries give them for those keys (htop reads them so too).
        case KEY_HOME, KEY_FIND: .home
        case KEY_END, KEY_SELECT: .end
        default: .other(code)
        }
    }

    /// After a resize: the old picture is wrong everywhere, so clear once and redraw it all.
    func resized() {
        shown = nil
        werase(hedgetop_stdscr())
        clearok(hedgetop_stdscr(), true)
    }

    /// Copies the grid to the screen. ncurses sends only what differs from the last frame; never
    /// clearing per frame is what keeps the output small and flicker-free.
    func present(_ buffer: Buffer) {
        let previous = shown.flatMap { $0.width == buffer.width && $0.height == buffer.height ? $0 : nil }
        if previous == nil && shown != nil { werase(hedgetop_stdscr()) }
        var text = [wchar_t](repeating: 0, count: 6)
        for y in 0..<buffer.height {
            for x in 0..<buffer.width {
                let cell = buffer[x, y]
                if let previous, previous[x, y] == cell { continue }
                var count = 0
                for scalar in cell.character.unicodeScalars where count < 5 {
                    text[count] = wchar_t(bitPattern: scalar.value)
                    count += 1
                }
                text[count] = 0
                _ = hedgetop_put_cell(Int32(y), Int32(x), text, attributes(cell.style), Int32(pairs[cell.style.role] ?? 0))
            }
        }
        shown = buffer
        wnoutrefresh(hedgetop_stdscr())
        doupdate()
    }

    private func attributes(_ style: Style) -> attr_t {
        var attributes: attr_t = 0
        if style.bold || boldRoles.contains(style.role) { attributes |= hedgetop_attr_bold() }
        if style.reverse { attributes |= hedgetop_attr_reverse() }
        if style.dim { attributes |= hedgetop_attr_dim() }
        if style.underline { attributes |= hedgetop_attr_underline() }
        return attributes
    }

    /// Rings the terminal's bell (or flashes it, as the terminal is set up): a strategy needs the
    /// trader. ncurses writes it with the next refresh.
    func beep() { _ = CNcursesw.beep() }

    /// Gives the terminal back as it was. Safe to call twice; every exit path calls it.
    func close() {
        guard !closed else { return }
        closed = true
        endwin()
        delscreen(screen)
    }
}
