import HedgeCore
import HedgeVenues

extension LatencyWindow {
    /// Venue event time → receipt beyond this (60 s) is another clock (a replayed recording's
    /// venue times, a venue clock far off), not latency: not sampled.
    static let plausibleMillis = 60_000.0

    /// The window a connector keeps of its venue's event time → receipt: the header's p50/p99.
    static var venueLatency: LatencyWindow { LatencyWindow(capacity: 1024) }

    /// Samples a message's venue event time → receipt; beyond a minute either way it is not
    /// latency but another clock (a replayed recording's venue times, a venue clock far off).
    mutating func addVenueLatency(from eventTime: Timestamp, to receivedAt: Timestamp) {
        let millis = Double((receivedAt - eventTime).nanosecondsClamped) / 1e6
        if millis >= 0 && millis <= Self.plausibleMillis { add(milliseconds: millis) }
    }
}
