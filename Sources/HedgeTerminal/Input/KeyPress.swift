/// A key as the screen understands it, decoded from ncurses by the backend.
public enum KeyPress: Sendable, Hashable {
    case character(Character)
    case up, down, left, right
    case tab, backTab, enter, escape
    /// Page Up, Page Down, Home, End: the event log's scrolling.
    case pageUp, pageDown, home, end
    /// The terminal changed size (ncurses' KEY_RESIZE).
    case resize
    /// A function key or sequence the screen has no name for (its ncurses code).
    case other(Int32)

    /// How the key is written in help and messages.
    public var label: String {
        switch self {
        case .character(" "): "space"
        case .character(let character): String(character)
        case .up: "up"
        case .down: "down"
        case .left: "left"
        case .right: "right"
        case .tab: "tab"
        case .backTab: "shift-tab"
        case .enter: "enter"
        case .escape: "Esc"
        case .pageUp: "PgUp"
        case .pageDown: "PgDn"
        case .home: "Home"
        case .end: "End"
        case .resize: "resize"
        case .other(let code): "key \(code)"
        }
    }
}
