import HedgeCore

/// How a live market-data connection to one venue stands: what the header shows per venue, and
/// what blocks entries and adjustments on that venue's legs. A replay or a synthetic feed has none.
public struct FeedHealth: Sendable, Hashable, Codable {
    /// The connection's state, worst last.
    public enum State: String, Sendable, Hashable, Codable, CaseIterable {
        /// Opening the connection (first start, or after a drop): no data yet.
        case connecting
        /// Connected, books in sequence, messages arriving within the heartbeat limit.
        case live
        /// Connected, but no message within the heartbeat limit.
        case stale
        /// A book lost its sequence: waiting for a new snapshot before it is trusted again.
        case resyncing
        /// Not connected (refused, blocked, failed); a reconnect may be scheduled.
        case down
    }

    /// The venue's name ("binance-usdm").
    public var venue: String
    public var state: State
    /// When the last message arrived (receipt time); nil before any.
    public var lastMessageAt: Timestamp?
    /// Venue event time → receipt, over recent messages, in milliseconds.
    public var latencyP50Millis: Double?
    public var latencyP99Millis: Double?
    /// Why the venue is not live, in words a trader can act on ("HTTP 451: region blocked...").
    public var detail: String?

    public init(venue: String, state: State, lastMessageAt: Timestamp? = nil, latencyP50Millis: Double? = nil,
                latencyP99Millis: Double? = nil, detail: String? = nil) {
        self.venue = venue
        self.state = state
        self.lastMessageAt = lastMessageAt
        self.latencyP50Millis = latencyP50Millis
        self.latencyP99Millis = latencyP99Millis
        self.detail = detail
    }

    /// How long ago the last message arrived, at `now`.
    public func age(at now: Timestamp) -> Duration? {
        lastMessageAt.map { $0 < now ? now - $0 : .zero }
    }

    /// Whether a strategy may open or adjust on this venue's legs.
    public var allowsEntries: Bool { state == .live }

    /// Why entries and adjustments are blocked on this venue, nil when they are not.
    public var blockReason: String? {
        guard state != .live else { return nil }
        return "\(venue) \(state.rawValue)" + (detail.map { ": \($0)" } ?? "")
    }
}
