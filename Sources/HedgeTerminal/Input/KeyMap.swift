/// What the trader wants when pressing a key, before the screen decides how to do it.
public enum ScreenIntent: Sendable, Hashable {
    case quit
    case closeSpread
    case togglePause
    case killSwitch
    case toggleHelp
    case dismiss
    case nextStrategy
    case previousStrategy
    case relayout
    case unknown(KeyPress)
}

/// Keys to intents, as a plain value: the help overlay and the key bar are drawn from the same
/// table, so every key is listed, and tests need no terminal.
public struct KeyMap: Sendable {
    public struct Binding: Sendable {
        public var keys: [KeyPress]
        public var label: String
        public var intent: ScreenIntent
        /// One word for the key bar.
        public var summary: String
        /// One line for the help overlay.
        public var help: String
        public var onKeyBar: Bool
    }

    public var bindings: [Binding]

    public init(bindings: [Binding]) { self.bindings = bindings }

    public func intent(for key: KeyPress) -> ScreenIntent {
        if key == .resize { return .relayout }
        return bindings.first { $0.keys.contains(key) }?.intent ?? .unknown(key)
    }

    public static let standard = KeyMap(bindings: [
        Binding(keys: [.character("q")], label: "q", intent: .quit, summary: "quit",
                help: "quit the screen", onKeyBar: true),
        Binding(keys: [.character("c")], label: "c", intent: .closeSpread, summary: "close",
                help: "close the selected strategy's spread (both legs)", onKeyBar: true),
        Binding(keys: [.character("p")], label: "p", intent: .togglePause, summary: "pause",
                help: "pause or resume opening new spreads", onKeyBar: true),
        Binding(keys: [.character("K")], label: "K", intent: .killSwitch, summary: "kill",
                help: "kill switch: flatten everything and halt (press K twice)", onKeyBar: true),
        Binding(keys: [.tab, .down, .right], label: "tab", intent: .nextStrategy, summary: "next",
                help: "select the next strategy (also down, right)", onKeyBar: true),
        Binding(keys: [.backTab, .up, .left], label: "shift-tab", intent: .previousStrategy, summary: "prev",
                help: "select the previous strategy (also up, left)", onKeyBar: false),
        Binding(keys: [.character("?"), .character("h")], label: "?", intent: .toggleHelp, summary: "help",
                help: "show or hide this help", onKeyBar: true),
        Binding(keys: [.escape], label: "Esc", intent: .dismiss, summary: "back",
                help: "close help, cancel a pending confirmation", onKeyBar: false),
    ])
}
