import HedgeCore
import HedgeVenues

/// A named use of colour. Widgets ask for a role; only the theme knows the colour.
public enum ThemeRole: String, Sendable, Hashable, CaseIterable {
    case background, text, muted, accent, profit, loss, warning, danger
    case spreadLine, thresholdLine, meanLine, zeroLine, selected, border, title
    case stateScanning, stateOpening, stateMonitoring, stateClosing, stateUnwinding, stateError
    /// A live venue's connection health in the header (LIVE-PAPER).
    case feedConnecting, feedLive, feedStale, feedResyncing, feedDown

    /// What a role added after themes were first written borrows when a theme file leaves it
    /// out, so an older theme file still loads; nil: every theme must give the role.
    var fallback: ThemeRole? {
        switch self {
        case .feedConnecting: .muted
        case .feedLive: .profit
        case .feedStale: .warning
        case .feedResyncing: .warning
        case .feedDown: .danger
        default: nil
        }
    }

    /// The role a feed's state is drawn in.
    static func forFeed(_ state: FeedHealth.State) -> ThemeRole {
        switch state {
        case .connecting: .feedConnecting
        case .live: .feedLive
        case .stale: .feedStale
        case .resyncing: .feedResyncing
        case .down: .feedDown
        }
    }

    /// The role a state is drawn in: states are grouped by what the trader must watch for.
    static func forState(_ state: StrategyStateName) -> ThemeRole {
        switch state {
        case .scanning, .spreadDetected, .validating, .completed: .stateScanning
        case .openingLong, .openingShort: .stateOpening
        case .monitoring, .adjusting: .stateMonitoring
        case .closing: .stateClosing
        case .unwinding: .stateUnwinding
        case .error: .stateError
        }
    }

    /// The key in a theme file: `spreadLine` → `spread_line`.
    var fileKey: String {
        var key = ""
        for character in rawValue {
            if character.isUppercase { key += "_" + character.lowercased() } else { key.append(character) }
        }
        return key
    }
}
