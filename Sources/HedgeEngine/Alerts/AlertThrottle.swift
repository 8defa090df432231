import HedgeCore

/// At most one notification per event per interval: a condition that flaps (a venue stale, live,
/// stale again) pages once, not at every edge.
public struct AlertThrottle: Sendable {
    public var interval: Duration
    /// When each event key was last let through.
    private var lastSent: [String: Timestamp] = [:]

    public static let defaultInterval: Duration = .seconds(300)

    public init(interval: Duration = defaultInterval) {
        self.interval = interval
    }

    /// Whether `event` may be sent at `now`; if so, it counts as sent then.
    public mutating func admit(_ event: AlertEvent, at now: Timestamp) -> Bool {
        if let last = lastSent[event.key], now - last < interval { return false }
        lastSent[event.key] = now
        return true
    }
}
