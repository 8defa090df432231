import HedgeCore

/// The most recent latencies (order round trips; a venue's event time to receipt), for the live
/// percentiles the header shows. Fixed capacity: a long run keeps the newest `capacity` figures,
/// never more.
public struct LatencyWindow: Sendable, Hashable {
    public let capacity: Int
    private var samples: [Double] = []
    private var next = 0

    public init(capacity: Int = 256) {
        precondition(capacity > 0, "capacity must be positive")
        self.capacity = capacity
        samples.reserveCapacity(min(capacity, 4096))
    }

    public mutating func add(_ duration: Duration) {
        add(milliseconds: duration.secondsDouble * 1000)
    }

    public mutating func add(milliseconds millis: Double) {
        if samples.count < capacity {
            samples.append(millis)
        } else {
            samples[next] = millis
            next = (next + 1) % capacity
        }
    }

    public var count: Int { samples.count }

    /// The `p`th percentile (nearest rank) in milliseconds, nil when empty.
    public func percentile(_ p: Double) -> Double? {
        guard !samples.isEmpty else { return nil }
        let sorted = samples.sorted()
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }
}
