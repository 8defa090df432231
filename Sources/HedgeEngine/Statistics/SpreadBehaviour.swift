#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import HedgeCore
import HedgeVenues

/// How a spread moves, in the three figures a synthetic market is tuned to and checked against
/// the recordings: how fast it wanders, how fast it comes back, how often it jumps.
///
/// Measured on the spread (leg A's mid over leg B's, in bps of B's) sampled at a fixed interval
/// in data time, each leg at its last quote at or before the sample. Statistics, so `Double`.
public struct SpreadBehaviour: Sendable, Hashable {
    /// Samples taken, and the data time they cover, in seconds.
    public var samples: Int
    public var seconds: Double
    /// σ of the change from one sample to the next, scaled to one second: bps per √s.
    public var volatility: Double
    /// σ of the spread's level around its mean over the whole stretch, in bps.
    public var levelSigma: Double
    /// Half-life of a deviation, in seconds, from an AR(1) fit of each sample on the one before
    /// (x[t+1] − m = b (x[t] − m) + e, half-life = −ln 2 / ln b × interval); infinite when b ≥ 1,
    /// zero when b ≤ 0 (gone within one interval).
    public var halfLife: Double
    /// Changes from one sample to the next beyond `jumpSigmas` × their σ, per hour of data.
    public var jumpsPerHour: Double

    /// How many σ of the sample-to-sample changes a change must exceed to count as a jump.
    public static let jumpSigmas = 4.0

    /// The figures of `spread` (bps) sampled every `interval` seconds; nil below 10 samples.
    public init?(spread: [Double], interval: Double) {
        guard spread.count >= 10, interval > 0 else { return nil }
        let changes = zip(spread.dropFirst(), spread).map { $0 - $1 }
        let changeSigma = Self.sigma(changes)
        let mean = spread.reduce(0, +) / Double(spread.count)
        // AR(1) slope by least squares on the centred series.
        var numerator = 0.0, denominator = 0.0
        for (next, previous) in zip(spread.dropFirst(), spread) {
            numerator += (next - mean) * (previous - mean)
            denominator += (previous - mean) * (previous - mean)
        }
        let slope = denominator > 0 ? numerator / denominator : 1
        samples = spread.count
        seconds = Double(changes.count) * interval
        volatility = changeSigma / interval.squareRoot()
        levelSigma = Self.sigma(spread)
        halfLife = slope >= 1 ? .infinity : slope <= 0 ? 0 : -log(2) / log(slope) * interval
        let jumps = changeSigma > 0 ? changes.filter { abs($0) > Self.jumpSigmas * changeSigma }.count : 0
        jumpsPerHour = Double(jumps) / (seconds / 3600)
    }

    /// Sample standard deviation (n − 1).
    static func sigma(_ values: [Double]) -> Double {
        guard values.count > 1 else { return 0 }
        let mean = values.reduce(0, +) / Double(values.count)
        return (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)).squareRoot()
    }

    /// The spread of `legs` in `feed`, sampled every `interval` on the grid of whole intervals
    /// (so a recording thinned to its last quote per interval samples the same), from the first
    /// grid time both legs have a quote, for at most `duration` of data time (nil: to the end).
    public static func sampleSpread(_ feed: inout some MarketFeed, legs: PerLeg<InstrumentID>, interval: Duration,
                                    duration: Duration? = nil) -> [Double] {
        var mids = PerLeg<Double?>(a: nil, b: nil)
        var spread: [Double] = []
        var nextSample: Timestamp?
        var end: Timestamp?
        while let event = feed.next() {
            guard case .quote(let id, let quote) = event else { continue }
            // Every sample due before this quote sees the mids as they were.
            while let due = nextSample, quote.time > due {
                if let end, due > end { return spread }
                if let a = mids.a, let b = mids.b { spread.append((a - b) / b * 10_000) }
                nextSample = due + interval
            }
            let mid = quote.mid.doubleValue
            guard mid > 0 else { continue }
            if id == legs.a { mids.a = mid } else if id == legs.b { mids.b = mid } else { continue }
            if nextSample == nil, mids.a != nil, mids.b != nil {
                let step = max(interval.nanosecondsClamped, 1)
                let first = Timestamp(nanoseconds: (quote.time.nanoseconds / step + 1) * step)
                nextSample = first
                end = duration.map { first + $0 }
            }
        }
        return spread
    }
}
