import HedgeCore
import HedgeVenues

/// Venue outages in the event log: a venue that goes down (or comes back) says so at that data
/// time, not only when an order is lost to it.
extension TradingEngine {
    /// Says whether any venue is already down at the start, and schedules each venue's next change.
    func watchVenueHealth() {
        for index in 0..<venues.count {
            if venues[index: index].health(at: now).state == .down { logVenueHealth(venue: index) }
            scheduleHealthChange(venue: index)
        }
    }

    /// The venue's connection changed: says how it stands now, and waits for the next change.
    func venueHealthChanged(venue index: Int) {
        logVenueHealth(venue: index)
        changed = true
        scheduleHealthChange(venue: index)
    }

    private func scheduleHealthChange(venue index: Int) {
        guard let next = venues[index: index].nextHealthChange(after: now) else { return }
        queue.schedule(.venueHealthChange(venue: index), at: next)
    }

    private func logVenueHealth(venue index: Int) {
        let name = venues[index: index].name
        let state = venues[index: index].health(at: now).state
        let message = switch state {
        case .down: "venue \(name) down: orders and cancels sent to it are lost until it is back"
        case .live: "venue \(name) back up: orders reach it again"
        case .stale: "venue \(name) connected, but silent"
        case .connecting: "venue \(name) connecting"
        }
        append(LogEntry(time: now, severity: state == .down ? .warning : .notice, strategy: nil, message: message))
    }
}
