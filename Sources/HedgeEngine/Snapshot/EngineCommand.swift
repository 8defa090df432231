import HedgeCore

/// What the screen asks the engine to do. Commands are ordered, never dropped, and each gets
/// exactly one `CommandAcknowledgement`.
public struct EngineCommand: Sendable, Hashable, Codable {
    public var id: UInt64
    /// The strategy it targets by name; nil targets every strategy (the kill switch).
    public var strategy: String?
    public var action: StrategyCommand

    public init(id: UInt64, strategy: String?, action: StrategyCommand) {
        self.id = id
        self.strategy = strategy
        self.action = action
    }
}
