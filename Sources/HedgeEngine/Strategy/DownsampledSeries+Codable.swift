import HedgeCore

/// A series as the chart history file keeps it between runs: its capacity, its interval and its
/// points, as one array of times (ns) and one of values (no keys repeated a point, for a file
/// rewritten every few seconds). Decoding refuses what this type would never hold (more points
/// than the capacity, times out of order, an interval not positive), so a damaged file cannot
/// make a series that grows without bound or draws backwards.
extension DownsampledSeries: Codable {
    private enum CodingKeys: String, CodingKey { case capacity, intervalNanoseconds, times, values }

    struct Invalid: Error, CustomStringConvertible { var description: String }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(capacity, forKey: .capacity)
        try c.encode(interval.nanosecondsClamped, forKey: .intervalNanoseconds)
        try c.encode(points.map(\.time.nanoseconds), forKey: .times)
        try c.encode(points.map(\.value), forKey: .values)
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let capacity = try c.decode(Int.self, forKey: .capacity)
        let interval = try c.decode(Int64.self, forKey: .intervalNanoseconds)
        let times = try c.decode([Int64].self, forKey: .times)
        let values = try c.decode([Double].self, forKey: .values)
        guard times.count == values.count else { throw Invalid(description: "\(times.count) times for \(values.count) values") }
        let points = zip(times, values).map { SeriesPoint(time: Timestamp(nanoseconds: $0), value: $1) }
        guard capacity >= 4, capacity <= 1 << 20 else { throw Invalid(description: "capacity \(capacity) out of range") }
        guard interval > 0 else { throw Invalid(description: "interval \(interval) ns not positive") }
        guard points.count <= capacity else { throw Invalid(description: "\(points.count) points beyond the capacity \(capacity)") }
        guard zip(points, points.dropFirst()).allSatisfy({ $0.time < $1.time }), points.allSatisfy({ $0.value.isFinite }) else {
            throw Invalid(description: "points out of time order or not finite")
        }
        self.init(capacity: capacity, interval: .nanoseconds(interval))
        self.points = points
    }
}

/// The two edges are saved as they are kept: in step, or refused.
extension BandSeries: Codable {
    private enum CodingKeys: String, CodingKey { case upper, lower }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(upper, forKey: .upper)
        try c.encode(lower, forKey: .lower)
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let upper = try c.decode(DownsampledSeries.self, forKey: .upper)
        let lower = try c.decode(DownsampledSeries.self, forKey: .lower)
        guard upper.points.map(\.time) == lower.points.map(\.time) else {
            throw DownsampledSeries.Invalid(description: "band edges out of step")
        }
        self.init(upper: upper, lower: lower)
    }
}
