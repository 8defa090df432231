/// Spread arithmetic between leg A and leg B. The spread is always A − B.
public enum SpreadMath {
    /// A − B in price units; exact.
    @inlinable
    public static func spread(_ a: FixedDecimal, _ b: FixedDecimal) throws(DecimalError) -> FixedDecimal {
        try a - b
    }

    /// (A − B) / B × 10 000, exact to eight places (not truncated to whole bps).
    @inlinable
    public static func bps(_ a: FixedDecimal, _ b: FixedDecimal) throws(DecimalError) -> FixedDecimal {
        let difference = try a - b
        return try FixedDecimal.mulDiv(difference, FixedDecimal(units: 10_000 * FixedDecimal.one), b)
    }

    /// Annualised basis as a fraction: (F − S) / S × 365 / days to expiry.
    /// Nil when the expiry is not in the future.
    public static func annualisedBasis(future: FixedDecimal, spot: FixedDecimal, now: Timestamp, expiry: Timestamp) -> Double? {
        let seconds = (expiry - now).secondsDouble
        guard seconds > 0, spot.isPositive else { return nil }
        let days = seconds / 86_400
        return (future.doubleValue - spot.doubleValue) / spot.doubleValue * 365 / days
    }
}

/// Rolling mean and standard deviation over the last `capacity` samples, in `Double`.
///
/// Statistics may be approximate; money never is. Storage is a fixed ring allocated once, so
/// adding a sample never allocates.
public struct RollingStatistics: Sendable {
    public let capacity: Int
    private var ring: [Double]
    private var next = 0
    public private(set) var count = 0
    private var sum = 0.0
    private var sumOfSquares = 0.0
    private var addsSinceRecompute = 0

    public init(capacity: Int) {
        precondition(capacity > 0, "capacity must be positive")
        self.capacity = capacity
        self.ring = Array(repeating: 0, count: capacity)
    }

    public mutating func add(_ value: Double) {
        guard value.isFinite else { return }
        if count == capacity {
            let old = ring[next]
            sum -= old
            sumOfSquares -= old * old
        } else {
            count += 1
        }
        ring[next] = value
        sum += value
        sumOfSquares += value * value
        next = next + 1 == capacity ? 0 : next + 1
        addsSinceRecompute += 1
        // Running sums drift after many removals; recompute exactly now and then.
        if addsSinceRecompute >= capacity * 16 { recompute() }
    }

    public var mean: Double? { count == 0 ? nil : sum / Double(count) }

    /// Population standard deviation; nil with fewer than two samples.
    var standardDeviation: Double? {
        guard count >= 2 else { return nil }
        let m = sum / Double(count)
        return (Swift.max(0, sumOfSquares / Double(count) - m * m)).squareRoot()
    }

    /// (value − mean) / σ; nil until there are two samples and σ > 0.
    public func zScore(_ value: Double) -> Double? {
        guard let m = mean, let sd = standardDeviation, sd > 1e-12 else { return nil }
        return (value - m) / sd
    }

    /// The samples oldest first.
    public var samples: [Double] {
        if count < capacity { return Array(ring[0..<count]) }
        return Array(ring[next...] + ring[..<next])
    }

    private mutating func recompute() {
        sum = 0
        sumOfSquares = 0
        for value in samples {
            sum += value
            sumOfSquares += value * value
        }
        addsSinceRecompute = 0
    }
}
