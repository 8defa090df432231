/// How a venue stands for a trader, in one word: what the header colours and what an alert names.
/// Stale counts the legs too: a connected venue whose quotes stopped reaching a strategy is as
/// useless for hedging as a silent one.
public enum VenueCondition: String, Sendable, Hashable, Codable, CaseIterable {
    /// Connected and its market data fresh.
    case live
    /// Not connected yet, or reconnecting.
    case connecting
    /// Connected, but a book lost its sequence: waiting for a new snapshot before it is trusted.
    case resyncing
    /// Connected, but its market data (or a leg's) is older than its limit.
    case stale
    /// Not connected: orders cannot reach it.
    case down
}
