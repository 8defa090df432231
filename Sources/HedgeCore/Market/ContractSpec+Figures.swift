/// How a contract's prices, quantities and fees read: to its own precision, so a fill's average
/// shows to the tick ("63,030.7", never "63030.6671…") and a fee says what it is paid in.
extension ContractSpec {
    /// Decimal places of the tick.
    public var pricePlaces: Int { tickSize.fractionDigits }

    /// A price to the tick, thousands grouped.
    public func priceText(_ price: FixedDecimal) -> String { price.figure(places: pricePlaces) }

    /// A quantity to the lot step, thousands grouped.
    public func quantityText(_ quantity: FixedDecimal) -> String { quantity.figure(places: lotStep.fractionDigits) }

    /// Places a fee can need: a linear fee is a rate times price × quantity, so the tick's places
    /// plus the lot's; an inverse fee is in the coin (8).
    public var feePlaces: Int {
        switch margining {
        case .linear: min(FixedDecimal.scale, tickSize.fractionDigits + lotStep.fractionDigits)
        case .inverse: FixedDecimal.scale
        }
    }

    /// A fee with its asset, rounded to `feePlaces` and no longer than it needs: "0.0317 USDT",
    /// "0.00000079 BTC", "-0.01 USDT" for a rebate.
    public func feeText(_ fee: FixedDecimal) -> String {
        let rounded = (try? fee.rounded(places: feePlaces)) ?? fee
        return rounded.figure(places: rounded.fractionDigits) + " " + settlementAsset
    }
}
