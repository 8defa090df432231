import Foundation
import HedgeCore

/// The JSON an alert command reads on its standard input, one object:
/// `{"engine_time":"2026-…Z","event":"unhedged","severity":"page","strategy":"btc-calendar",
///   "summary":"btc-calendar: legs unhedged for 12s","wall_time":"2026-…Z"}`; `strategy`, `venue`
/// and `condition` are left out when the event does not concern one.
public struct AlertMessage: Sendable, Hashable, Codable {
    public var event: AlertEvent.Kind
    public var strategy: String?
    public var venue: String?
    /// For a venue event: stale, down or connecting.
    public var condition: VenueCondition?
    public var severity: AlertEvent.Severity
    public var summary: String
    /// ISO 8601, UTC: the engine's clock (data time in a replay).
    public var engineTime: String
    /// ISO 8601, UTC: when hedgetop sent it.
    public var wallTime: String

    enum CodingKeys: String, CodingKey {
        case event, strategy, venue, condition, severity, summary
        case engineTime = "engine_time", wallTime = "wall_time"
    }

    public init(_ event: AlertEvent, sentAt wall: Timestamp) {
        self.event = event.kind
        strategy = event.strategy
        venue = event.venue
        condition = event.venueCondition
        severity = event.severity
        summary = event.summary
        engineTime = event.engineTime.description
        wallTime = wall.description
    }

    /// The bytes written to the command, with a final newline (a shell's `read` wants one).
    public var json: [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding strings, enums and optionals cannot fail.
        return Array((try? encoder.encode(self)) ?? Data("{}".utf8)) + [0x0A]
    }
}
