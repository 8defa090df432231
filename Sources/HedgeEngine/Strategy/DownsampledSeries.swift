import HedgeCore

/// A chart series that never grows past `capacity`: points are kept at most one per
/// `interval`, and when the series is full every other point is dropped and the interval
/// doubles. A day of replay and a minute of paper trading both fit the same memory.
struct DownsampledSeries: Sendable {
    public let capacity: Int
    public private(set) var interval: Duration {
        didSet { intervalNanoseconds = interval.nanosecondsClamped }
    }
    public internal(set) var points: [SeriesPoint] = []
    /// `interval` in nanoseconds: compared per sample without `Duration` (128-bit) arithmetic.
    private var intervalNanoseconds: Int64

    public init(capacity: Int = 720, interval: Duration = .milliseconds(250)) {
        precondition(capacity >= 4, "capacity must be at least 4")
        self.capacity = capacity
        self.interval = interval
        self.intervalNanoseconds = interval.nanosecondsClamped
        points.reserveCapacity(capacity)
    }

    /// Whether a value recorded at `time` would start a new point rather than replace the last one.
    func startsNewPoint(at time: Timestamp) -> Bool {
        guard let last = points.last else { return true }
        return time.nanoseconds &- last.time.nanoseconds >= intervalNanoseconds
    }

    /// Records `value` at `time`; within the current interval the newest value replaces the last.
    public mutating func record(_ value: Double, at time: Timestamp) {
        guard value.isFinite else { return }
        if let last = points.last, time.nanoseconds &- last.time.nanoseconds < intervalNanoseconds {
            // Unchanged (the lines beside the spread move once a sample interval): no write, so
            // no uniqueness check of the points a snapshot may share.
            if last.value != value { points[points.count - 1].value = value }
            return
        }
        if points.count == capacity {
            points = stride(from: 0, to: points.count, by: 2).map { points[$0] }
            interval = interval * 2
        }
        points.append(SeriesPoint(time: time, value: value))
    }
}
