import HedgeCore

extension Double {
    /// Fixed places for charts and statistics, through `FixedDecimal` so rounding matches the
    /// money columns; "—" for values that are not finite or too large to show.
    func fixed(places: Int, plusSign: Bool = false) -> String {
        guard isFinite, abs(self) < 9e10 else { return "—" }
        let decimal = FixedDecimal(units: Int64((self * Double(FixedDecimal.one)).rounded()))
        return decimal.formatted(places: places, plusSign: plusSign)
    }
}

extension FixedDecimal {
    /// Money in USD to the cent, signed so gains and losses read at a glance.
    var usd: String { formatted(places: 2, grouping: true, plusSign: true) }

    /// An amount in a settlement asset: cents for dollar coins, satoshi-level for coins.
    func amount(in asset: String) -> String {
        let dollarLike = ["USD", "USDT", "USDC", "BUSD", "FDUSD"].contains(asset.uppercased())
        return formatted(places: dollarLike ? 2 : 8, plusSign: true) + " " + asset
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
