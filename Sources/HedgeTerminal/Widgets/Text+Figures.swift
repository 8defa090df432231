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
