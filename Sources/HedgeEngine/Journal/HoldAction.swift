import HedgeCore

/// A command that sets or lifts the trader's hold on a strategy, as the journal's
/// `commands.action` column spells it. Recovery reads the latest one back; the raw values are the
/// column's words, so journals written before this type existed read the same.
enum HoldAction: String, Sendable, Hashable, CaseIterable {
    case pause
    case resume
    case kill

    /// The hold it leaves on the strategy: a resume lifts any.
    public var hold: OperatorHold? {
        switch self {
        case .pause: .paused
        case .resume: nil
        case .kill: .killed
        }
    }
}
