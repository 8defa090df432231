import HedgeCore

/// How a synthetic perpetual's funding is quoted: paid on a fixed grid of UTC times (every 8 h:
/// 00:00, 08:00, 16:00 as on Binance and Bybit), at a rate that follows the basis.
public struct PerpetualFunding: Sendable, Hashable {
    /// Time between payments.
    public var interval: Duration = .seconds(8 * 3600)
    /// The venue's cap on |rate| per interval (Bybit BTCUSDT: 0.5 %).
    public var cap: Double = 0.005

    public init() {}

    /// The first funding time strictly after `time`, on the interval's grid from the epoch.
    func nextFundingTime(after time: Timestamp) -> Timestamp {
        let step = max(interval.nanosecondsClamped, 1)
        let (quotient, remainder) = time.nanoseconds.quotientAndRemainder(dividingBy: step)
        let floor = remainder < 0 ? quotient - 1 : quotient
        return Timestamp(nanoseconds: (floor + 1) * step)
    }

    /// The rate per interval that makes holding the perp cost what the dated leg's basis
    /// says it should: the basis (F − P) / P spread evenly over the intervals left to expiry,
    /// so it is the annualised basis × interval / year while expiry is far, the whole basis in
    /// the last interval. Positive in contango (longs pay shorts), negative in backwardation;
    /// capped, and exact to 1e-8 as venues publish it.
    public func rate(dated: FixedDecimal, perpetual: FixedDecimal, timeToExpiry: Duration) -> FixedDecimal {
        let perp = perpetual.doubleValue
        guard perp > 0 else { return .zero }
        let basis = (dated.doubleValue - perp) / perp
        let share = interval.secondsDouble / max(timeToExpiry.secondsDouble, interval.secondsDouble)
        let rate = min(cap, max(-cap, basis * share))
        return FixedDecimal(units: Int64((rate * Double(FixedDecimal.one)).rounded()))
    }
}
