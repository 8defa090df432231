/// What the trader wants when pressing a key, before the screen decides how to do it (which
/// depends on the mode: a dialog or the help overlay may be up).
enum ScreenIntent: Sendable, Hashable {
    case quit
    case closeSpread
    case rebalance
    /// Open the adjust dialog: resize, thresholds, rebalance.
    case adjust
    case togglePause
    case killSwitch
    case nextTheme
    case toggleHelp
    /// Esc: close whatever is open, at once.
    case dismiss
    /// y or Enter in a dialog.
    case confirm
    /// n in a dialog.
    case cancel
    case nextStrategy
    case previousStrategy
    /// Shorter chart window.
    case zoomIn
    /// Longer chart window.
    case zoomOut
    case relayout
    /// Scroll the event log back a page (older lines).
    case logOlder
    /// Scroll the event log on a page (newer lines).
    case logNewer
    /// The event log's oldest line.
    case logOldest
    /// The event log's newest line, following new lines again.
    case logNewest
    /// Raise the event log's lowest severity shown (round again after errors).
    case logSeverity
    /// Show only the selected strategy's lines in the event log, or every line again.
    case logStrategy
    /// Order the strategies list by the next key: PnL, state, name, as configured.
    case sortStrategies
    /// Show only some strategies in the list: open, flat, troubled, all.
    case filterStrategies
    case unknown(KeyPress)

    /// Keys that send (or prepare) a command to the engine: refused at once on a read-only or
    /// disconnected screen.
    var isCommand: Bool {
        switch self {
        case .closeSpread, .rebalance, .adjust, .togglePause, .killSwitch: true
        default: false
        }
    }
}

/// Keys to intents, as a plain value: the help overlay and the key bar are drawn from the same
/// table, so every key is listed, and tests need no terminal.
struct KeyMap: Sendable {
    struct Binding: Sendable {
        public var keys: [KeyPress]
        public var label: String
        public var intent: ScreenIntent
        /// One word for the key bar.
        public var summary: String
        /// One line for the help overlay; empty when the line of the binding before it covers
        /// this one too (PgUp and PgDn share a line).
        public var help: String
        var onKeyBar: Bool
    }

    var bindings: [Binding]

    public init(bindings: [Binding]) { self.bindings = bindings }

    public func intent(for key: KeyPress) -> ScreenIntent {
        if key == .resize { return .relayout }
        return bindings.first { $0.keys.contains(key) }?.intent ?? .unknown(key)
    }

    /// The keys for a screen in `context`: attached, `q` detaches and the server keeps trading.
    public static func standard(for context: ScreenContext) -> KeyMap {
        guard context.isAttached else { return standard }
        var map = standard
        for index in map.bindings.indices where map.bindings[index].intent == .quit {
            map.bindings[index].summary = "detach"
            map.bindings[index].help = "detach: leave this screen; the server keeps trading"
        }
        return map
    }

    public static let standard = KeyMap(bindings: [
        Binding(keys: [.character("q")], label: "q", intent: .quit, summary: "quit",
                help: "quit (asks while a spread is open; Ctrl-C too, twice quits)", onKeyBar: true),
        Binding(keys: [.character("c")], label: "c", intent: .closeSpread, summary: "close",
                help: "close the selected strategy's spread, both legs (asks first)", onKeyBar: true),
        Binding(keys: [.character("r")], label: "r", intent: .rebalance, summary: "rebal",
                help: "rebalance the legs to the hedge ratio when off it (asks first)", onKeyBar: false),
        Binding(keys: [.character("a")], label: "a", intent: .adjust, summary: "adjust",
                help: "adjust: resize (+/-), thresholds (e/E x/X), rebalance (r), kill one (k)", onKeyBar: true),
        Binding(keys: [.character("p")], label: "p", intent: .togglePause, summary: "pause",
                help: "pause or resume new spreads (resuming a halt asks first)", onKeyBar: true),
        Binding(keys: [.character("K")], label: "K", intent: .killSwitch, summary: "kill",
                help: "kill switch: flatten every leg; HALTED until p (asks first)", onKeyBar: true),
        Binding(keys: [.tab, .down, .right], label: "tab ↓ →", intent: .nextStrategy, summary: "next",
                help: "select the next strategy", onKeyBar: true),
        Binding(keys: [.backTab, .up, .left], label: "S-tab ↑ ←", intent: .previousStrategy, summary: "prev",
                help: "select the previous strategy", onKeyBar: false),
        Binding(keys: [.character("+"), .character("=")], label: "+", intent: .zoomIn, summary: "zoom",
                help: "spread chart: shorter time window (1m 5m 15m 1h all)", onKeyBar: false),
        Binding(keys: [.character("-"), .character("_")], label: "-", intent: .zoomOut, summary: "unzoom",
                help: "spread chart: longer time window", onKeyBar: false),
        Binding(keys: [.pageUp], label: "PgUp PgDn", intent: .logOlder, summary: "older",
                help: "event log: page older / newer; Home End: oldest / newest", onKeyBar: false),
        Binding(keys: [.pageDown], label: "PgDn", intent: .logNewer, summary: "newer", help: "", onKeyBar: false),
        Binding(keys: [.home], label: "Home", intent: .logOldest, summary: "oldest", help: "", onKeyBar: false),
        Binding(keys: [.end], label: "End", intent: .logNewest, summary: "newest", help: "", onKeyBar: false),
        Binding(keys: [.character("l")], label: "l f", intent: .logSeverity, summary: "level",
                help: "event log: l raises the severity shown; f: this strategy only", onKeyBar: false),
        Binding(keys: [.character("f")], label: "f", intent: .logStrategy, summary: "filter", help: "", onKeyBar: false),
        Binding(keys: [.character("t")], label: "t", intent: .nextTheme, summary: "theme",
                help: "next colour theme", onKeyBar: false),
        Binding(keys: [.character("?"), .character("h")], label: "? h", intent: .toggleHelp, summary: "help",
                help: "show this help; any key closes it", onKeyBar: true),
        Binding(keys: [.character("s")], label: "s o", intent: .sortStrategies, summary: "sort",
                help: "strategies: s sorts by PnL/state/name; o shows open/flat/troubled", onKeyBar: true),
        Binding(keys: [.character("o")], label: "o", intent: .filterStrategies, summary: "only", help: "", onKeyBar: false),
        Binding(keys: [.escape], label: "Esc", intent: .dismiss, summary: "back",
                help: "cancel a dialog; clear the status line", onKeyBar: false),
        Binding(keys: [.character("y"), .character("Y"), .enter], label: "y Enter", intent: .confirm, summary: "yes",
                help: "in a dialog: confirm", onKeyBar: false),
        Binding(keys: [.character("n"), .character("N")], label: "n", intent: .cancel, summary: "no",
                help: "in a dialog: cancel", onKeyBar: false),
    ])
}
