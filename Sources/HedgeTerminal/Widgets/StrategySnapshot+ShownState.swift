import HedgeCore
import HedgeEngine

/// The state as the screen names it. A kill-switch halt is the trader's own stop, not a fault:
/// it reads HALTED (the engine's ERROR underneath), in the warning colour.
extension StrategySnapshot {
    static let haltedName = "HALTED"

    var shownState: String { haltedByKillSwitch ? Self.haltedName : state.rawValue }

    var shownStateRole: ThemeRole { haltedByKillSwitch ? .warning : ThemeRole.forState(state) }

    /// Paused and not halted: a halt already opens nothing, so "paused" would say it twice.
    var shownPaused: Bool { paused && !haltedByKillSwitch }

    /// The name a transition's target is shown by: the transition into the current halt reads
    /// HALTED (it is the one at `stateSince`).
    func shownName(of transition: Transition) -> String {
        haltedByKillSwitch && transition.to == .error && transition.time == stateSince ? Self.haltedName : transition.to.rawValue
    }

    func shownRole(of transition: Transition) -> ThemeRole {
        shownName(of: transition) == Self.haltedName ? .warning : ThemeRole.forState(transition.to)
    }
}
