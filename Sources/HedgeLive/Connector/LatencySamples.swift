/// Venue event time → receipt, over the most recent messages: the p50/p99 the header shows.
/// Fixed capacity, so a long run keeps the newest samples, never more.
public struct LatencySamples: Sendable, Hashable {
    public let capacity: Int
    /// Event time → receipt beyond this (60 s) is another clock, not latency.
    public static let plausibleMillis = 60_000.0
    private var samples: [Double] = []
    private var next = 0

    public init(capacity: Int = 1024) {
        self.capacity = max(1, capacity)
    }

    public mutating func add(milliseconds: Double) {
        if samples.count < capacity { samples.append(milliseconds) } else {
            samples[next] = milliseconds
            next = (next + 1) % capacity
        }
    }

    public var count: Int { samples.count }

    /// The `p`th percentile (nearest rank), nil when empty.
    public func percentile(_ p: Double) -> Double? {
        guard !samples.isEmpty else { return nil }
        let sorted = samples.sorted()
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }
}
