import HedgeCore

/// Finds the alert events in a stream of snapshots: each condition (a leg unhedged past
/// `unhedgedAfter`, ERROR, HALTED, a venue stale, down or connecting) is reported once when it
/// begins, and again only after it ended and began anew; the kill switch once per firing. A
/// value in, events out: the serve hook and the screen's bell share it.
public struct AlertDetector: Sendable {
    /// How long legs may stay apart before it is an alert: an opening's second leg fills within
    /// a second or two, so a shorter wait would alert on every trade.
    public var unhedgedAfter: Duration
    /// The conditions true at the last snapshot, by event key.
    private var active: Set<String> = []
    /// Kill switches fired as of the last snapshot; nil before the first snapshot.
    private var killsSeen: Int?

    public static let defaultUnhedgedAfter: Duration = .seconds(10)

    public init(unhedgedAfter: Duration = defaultUnhedgedAfter) {
        self.unhedgedAfter = unhedgedAfter
    }

    /// The events that begin with `snapshot`.
    public mutating func observe(_ snapshot: EngineSnapshot) -> [AlertEvent] {
        let now = snapshot.time
        var conditions: [AlertEvent] = []
        for strategy in snapshot.strategies {
            if let since = strategy.unhedgedSince, now - since >= unhedgedAfter {
                conditions.append(AlertEvent(kind: .unhedged, strategy: strategy.name, severity: .page,
                                             summary: "\(strategy.name): legs unhedged for \((now - since).compact)", engineTime: now))
            }
            if strategy.state == .error {
                if strategy.haltedByKillSwitch {
                    conditions.append(AlertEvent(kind: .halted, strategy: strategy.name, severity: .warn,
                                                 summary: "\(strategy.name) is HALTED by the kill switch", engineTime: now))
                } else {
                    let reason = strategy.haltReason.map { ": \($0)" } ?? ""
                    conditions.append(AlertEvent(kind: .error, strategy: strategy.name, severity: .page,
                                                 summary: "\(strategy.name) is in ERROR\(reason)", engineTime: now))
                }
            }
        }
        for venue in snapshot.venues {
            guard let condition = venue.condition, condition != .live else { continue }
            // Stale names the stalest leg's data age (the venue itself may still talk); down and
            // connecting the venue's own silence.
            let silence = condition == .stale
                ? venue.staleFor.map { ": a leg's market data is \($0.compact) old" } ?? ""
                : venue.lastMessageAge.map { ", last message \($0.compact) ago" } ?? ""
            conditions.append(AlertEvent(kind: .venue, venue: venue.name, venueCondition: condition, severity: .page,
                                         summary: "venue \(venue.name) is \(condition.rawValue)\(silence)", engineTime: now))
        }
        var events = conditions.filter { !active.contains($0.key) }
        active = Set(conditions.map(\.key))
        let fired = snapshot.killSwitch?.fired ?? 0
        if let seen = killsSeen, fired > seen {
            events.append(AlertEvent(kind: .killSwitch, severity: .page,
                                     summary: fired - seen == 1 ? "the kill switch was fired" : "the kill switch was fired \(fired - seen) times",
                                     engineTime: snapshot.killSwitch?.lastFiredAt ?? now))
        }
        killsSeen = fired
        return events
    }
}
