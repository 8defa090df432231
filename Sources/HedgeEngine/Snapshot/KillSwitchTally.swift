import HedgeCore

/// How often the kill switch (for every strategy, or one) was fired since the engine started, and
/// when last: a counter for monitoring, so an alert sees a kill even after the strategy resumed.
public struct KillSwitchTally: Sendable, Hashable, Codable {
    public var fired: Int
    /// The engine's clock at the last kill; nil before the first.
    public var lastFiredAt: Timestamp?

    public init(fired: Int = 0, lastFiredAt: Timestamp? = nil) {
        self.fired = fired
        self.lastFiredAt = lastFiredAt
    }
}
