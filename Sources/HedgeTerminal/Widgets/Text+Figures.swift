import HedgeCore
import HedgeEngine

extension Double {
    /// Fixed places for charts and statistics, through `FixedDecimal` so rounding and the
    /// thousands rule (`FixedDecimal.figure`) match the money columns; "—" for values that are
    /// not finite or too large to show.
    func fixed(places: Int, plusSign: Bool = false) -> String {
        guard isFinite, abs(self) < 9e10 else { return "—" }
        let decimal = FixedDecimal(units: Int64((self * Double(FixedDecimal.one)).rounded()))
        return decimal.figure(places: places, plusSign: plusSign)
    }
}

extension FixedDecimal {
    /// Money in USD to the cent, signed so gains and losses read at a glance.
    var usd: String { figure(places: 2, plusSign: true) }

    /// An amount in a settlement asset: cents for dollar coins, satoshi-level for coins.
    func amount(in asset: String) -> String {
        let dollarLike = ["USD", "USDT", "USDC", "BUSD", "FDUSD"].contains(asset.uppercased())
        return figure(places: dollarLike ? 2 : 8, plusSign: true) + " " + asset
    }
}

extension LegSnapshot {
    /// A price of this leg to its contract's tick ("62,010.5", "62,011.0" beside it, never
    /// "62011"); from a server that sends no tick, to the price's own places.
    func priceText(_ price: FixedDecimal) -> String {
        price.figure(places: tickSize?.fractionDigits ?? price.fractionDigits)
    }

    /// A quantity of this leg to its contract's lot step, as the fill lines show it ("0.810");
    /// from a server that sends no step, to the quantity's own places.
    func quantityText(_ quantity: FixedDecimal) -> String {
        quantity.figure(places: lotStep?.fractionDigits ?? quantity.fractionDigits)
    }

    /// The decimal places this leg's prices are shown to: its tick's, or (from a server that
    /// sends no tick) those of its quote.
    var pricePlaces: Int {
        tickSize?.fractionDigits ?? [quote?.bid, quote?.ask, mark].compactMap { $0?.fractionDigits }.max() ?? 0
    }
}

extension String {
    /// A figure padded on the right to `places` decimals with spaces ("62,010.5" becomes
    /// "62,010.5 " beside "62,010.55"), so right-aligned figures line up on the point. Text that
    /// is not a figure ("—") is left as it is.
    func alignedDecimal(to places: Int) -> String {
        guard places > 0, let last = last, last.isNumber else { return self }
        let shown = firstIndex(of: ".").map { distance(from: $0, to: endIndex) - 1 } ?? -1
        let missing = shown < 0 ? places + 1 : places - shown
        return missing > 0 ? self + String(repeating: " ", count: missing) : self
    }
}

extension String {
    /// Left-justified in `width` columns (cut with "…" when longer).
    func padded(to width: Int) -> String {
        let fitted = Buffer.fitted(self, to: width, ellipsis: "…")
        return fitted + String(repeating: " ", count: max(0, width - fitted.count))
    }

    /// Right-justified in `width` columns.
    func leftPadded(to width: Int) -> String {
        let fitted = Buffer.fitted(self, to: width, ellipsis: "…")
        return String(repeating: " ", count: max(0, width - fitted.count)) + fitted
    }
}
