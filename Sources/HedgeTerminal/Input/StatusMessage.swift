import HedgeCore
import HedgeEngine

/// A line for the status bar, and when it stops mattering.
public struct StatusMessage: Sendable, Hashable {
    public var text: String
    var role: ThemeRole
    /// Screen uptime after which it disappears; nil stays until replaced.
    public var expires: Duration?
    /// The strategies it speaks of, as they were when it was written: an answer about a state
    /// stops being true when that state changes, and is replaced then (`ScreenInput.snapshotArrived`).
    var about: [StrategyStamp] = []
    /// The answer in two words ("close accepted"), kept in front of what replaces it so the
    /// trader still sees that the command was answered.
    var gist: String?

    public init(text: String, role: ThemeRole, expires: Duration?) {
        self.text = text
        self.role = role
        self.expires = expires
    }
}

/// What a status message assumed about one strategy: its state, pause and halt.
struct StrategyStamp: Sendable, Hashable {
    var name: String
    var state: StrategyStateName
    var paused: Bool
    var halted: Bool

    init(_ strategy: StrategySnapshot) {
        name = strategy.name
        state = strategy.state
        paused = strategy.paused
        halted = strategy.haltedByKillSwitch
    }
}
