import HedgeCore

/// What the screen asks the engine to do. Commands are ordered, never dropped, and each gets
/// exactly one `CommandAcknowledgement`.
public struct EngineCommand: Sendable, Hashable, Codable {
    public var id: UInt64
    /// The strategy it targets by name; nil targets every strategy (the kill switch).
    public var strategy: String?
    public var action: Action

    public enum Action: Sendable, Hashable, Codable {
        /// Close the open spread (both legs).
        case close
        /// Restore the hedge ratio between the legs.
        case rebalance
        /// Grow (+) or shrink (−) the open spread by this many percent.
        case resize(percent: Int)
        /// New entry and/or exit thresholds.
        case setThresholds(entry: Threshold?, exit: Threshold?)
        /// Stop opening new spreads; open ones are still managed.
        case pause
        case resume
        /// Flatten everything, then halt.
        case kill
    }

    public init(id: UInt64, strategy: String?, action: Action) {
        self.id = id
        self.strategy = strategy
        self.action = action
    }
}
