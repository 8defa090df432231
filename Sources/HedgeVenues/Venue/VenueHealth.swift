import HedgeCore

/// How a venue's connection stands, and how old its last message is: a live venue's data is only
/// as good as it is fresh.
public struct VenueHealth: Sendable, Hashable {
    /// The connection's state.
    public enum State: String, Sendable, Hashable, CaseIterable {
        /// Not connected yet, or reconnecting.
        case connecting
        /// Connected, messages arriving.
        case live
        /// Connected, but nothing heard for longer than the venue expects.
        case stale
        /// Not connected: orders cannot reach it.
        case down
    }

    public var state: State
    /// When the venue's last message (a quote, an answer) arrived; nil if none has yet.
    var lastMessageAt: Timestamp?
    /// Why it is not live, in words (a live venue's refused key, an unreachable host).
    public var detail: String?

    public init(state: State, lastMessageAt: Timestamp?, detail: String? = nil) {
        self.state = state
        self.lastMessageAt = lastMessageAt
        self.detail = detail
    }

    /// How long ago the last message arrived, at `now`; nil if none has yet.
    public func age(at now: Timestamp) -> Duration? {
        lastMessageAt.map { $0 < now ? now - $0 : .zero }
    }

    /// Whether orders can reach the venue.
    public var isConnected: Bool {
        switch state {
        case .live, .stale: true
        case .connecting, .down: false
        }
    }
}
