/// What a strategy's chart draws beside the spread: the rolling mean a z rule measures from, and
/// the entry and exit bands as the rules judge them now. They change only with the statistics
/// (one sample an interval) or the rules (a command), so the machine keeps them stored and the
/// engine reads them after every quote as fields: a method call on the machine from another
/// module copied the whole machine (2 KB and its references) each time.
public struct ChartLines: Sendable, Hashable {
    public struct Band: Sendable, Hashable {
        public var upper: Double
        public var lower: Double

        public init(upper: Double, lower: Double) {
            self.upper = upper
            self.lower = lower
        }

        init(_ band: (upper: Double, lower: Double)) { self.init(upper: band.upper, lower: band.lower) }
    }

    /// The rolling mean, once warmed up (a z rule's fair value is always that mean).
    public var mean: Double?
    public var entryBand: Band?
    public var exitBand: Band?

    public init(mean: Double? = nil, entryBand: Band? = nil, exitBand: Band? = nil) {
        self.mean = mean
        self.entryBand = entryBand
        self.exitBand = exitBand
    }
}
