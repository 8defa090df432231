import HedgeCore

/// A threshold band as the rule drew it at one time (bps, already around that time's fair
/// value), so the chart shows each past entry against the band it crossed, not today's.
public struct BandPoint: Sendable, Hashable {
    public var time: Timestamp
    public var upper: Double
    public var lower: Double

    public init(time: Timestamp, upper: Double, lower: Double) {
        self.time = time
        self.upper = upper
        self.lower = lower
    }
}

/// Travels as `[nanoseconds, upper, lower]`: two band series of 720 points each are a third of a
/// snapshot's series, and an array keeps them about half the size of `{"time": ..., ...}` objects.
extension BandPoint: Codable {
    public init(from decoder: any Decoder) throws {
        var c = try decoder.unkeyedContainer()
        time = Timestamp(nanoseconds: try c.decode(Int64.self))
        upper = try c.decode(Double.self)
        lower = try c.decode(Double.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.unkeyedContainer()
        try c.encode(time.nanoseconds)
        try c.encode(upper)
        try c.encode(lower)
    }
}
