/// An exact decimal number with eight fractional digits, stored as a scaled `Int64`.
///
/// Prices, quantities, fees and PnL are all `FixedDecimal`: eight places hold a satoshi, a
/// funding rate of 0.0001 and a tick of 0.01 exactly, and the range (±92 billion) covers any
/// notional a single account trades. Addition and subtraction are exact; multiplication and
/// division take an explicit rounding mode and go through `Int128`. Overflow throws, never wraps.
public struct FixedDecimal: Sendable, Hashable, Comparable {
    /// Number of fractional digits.
    public static let scale = 8
    /// 10^scale, the value of one whole unit in `units`.
    public static let one: Int64 = 100_000_000

    /// The scaled integer: value × 10^8.
    public var units: Int64

    @inlinable public init(units: Int64) { self.units = units }

    /// A whole number; throws when it does not fit.
    public init(_ integer: Int) throws(DecimalError) {
        let (product, overflow) = Int64(integer).multipliedReportingOverflow(by: Self.one)
        if overflow { throw .overflow("\(integer) is out of range") }
        self.units = product
    }

    public static let zero = FixedDecimal(units: 0)
    public static let max = FixedDecimal(units: .max)
    public static let min = FixedDecimal(units: -.max)

    @inlinable public static func < (lhs: FixedDecimal, rhs: FixedDecimal) -> Bool { lhs.units < rhs.units }

    @inlinable public var isZero: Bool { units == 0 }
    @inlinable public var isNegative: Bool { units < 0 }
    @inlinable public var isPositive: Bool { units > 0 }
    @inlinable var signum: Int { units == 0 ? 0 : (units < 0 ? -1 : 1) }
    @inlinable public var magnitude: FixedDecimal { FixedDecimal(units: units < 0 ? -units : units) }
    @inlinable public var negated: FixedDecimal { FixedDecimal(units: -units) }

    /// The nearest `Double`, for statistics and charts only: never for sums of money.
    @inlinable public var doubleValue: Double { Double(units) / Double(Self.one) }
}

/// Why a decimal operation could not produce an exact, in-range result.
public enum DecimalError: Error, Sendable, Equatable, CustomStringConvertible {
    case overflow(String)
    case divisionByZero
    case invalidText(String)

    public var description: String {
        switch self {
        case .overflow(let what): "decimal overflow: \(what)"
        case .divisionByZero: "decimal division by zero"
        case .invalidText(let reason): "not a decimal: \(reason)"
        }
    }
}

/// How to round a result that has more digits than the target allows.
public enum RoundingMode: Sendable, Hashable, CaseIterable {
    /// Toward zero (truncate).
    case down
    /// Away from zero.
    case up
    /// Toward negative infinity.
    case floor
    /// Toward positive infinity.
    case ceiling
    /// To nearest; ties away from zero.
    case halfUp
    /// To nearest; ties to the even neighbour (banker's rounding).
    case halfEven
}

// MARK: - Exact arithmetic

extension FixedDecimal {
    /// Exact sum; throws on overflow.
    @inlinable
    public static func + (lhs: FixedDecimal, rhs: FixedDecimal) throws(DecimalError) -> FixedDecimal {
        let (sum, overflow) = lhs.units.addingReportingOverflow(rhs.units)
        if overflow || sum == .min { throw .overflow("\(lhs) + \(rhs)") }
        return FixedDecimal(units: sum)
    }

    /// Exact difference; throws on overflow.
    @inlinable
    public static func - (lhs: FixedDecimal, rhs: FixedDecimal) throws(DecimalError) -> FixedDecimal {
        let (difference, overflow) = lhs.units.subtractingReportingOverflow(rhs.units)
        if overflow || difference == .min { throw .overflow("\(lhs) - \(rhs)") }
        return FixedDecimal(units: difference)
    }

    @inlinable public static prefix func - (value: FixedDecimal) -> FixedDecimal { value.negated }

    /// The product rounded to eight places by `rounding`.
    @inlinable
    public func multiplied(by other: FixedDecimal, rounding: RoundingMode = .halfEven) throws(DecimalError) -> FixedDecimal {
        let product = Int128(units) * Int128(other.units)
        return try FixedDecimal.fromScaled(product, divisor: Int128(FixedDecimal.one), rounding: rounding)
    }

