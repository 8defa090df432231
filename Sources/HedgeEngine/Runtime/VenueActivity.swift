import HedgeCore
import HedgeVenues

/// What the engine saw of each venue's order traffic, for the snapshot's venue status: orders
/// sent and rejected, and recent order round trips.
struct VenueActivity {
    private var latencies: [String: LatencyWindow] = [:]
    private var orders: [String: (sent: Int, rejected: Int)] = [:]

    mutating func orderSent(venue: String) {
        orders[venue, default: (0, 0)].sent += 1
    }

    mutating func orderRejected(venue: String) {
        orders[venue, default: (0, 0)].rejected += 1
    }

    mutating func roundTrip(_ duration: Duration, venue: String) {
        latencies[venue, default: LatencyWindow()].add(duration)
    }

    /// The venue's status line.
    func status(of venue: String, connected: Bool) -> VenueStatus {
        VenueStatus(name: venue, connected: connected,
                    latencyMillis: latencies[venue]?.percentile(50), latencyP99Millis: latencies[venue]?.percentile(99),
                    ordersSent: orders[venue]?.sent ?? 0, ordersRejected: orders[venue]?.rejected ?? 0)
    }
}
