import HedgeCore

/// Why one instrument of a venue's instrument response was refused: the field and what is wrong.
struct RefusedSpec: Error {
    var reason: String
}

/// Reads and checks one spec field of an instrument response. A field must be an exact decimal
/// of at most eight places (what `FixedDecimal` holds) and within sane bounds: a contract size of
/// "abc" once fell back to 1 and traded a COIN-M leg at a hundredth of its size.
enum SpecFieldCheck {
    /// The largest contract size, lot step, tick or minimum any venue lists (Binance COIN-M's
    /// 100 USD contracts and Bybit's 100-unit steps are far below); beyond this a value is a typo.
    static let largestSize: FixedDecimal = 1_000_000
    /// The largest minimum quantity or notional.
    static let largestMinimum: FixedDecimal = 1_000_000_000

    /// A required field that must be greater than zero and at most `largestSize`.
    static func positive(_ value: Any?, _ name: String) throws(RefusedSpec) -> FixedDecimal {
        guard let value else { throw RefusedSpec(reason: "\(name) missing") }
        let number = try exact(value, name)
        guard number.isPositive else { throw RefusedSpec(reason: "\(name) \(shown(value)) must be greater than 0") }
        guard number <= largestSize else { throw RefusedSpec(reason: "\(name) \(shown(value)) is above \(largestSize)") }
        return number
    }

    /// An optional field that may be zero but not negative, at most `largestMinimum`.
    static func minimum(_ value: Any?, _ name: String) throws(RefusedSpec) -> FixedDecimal? {
        guard let value else { return nil }
        let number = try exact(value, name)
        guard !number.isNegative else { throw RefusedSpec(reason: "\(name) \(shown(value)) must not be negative") }
        guard number <= largestMinimum else { throw RefusedSpec(reason: "\(name) \(shown(value)) is above \(largestMinimum)") }
        return number
    }

    /// An optional maximum (order quantity or notional): absent or empty is no limit; it must be
    /// above 0. Places beyond eight are cut off, rounding the limit down (Bybit prints
    /// "1542.6000000000001", a float's noise), and a limit beyond what a decimal holds is no limit
    /// an order can reach.
    static func maximum(_ value: Any?, _ name: String) throws(RefusedSpec) -> FixedDecimal? {
        guard let value else { return nil }
        var text: String
        if let string = value as? String { text = string }
        else if let number = value as? Int { text = String(number) }
        else if let number = value as? Double { text = String(number) }
        else { throw RefusedSpec(reason: "\(name) \(shown(value)) is not a number") }
        if text.isEmpty { return nil }
        if let point = text.firstIndex(of: "."), text.distance(from: point, to: text.endIndex) > FixedDecimal.scale + 1 {
            text = String(text[..<text.index(point, offsetBy: FixedDecimal.scale + 1)])
        }
        let number: FixedDecimal
        do throws(DecimalError) { number = try FixedDecimal(parsing: text) }
        catch {
            if case .overflow = error { return nil }
            throw RefusedSpec(reason: "\(name) \(shown(value)) is not a decimal (\(error))")
        }
        guard number.isPositive else { throw RefusedSpec(reason: "\(name) \(shown(value)) must be greater than 0") }
        return number
    }

    /// The value as an exact decimal: a string ("0.10") or a JSON number (100, 0.1).
    static func exact(_ value: Any, _ name: String) throws(RefusedSpec) -> FixedDecimal {
        let text: String
        if let string = value as? String { text = string }
        else if let number = value as? Int { text = String(number) }
        else if let number = value as? Double { text = String(number) }
        else { throw RefusedSpec(reason: "\(name) \(shown(value)) is not a number") }
        do throws(DecimalError) { return try FixedDecimal(parsing: text) }
        catch { throw RefusedSpec(reason: "\(name) \(shown(value)) is not a decimal of at most \(FixedDecimal.scale) places (\(error))") }
    }

    /// The value as the file shows it: strings quoted.
    static func shown(_ value: Any) -> String {
        if let string = value as? String { return "\"\(string)\"" }
        return "\(value)"
    }
}
