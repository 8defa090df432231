import HedgeCore
import HedgeVenues

/// A restarted paper market continues where the last run left it, instead of jumping back to the
/// scenario's seed price: a recovered spread is then marked and closed at the prices it was held at.
extension PaperScenario {
    /// The underlying price at which a market built by `build` quotes the instruments of `marks`
    /// at their saved prices (nil when it quotes none of them). Every synthetic price is the
    /// underlying times factors of its own, so one probe at a known underlying scales to it; the
    /// mean over the instruments evens out the spread between them (it moved since, and reverts
    /// within seconds anyway).
    static func resumedInitialPrice(marks: [InstrumentID: FixedDecimal], build: (Double) -> PaperScenario?) -> Double? {
        guard !marks.isEmpty else { return nil }
        let probe = 100_000.0
        guard var feed = build(probe)?.feed else { return nil }
        var implied: [InstrumentID: Double] = [:]
        for _ in 0..<64 where implied.count < marks.count {
            guard let event = feed.next() else { break }
            if case .quote(let id, let quote) = event, implied[id] == nil, let saved = marks[id], saved.isPositive, quote.mid.isPositive {
                implied[id] = probe * saved.doubleValue / quote.mid.doubleValue
            }
        }
        guard !implied.isEmpty else { return nil }
        return implied.values.reduce(0, +) / Double(implied.count)
    }
}
