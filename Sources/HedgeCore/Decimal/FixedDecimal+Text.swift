/// Parsing venue strings ("61800.20", "-0.0001", "1e-05") and formatting for people.
extension FixedDecimal: CustomStringConvertible, LosslessStringConvertible {
    /// Parses a decimal string as venues send it. More than eight fractional digits are refused
    /// unless they are zeros, so nothing is silently rounded.
    public init(parsing text: some StringProtocol) throws(DecimalError) {
        var utf8 = Array(text.utf8)
        let parsed = utf8.withUnsafeMutableBufferPointer { buffer in
            FixedDecimal.parse(UnsafeBufferPointer(buffer))
        }
        switch parsed {
        case .success(let value): self = value
        case .failure(let error): throw error
        }
    }

    /// `LosslessStringConvertible`: nil when `description` is not an exact decimal.
    public init?(_ description: String) {
        guard let value = try? FixedDecimal(parsing: description) else { return nil }
        self = value
    }

    /// Parses ASCII bytes without allocating: the replay hot path calls this per price.
    @inlinable
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<FixedDecimal, DecimalError> {
        if let plain = parsePlain(bytes) { return .success(plain) }
        return parseGeneral(bytes)
    }

    /// Any form `parse` takes: signs, exponents, extra zero decimals, overflow reported.
    @usableFromInline
    static func parseGeneral(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<FixedDecimal, DecimalError> {
        var index = 0
        let count = bytes.count
        if count == 0 { return .failure(.invalidText("empty")) }
        var negative = false
        if bytes[0] == UInt8(ascii: "-") { negative = true; index = 1 }
        else if bytes[0] == UInt8(ascii: "+") { index = 1 }
        var mantissa: Int64 = 0
        var digits = 0
        var fractionDigits = 0
        var seenPoint = false
        var exponent = 0
        while index < count {
            let byte = bytes[index]
            if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                let digit = Int64(byte &- UInt8(ascii: "0"))
                if seenPoint { fractionDigits += 1 }
                if seenPoint && fractionDigits > scale {
                    // Extra fractional digits are accepted only when they are zero.
                    if digit != 0 { return .failure(.invalidText("more than \(scale) decimal places")) }
                } else {
                    let (times10, o1) = mantissa.multipliedReportingOverflow(by: 10)
                    let (next, o2) = times10.addingReportingOverflow(digit)
                    if o1 || o2 { return .failure(.overflow("number too large")) }
                    mantissa = next
                }
                digits += 1
            } else if byte == UInt8(ascii: ".") && !seenPoint {
                seenPoint = true
            } else if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                guard digits > 0, case .success(let e) = parseExponent(bytes, from: index + 1) else {
                    return .failure(.invalidText("bad exponent"))
                }
                exponent = e
                break
            } else {
                return .failure(.invalidText("unexpected character"))
            }
            index += 1
        }
        if digits == 0 { return .failure(.invalidText("no digits")) }
        // Scale: the mantissa holds min(fractionDigits, 8) fractional digits; shift to exactly 8 + exponent.
        var shift = scale - Swift.min(fractionDigits, scale) + exponent
        while shift > 0 {
            let (next, overflow) = mantissa.multipliedReportingOverflow(by: 10)
            if overflow { return .failure(.overflow("number too large")) }
            mantissa = next
            shift -= 1
        }
        while shift < 0 {
            if mantissa % 10 != 0 { return .failure(.invalidText("more than \(scale) decimal places")) }
            mantissa /= 10
            shift += 1
        }
        return .success(FixedDecimal(units: negative ? -mantissa : mantissa))
    }

    /// The common case in one pass without overflow checks: digits, an optional point and at
    /// most `scale` decimals, 18 digits at most (an `Int64` holds them all); nil for anything else
    /// (a sign, an exponent, more decimals, more digits), which the general parser takes.
    @inlinable @inline(__always)
    static func parsePlain(_ bytes: UnsafeBufferPointer<UInt8>) -> FixedDecimal? {
        let count = bytes.count
        guard count > 0, count <= 19 else { return nil }
        var mantissa: Int64 = 0
        var index = 0
        var point = -1
        while index < count {
            let digit = bytes[index] &- UInt8(ascii: "0")
            if digit <= 9 {
                mantissa = mantissa &* 10 &+ Int64(digit)
            } else if bytes[index] == UInt8(ascii: "."), point < 0 {
                point = index
            } else {
                return nil
            }
            index += 1
        }
        let fractionDigits = point < 0 ? 0 : count - point - 1
        let digits = point < 0 ? count : count - 1
        guard digits > 0, digits <= 18, fractionDigits <= scale else { return nil }
        let (scaled, overflow) = mantissa.multipliedReportingOverflow(by: powersOfTen[scale - fractionDigits])
        return overflow ? nil : FixedDecimal(units: scaled)
    }

    @usableFromInline
    static let powersOfTen: [Int64] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000]

    @usableFromInline
    static func parseExponent(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Result<Int, DecimalError> {
        var index = start
        var negative = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { negative = true; index += 1 }
        else if index < bytes.count, bytes[index] == UInt8(ascii: "+") { index += 1 }
        var value = 0
        var digits = 0
        while index < bytes.count {
            let byte = bytes[index]
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), digits < 3 else {
                return .failure(.invalidText("bad exponent"))
            }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
            digits += 1
            index += 1
        }
        if digits == 0 { return .failure(.invalidText("bad exponent")) }
        return .success(negative ? -value : value)
    }

    /// The shortest exact form: "61800.2", "-0.0001", "5".
    public var description: String {
        let magnitude = units.magnitude
        let whole = magnitude / UInt64(FixedDecimal.one)
        var fraction = magnitude % UInt64(FixedDecimal.one)
        var text = units < 0 ? "-" : ""
        text += String(whole)
        if fraction != 0 {
            var places = FixedDecimal.scale
            while fraction % 10 == 0 { fraction /= 10; places -= 1 }
            let digits = String(fraction)
            text += "." + String(repeating: "0", count: places - digits.count) + digits
        }
        return text
    }

    /// Fixed number of places, rounded half-even: `formatted(places: 2)` → "61800.20".
    /// With `grouping`, thousands are separated by commas for reading at a glance.
    public func formatted(places: Int, grouping: Bool = false, plusSign: Bool = false) -> String {
        let value = (try? rounded(places: places)) ?? self
        let magnitude = value.units.magnitude
        var divisor: UInt64 = 1
        for _ in 0..<(FixedDecimal.scale - places) { divisor *= 10 }
        let scaled = magnitude / divisor
        var placesDivisor: UInt64 = 1
        for _ in 0..<places { placesDivisor *= 10 }
        let whole = scaled / placesDivisor
        let fraction = scaled % placesDivisor
        var wholeText = String(whole)
        if grouping && wholeText.count > 3 {
            var grouped = ""
            for (offset, character) in wholeText.enumerated() {
                if offset > 0 && (wholeText.count - offset) % 3 == 0 { grouped.append(",") }
                grouped.append(character)
            }
            wholeText = grouped
        }
        var text = value.units < 0 ? "-" : (plusSign && value.units > 0 ? "+" : "")
        text += wholeText
        if places > 0 {
            let digits = String(fraction)
            text += "." + String(repeating: "0", count: places - digits.count) + digits
        }
        return text
    }
}

