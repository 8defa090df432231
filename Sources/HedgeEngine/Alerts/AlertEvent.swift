import HedgeCore

/// One thing a trader away from the screen must hear about, as hedgetop itself detects it from
/// its snapshots: the same events the shipped Prometheus rules alert on.
public struct AlertEvent: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// A strategy's legs no longer cancel, for longer than an opening takes.
        case unhedged
        /// A strategy halted on a fault.
        case error
        /// A strategy halted by the kill switch.
        case halted
        /// The kill switch was fired.
        case killSwitch = "kill_switch"
        /// A venue went stale, down or is resyncing.
        case venue
    }

    public enum Severity: String, Sendable, Hashable, Codable {
        /// Wake someone: money is at risk now.
        case page
        /// Look when you can.
        case warn
    }

    public var kind: Kind
    public var strategy: String?
    public var venue: String?
    /// For a venue event: stale, down or connecting.
    public var venueCondition: VenueCondition?
    public var severity: Severity
    /// What a trader reads: "btc-calendar: legs unhedged for 12s".
    public var summary: String
    /// The engine's clock at the snapshot that showed it (data time in a replay).
    public var engineTime: Timestamp

    public init(kind: Kind, strategy: String? = nil, venue: String? = nil, venueCondition: VenueCondition? = nil,
                severity: Severity, summary: String, engineTime: Timestamp) {
        self.venueCondition = venueCondition
        self.kind = kind
        self.strategy = strategy
        self.venue = venue
        self.severity = severity
        self.summary = summary
        self.engineTime = engineTime
    }

    /// Which event this is, for "at most once per interval": the kind and what it concerns
    /// (a venue's condition included, so stale then down are two events).
    public var key: String {
        [kind.rawValue, strategy ?? "", venue ?? "", venueCondition?.rawValue ?? ""].joined(separator: "/")
    }
}
