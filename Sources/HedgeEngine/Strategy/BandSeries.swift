import HedgeCore

/// A threshold band over time, downsampled like the spread beside it: its two edges are kept in
/// step (recorded together, so they drop the same points), to a hundredth of a bp (a picture:
/// shorter on the wire than 17 digits, and far finer than a dot of the chart).
struct BandSeries: Sendable {
    private(set) var upper = DownsampledSeries()
    private(set) var lower = DownsampledSeries()

    init() {}

    /// Edges kept in step (restored from the chart history file).
    init(upper: DownsampledSeries, lower: DownsampledSeries) {
        self.upper = upper
        self.lower = lower
    }

    mutating func record(_ band: (upper: Double, lower: Double), at time: Timestamp) {
        guard band.upper.isFinite, band.lower.isFinite else { return }
        upper.record(Self.hundredths(band.upper), at: time)
        lower.record(Self.hundredths(band.lower), at: time)
    }

    var points: [BandPoint] {
        zip(upper.points, lower.points).map { BandPoint(time: $0.time, upper: $0.value, lower: $1.value) }
    }

    static func hundredths(_ value: Double) -> Double { (value * 100).rounded() / 100 }
}