extension FixedDecimal {
    /// The one rule for figures a person reads (screen, event log): `places` fixed and thousands
    /// always grouped with commas, so "63,388.9" never stands beside "63389".
    public func figure(places: Int, plusSign: Bool = false) -> String {
        formatted(places: places, grouping: true, plusSign: plusSign)
    }

    /// Places of the shortest exact form: 1 for a 0.1 tick, 3 for a 0.001 lot, 0 for 5.
    public var fractionDigits: Int {
        var fraction = units.magnitude % UInt64(FixedDecimal.one)
        guard fraction != 0 else { return 0 }
        var places = FixedDecimal.scale
        while fraction % 10 == 0 { fraction /= 10; places -= 1 }
        return places
    }
}

extension FixedDecimal: ExpressibleByIntegerLiteral, ExpressibleByStringLiteral {
    /// Literals are for code and tests; a bad literal is a programming error.
    public init(integerLiteral value: Int) {
        do { try self.init(value) } catch { preconditionFailure("\(error)") }
    }

    public init(stringLiteral value: String) {
        do { try self.init(parsing: value) } catch { preconditionFailure("bad decimal literal \(value): \(error)") }
    }
}

extension FixedDecimal: Codable {
    /// Encoded as its exact string, so JSON reports never pass through a binary float.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        self = try FixedDecimal(parsing: text)
    }
}
