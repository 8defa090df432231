/// The fills of one order (or of an order and its children) on one contract: the quantity and
/// its volume-weighted average price, as the venue reports `avgPrice`.
///
/// A hedge is sized from this, not from the top of book the order was sent at: an inverse leg
/// that walked the book holds fewer (buying) or more (selling) coins than its top price says.
/// Linear: Σ qty × price / Σ qty, summed exactly (every product fits 10⁻¹⁶ in `Int128`), rounded once.
/// Inverse: the harmonic mean Σ qty / Σ (qty / price), so that qty × size / average is the coins
/// the fills hold; each ratio carried at 10⁻¹⁸ and the mean rounded once, as `Position` does.
public struct FillAverage: Sendable, Hashable {
    public let margining: Margining
    public private(set) var quantity: FixedDecimal = .zero
    /// Linear: Σ qty.units × price.units (scale 10¹⁶). Inverse: Σ qty.units × 10¹⁸ / price.units.
    private var weighted: Int128 = 0

    static let inversePrecision: Int128 = 1_000_000_000_000_000_000

    public init(margining: Margining) { self.margining = margining }

    /// Adds one execution of `quantity` at `price`.
    public mutating func add(quantity added: FixedDecimal, price: FixedDecimal) throws(DecimalError) {
        guard added.isPositive else { return }
        guard price.isPositive else { throw .divisionByZero }
        let term: Int128 = switch margining {
        case .linear: Int128(added.units) * Int128(price.units)
        case .inverse: Int128(added.units) * Self.inversePrecision / Int128(price.units)
        }
        let (sum, overflow) = weighted.addingReportingOverflow(term)
        if overflow { throw .overflow("fill average of \(quantity) + \(added)") }
        quantity = try quantity + added
        weighted = sum
    }

    /// Adds another set of fills on the same contract (a split order's children).
    public mutating func add(_ other: FillAverage) throws(DecimalError) {
        let (sum, overflow) = weighted.addingReportingOverflow(other.weighted)
        if overflow { throw .overflow("fill average of \(quantity) + \(other.quantity)") }
        quantity = try quantity + other.quantity
        weighted = sum
    }

    /// The volume-weighted average price (harmonic for inverse contracts); nil before any fill.
    public var averagePrice: FixedDecimal? {
        guard quantity.isPositive, weighted > 0 else { return nil }
        switch margining {
        case .linear:
            return try? FixedDecimal.fromScaled(weighted, divisor: Int128(quantity.units), rounding: .halfEven)
        case .inverse:
            return try? FixedDecimal.fromScaled(Int128(quantity.units) * Self.inversePrecision, divisor: weighted, rounding: .halfEven)
        }
    }

    /// The base-coin exposure the fills hold, in `spec`'s terms: qty × size (linear) or
    /// qty × size / average (inverse). Zero before any fill.
    public func baseExposure(_ spec: ContractSpec) throws(DecimalError) -> FixedDecimal {
        guard let price = averagePrice else { return .zero }
        return try spec.baseExposure(quantity: quantity, price: price)
    }
}
