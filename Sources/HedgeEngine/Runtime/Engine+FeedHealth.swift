import HedgeCore
import HedgeVenues

/// A live feed's connection health drives the strategies: a leg on a venue that is not live
/// (connecting, stale, resyncing, down) is not trusted, so no entry or adjustment is sent on it
/// and the state panel says why; what is open is still managed and can be closed. Each change is
/// said once in the event log. A venue whose orders cannot reach it yet (a live venue whose key or
/// clock is not checked, or refused) blocks its legs the same way, whatever its market data says.
extension TradingEngine {
    static var feedHealthInterval: Duration { .milliseconds(100) }

    func checkFeedHealth() {
        nextFeedHealthCheck = now + Self.feedHealthInterval
        var current = feed.feedHealth(at: now)
        for index in current.indices where current[index].state == .live || current[index].state == .stale {
            guard let orders = venues[current[index].venue]?.health(at: now), orders.state == .down || orders.state == .connecting else { continue }
            current[index].state = orders.state == .down ? .down : .connecting
            current[index].detail = "orders: " + (orders.detail ?? "not connected")
        }
        let before = Dictionary(feedHealth.map { ($0.venue, $0) }, uniquingKeysWith: { first, _ in first })
        let ageChanged = current.contains { $0.lastMessageAt != before[$0.venue]?.lastMessageAt }
        feedHealth = current
        var anyChange = false
        for health in current where before[health.venue]?.state != health.state || before[health.venue]?.detail != health.detail && health.state != .stale {
            anyChange = true
            // Retries of a venue that is down are the log file's: the event log says it is down,
            // once per reason, and when it is back.
            if health.state == .connecting, before[health.venue]?.state == .down { continue }
            if health.state == .down {
                if loggedDown[health.venue] == (health.detail ?? "") { continue }
                loggedDown[health.venue] = health.detail ?? ""
            } else if health.state == .live {
                loggedDown[health.venue] = nil
            }
            let severity: LogEntry.Severity = health.state == .live ? .notice : health.state == .connecting ? .info : .warning
            let message: String
            if health.state == .live {
                message = before[health.venue].map { _ in "venue \(health.venue) live: entries allowed again" } ?? "venue \(health.venue) live"
            } else {
                message = "venue \(health.venue) \(health.state.rawValue)" + (health.detail.map { ": \($0)" } ?? "") + "; no entry or adjustment on its legs"
            }
            append(LogEntry(time: now, severity: severity, strategy: nil, message: message))
        }
        if anyChange { applyFeedBlocks() }
        if anyChange || ageChanged { changed = true }
    }

    /// Sets each strategy leg's "not trusted" reason from its venue's feed health.
    func applyFeedBlocks() {
        let reasons = Dictionary(feedHealth.map { ($0.venue, $0.blockReason) }, uniquingKeysWith: { first, _ in first })
        for index in runners.indices {
            for leg in Leg.allCases {
                let venue = runners[index].machine.config.legs[leg].id.venue
                let reason = reasons[venue] ?? nil
                if runners[index].machine.dataUnavailable[leg] != reason {
                    runners[index].machine.setDataUnavailable(leg, reason)
                }
            }
        }
    }
}
