/// A net position in one contract, with average entry and what it has realised.
///
/// Quantities are signed (long > 0). PnL and fees are in the settlement asset: USDT for linear
/// contracts, the coin for inverse ones.
public struct Position: Sendable, Hashable, Codable {
    public var spec: ContractSpec
    public var quantity: FixedDecimal = .zero
    /// Average entry price of the open quantity (0 when flat). For inverse contracts this is the
    /// harmonic mean, so that PnL = contracts × size × (1/entry − 1/exit) stays exact per fill.
    public var averageEntry: FixedDecimal = .zero
    public var realisedPnL: FixedDecimal = .zero
    public var feesPaid: FixedDecimal = .zero
    /// Funding received (positive) or paid (negative).
    public var funding: FixedDecimal = .zero

    public init(spec: ContractSpec) { self.spec = spec }

    public var isFlat: Bool { quantity.isZero }
    public var side: Side? { quantity.isZero ? nil : (quantity.isPositive ? .buy : .sell) }

    /// Applies a fill: extends or reduces the position, realising PnL on the reduced part.
    /// Returns the PnL realised by this fill (before fees).
    @discardableResult
    public mutating func apply(_ fill: Fill) throws(DecimalError) -> FixedDecimal {
        let signed = fill.side == .buy ? fill.quantity : fill.quantity.negated
        feesPaid = try feesPaid + fill.fee
        var realised = FixedDecimal.zero
        if quantity.isZero || quantity.signum == signed.signum {
            averageEntry = try combinedEntry(existing: quantity.magnitude, entry: averageEntry,
                                             adding: fill.quantity, at: fill.price)
            quantity = try quantity + signed
        } else {
            let closing = Swift.min(quantity.magnitude, fill.quantity)
            realised = try pnl(quantity: closing, longSide: quantity.isPositive, entry: averageEntry, exit: fill.price)
            realisedPnL = try realisedPnL + realised
            let remainder = try fill.quantity - closing
            quantity = try quantity + signed
            if quantity.isZero {
                averageEntry = .zero
            } else if remainder.isPositive {
                // Flipped through zero: the rest opens a new position at the fill price.
                averageEntry = fill.price
            }
        }
        return realised
    }

    /// Unrealised PnL at `mark`.
    public func unrealisedPnL(mark: FixedDecimal) throws(DecimalError) -> FixedDecimal {
        if quantity.isZero { return .zero }
        return try pnl(quantity: quantity.magnitude, longSide: quantity.isPositive, entry: averageEntry, exit: mark)
    }

    /// Adds a funding payment (positive = received).
    public mutating func applyFunding(_ amount: FixedDecimal) throws(DecimalError) {
        funding = try funding + amount
    }

    /// Realised + unrealised + funding − fees, in the settlement asset.
    public func netPnL(mark: FixedDecimal) throws(DecimalError) -> FixedDecimal {
        try realisedPnL + unrealisedPnL(mark: mark) + funding - feesPaid
    }

    /// Base-coin exposure at `price`, signed.
    public func baseExposure(at price: FixedDecimal) throws(DecimalError) -> FixedDecimal {
        let magnitude = try spec.baseExposure(quantity: quantity.magnitude, price: price)
        return quantity.isNegative ? magnitude.negated : magnitude
    }

    /// PnL of closing `quantity` opened at `entry` by trading at `exit`.
    /// Linear: side × qty × size × (exit − entry), in the quote currency.
    /// Inverse: side × contracts × size × (1/entry − 1/exit) = side × c × s × (exit − entry) / (entry × exit),
    /// in the coin, rounded once at the end.
    public func pnl(quantity: FixedDecimal, longSide: Bool, entry: FixedDecimal, exit: FixedDecimal) throws(DecimalError) -> FixedDecimal {
        let move = longSide ? try exit - entry : try entry - exit
        switch spec.margining {
        case .linear:
            return try quantity.multiplied(by: spec.contractSize).multiplied(by: move)
        case .inverse:
            let face = try quantity.multiplied(by: spec.contractSize)
            // face × move / (entry × exit): compute in Int128 units to round only once.
            let numerator = Int128(face.units) * Int128(move.units)       // scale 1e16
            let denominator = Int128(entry.units) * Int128(exit.units)    // scale 1e16
            guard denominator != 0 else { throw .divisionByZero }
            // value = numerator / denominator (dimensionless ratio) → units = value × 1e8.
            return try FixedDecimal.fromScaled(numerator * Int128(FixedDecimal.one), divisor: denominator, rounding: .halfEven)
        }
    }

    /// The entry price after adding `quantity` at `price` to `existing` at `entry`.
    /// Linear: quantity-weighted mean. Inverse: harmonic mean (contracts / Σ contracts/price).
    func combinedEntry(existing: FixedDecimal, entry: FixedDecimal, adding added: FixedDecimal, at price: FixedDecimal) throws(DecimalError) -> FixedDecimal {
        if existing.isZero { return price }
        let total = try existing + added
        switch spec.margining {
        case .linear:
            let value = try existing.multiplied(by: entry, rounding: .halfEven) + added.multiplied(by: price, rounding: .halfEven)
            return try value.divided(by: total)
        case .inverse:
            // total / (existing/entry + added/price): each ratio carried at 1e18 so the harmonic
            // mean is exact to far below a tick, and rounded once.
            let precision: Int128 = 1_000_000_000_000_000_000
            let existingCoins = Int128(existing.units) * precision / Int128(entry.units)
            let addedCoins = Int128(added.units) * precision / Int128(price.units)
            let coins = existingCoins + addedCoins
            guard coins != 0 else { throw .divisionByZero }
            return try FixedDecimal.fromScaled(Int128(total.units) * precision, divisor: coins, rounding: .halfEven)
        }
    }
}

/// Funding on a perpetual: payment = notional at mark × rate; a positive rate means longs pay shorts.
public enum Funding {
    /// The signed amount the holder of `position` receives (negative: pays), in the settlement asset.
    public static func payment(position: Position, mark: FixedDecimal, rate: FixedDecimal) throws(DecimalError) -> FixedDecimal {
        if position.isFlat { return .zero }
        let notional = try position.spec.settlementNotional(quantity: position.quantity.magnitude, price: mark)
        let amount = try notional.multiplied(by: rate, rounding: .halfEven)
        return position.quantity.isPositive ? amount.negated : amount
    }
}
