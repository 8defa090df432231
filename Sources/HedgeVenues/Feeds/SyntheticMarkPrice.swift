#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import HedgeCore

/// A paper venue's mark price, built the way venues build theirs (Binance's median rule): the
/// median of the bid, the ask and the index plus a premium, where the premium is the book's
/// distance from the index averaged with exponentially decaying weights. So the mark follows the
/// book without its noise, is small over the index where the book is (a perpetual), converges with
/// the basis (a dated future), and never leaves the bid/ask.
struct SyntheticMarkPrice: Sendable {
    /// Half-life of the premium's average, in seconds.
    var halfLife: Double = 5
    /// The averaged premium (book mid − index), in quote currency; nil before the first quote.
    private(set) var premium: Double?

    /// The mark for `quote` with the index at `index`, `dt` seconds after the previous one: on the
    /// contract's tick and within the book.
    mutating func mark(index: Double, quote: Quote, dt: Double, contract: ContractSpec) -> FixedDecimal {
        let observed = quote.mid.doubleValue - index
        let weight = 1 - exp(-log(2) * max(dt, 0) / halfLife)
        let averaged = premium.map { $0 + (observed - $0) * weight } ?? observed
        premium = averaged
        let raw = SyntheticMarket.onTick(index + averaged, contract)
        // The median of (bid, ask, raw): raw clamped into the book.
        return min(max(raw, quote.bid), quote.ask)
    }
}