    /// The product with an integer; exact.
    @inlinable
    public func multiplied(by integer: Int) throws(DecimalError) -> FixedDecimal {
        let (product, overflow) = units.multipliedReportingOverflow(by: Int64(integer))
        if overflow || product == .min { throw .overflow("\(self) × \(integer)") }
        return FixedDecimal(units: product)
    }

    /// The quotient rounded to eight places by `rounding`.
    @inlinable
    public func divided(by other: FixedDecimal, rounding: RoundingMode = .halfEven) throws(DecimalError) -> FixedDecimal {
        if other.units == 0 { throw .divisionByZero }
        let numerator = Int128(units) * Int128(FixedDecimal.one)
        return try FixedDecimal.fromScaled(numerator, divisor: Int128(other.units), rounding: rounding)
    }

    /// `(a × b) / c` with one rounding at the end, so no precision is lost in between.
    @inlinable
    public static func mulDiv(_ a: FixedDecimal, _ b: FixedDecimal, _ c: FixedDecimal, rounding: RoundingMode = .halfEven) throws(DecimalError) -> FixedDecimal {
        if c.units == 0 { throw .divisionByZero }
        // (a/1e8 × b/1e8) / (c/1e8) = a×b / c / 1e8  → units = a×b / c.
        let product = Int128(a.units) * Int128(b.units)
        return try fromScaled(product, divisor: Int128(c.units), rounding: rounding)
    }

    /// Rounded to a multiple of `step` (a tick or a lot step).
    @inlinable
    public func rounded(toMultipleOf step: FixedDecimal, _ rounding: RoundingMode) throws(DecimalError) -> FixedDecimal {
        if step.units <= 0 { throw .divisionByZero }
        let steps = try FixedDecimal.fromScaled(Int128(units), divisor: Int128(step.units), rounding: rounding)
        // `steps.units` is the count of steps (no scale applied), so multiply the raw units back.
        let (result, overflow) = steps.units.multipliedReportingOverflow(by: step.units)
        if overflow || result == .min { throw .overflow("\(self) rounded to \(step)") }
        return FixedDecimal(units: result)
    }

    /// Rounded to `places` fractional digits (0...8).
    @inlinable
    public func rounded(places: Int, _ rounding: RoundingMode = .halfEven) throws(DecimalError) -> FixedDecimal {
        precondition((0...FixedDecimal.scale).contains(places), "places must be 0...8")
        var step: Int64 = 1
        for _ in 0..<(FixedDecimal.scale - places) { step *= 10 }
        return try rounded(toMultipleOf: FixedDecimal(units: step), rounding)
    }

    /// Whether this value is a whole multiple of `step`.
    @inlinable
    public func isMultiple(of step: FixedDecimal) -> Bool {
        step.units > 0 && units % step.units == 0
    }

    /// Divides a scaled 128-bit value and rounds the quotient into units, checking the range.
    @usableFromInline
    static func fromScaled(_ numerator: Int128, divisor: Int128, rounding: RoundingMode) throws(DecimalError) -> FixedDecimal {
        var quotient = numerator / divisor
        let remainder = numerator % divisor
        if remainder != 0 {
            let negative = (numerator < 0) != (divisor < 0)
            let twiceRemainder = remainder.magnitude * 2
            let divisorMagnitude = divisor.magnitude
            let awayFromZero: Bool
            switch rounding {
            case .down: awayFromZero = false
            case .up: awayFromZero = true
            case .floor: awayFromZero = negative
            case .ceiling: awayFromZero = !negative
            case .halfUp: awayFromZero = twiceRemainder >= divisorMagnitude
            case .halfEven:
                awayFromZero = twiceRemainder > divisorMagnitude
                    || (twiceRemainder == divisorMagnitude && quotient % 2 != 0)
            }
            if awayFromZero { quotient += negative ? -1 : 1 }
        }
        guard quotient <= Int128(Int64.max), quotient >= -Int128(Int64.max) else {
            throw .overflow("result out of range")
        }
        return FixedDecimal(units: Int64(quotient))
    }
}

// MARK: - Sums

extension Sequence where Element == FixedDecimal {
    /// The exact sum; throws on overflow.
    public func sum() throws(DecimalError) -> FixedDecimal {
        var total = FixedDecimal.zero
        for value in self { total = try total + value }
        return total
    }
}
