import HedgeCore

/// A forward-only reader over one JSON message's bytes: keys and values come back as byte ranges,
/// so the per-message path allocates nothing and never builds a `String` per field.

struct JSONCursor {
    /// What kind of value a range holds.
    enum ValueKind: Sendable { case string, number, array, object, literal }

    /// A value's bytes: for a string the contents without quotes (escapes left as they are),
    /// otherwise the whole value including brackets.
    struct Value: Sendable {
        var kind: ValueKind
        var range: Range<Int>
        init(kind: ValueKind, range: Range<Int>) { self.kind = kind; self.range = range }
    }

    let bytes: UnsafeBufferPointer<UInt8>
    var index: Int
    let end: Int

    init(_ bytes: UnsafeBufferPointer<UInt8>, range: Range<Int>? = nil) {
        self.bytes = bytes
        self.index = range?.lowerBound ?? 0
        self.end = range?.upperBound ?? bytes.count
    }

    func fault(_ what: String) -> MarketDataFault {
        .init(.malformedJSON, "\(what) at byte \(index)")
    }

    @inline(__always)
    mutating func skipSpace() {
        while index < end {
            let byte = bytes[index]
            if byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 } else { return }
        }
    }

    /// Consumes `byte` after optional whitespace; false (and nothing consumed) when it is not next.
    @inline(__always)
    mutating func consume(_ byte: UInt8) -> Bool {
        skipSpace()
        if index < end && bytes[index] == byte { index += 1; return true }
        return false
    }

    @inline(__always)
    mutating func expect(_ byte: UInt8) throws(MarketDataFault) {
        if !consume(byte) { throw fault("expected '\(Character(Unicode.Scalar(byte)))'") }
    }

    /// Reads a string at the cursor and returns its contents' range.
    @inline(__always)
    mutating func readString() throws(MarketDataFault) -> Range<Int> {
        try expect(UInt8(ascii: "\""))
        let start = index
        while index < end {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") { index += 1; return start..<(index - 1) }
            index += byte == UInt8(ascii: "\\") ? 2 : 1
        }
        throw fault("unterminated string")
    }

    /// Starts an object: consumes '{'.
    mutating func beginObject() throws(MarketDataFault) { try expect(UInt8(ascii: "{")) }

    /// The next member's key (the cursor then stands at its value), or nil at the closing '}'.
    @inline(__always)
    mutating func nextKey() throws(MarketDataFault) -> Range<Int>? {
        skipSpace()
        guard index < end else { throw fault("unterminated object") }
        if bytes[index] == UInt8(ascii: "}") { index += 1; return nil }
        if bytes[index] == UInt8(ascii: ",") { index += 1 }
        let key = try readString()
        try expect(UInt8(ascii: ":"))
        return key
    }

    /// Reads any value and returns where it is.
    mutating func readValue() throws(MarketDataFault) -> Value {
        skipSpace()
        guard index < end else { throw fault("missing value") }
        let byte = bytes[index]
        switch byte {
        case UInt8(ascii: "\""):
            return Value(kind: .string, range: try readString())
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            let start = index
            try skipContainer()
            return Value(kind: byte == UInt8(ascii: "{") ? .object : .array, range: start..<index)
        default:
            let start = index
            // Digits first, most of a number (times in ms, ids), then whatever else it holds.
            while index < end, bytes[index] &- UInt8(ascii: "0") < 10 { index += 1 }
            while index < end {
                let next = bytes[index]
                if next == UInt8(ascii: ",") || next == UInt8(ascii: "}") || next == UInt8(ascii: "]")
                    || next == 0x20 || next == 0x0A || next == 0x0D || next == 0x09 { break }
                index += 1
            }
            if index == start { throw fault("missing value") }
            let isNumber = byte == UInt8(ascii: "-") || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
            return Value(kind: isNumber ? .number : .literal, range: start..<index)
        }
    }

    /// Skips a balanced object or array, minding strings.
    mutating func skipContainer() throws(MarketDataFault) {
        var depth = 0
        while index < end {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                _ = try readString()
                continue
            }
            if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") { depth += 1 }
            else if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") {
                depth -= 1
                if depth == 0 { index += 1; return }
            }
            index += 1
        }
        throw fault("unterminated \(depth > 0 ? "container" : "value")")
    }

    /// Whether the bytes in `range` spell `text`.
    func matches(_ range: Range<Int>, _ text: StaticString) -> Bool {
        guard range.count == text.utf8CodeUnitCount else { return false }
        let pointer = text.utf8Start
        var offset = 0
        while offset < range.count {
            if bytes[range.lowerBound + offset] != pointer[offset] { return false }
            offset += 1
        }
        return true
    }

    /// Whether the bytes in `range` begin with `prefix`.
    func hasPrefix(_ range: Range<Int>, _ prefix: StaticString) -> Bool {
        guard range.count >= prefix.utf8CodeUnitCount else { return false }
        return matches(range.lowerBound..<(range.lowerBound + prefix.utf8CodeUnitCount), prefix)
    }

    func slice(_ range: Range<Int>) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: bytes[range])
    }

    /// The text of a range, for error messages and symbol tables only (allocates).
    func text(_ range: Range<Int>) -> String {
        String(decoding: slice(range), as: UTF8.self)
    }

    /// A decimal in a string or number value ("61800.20" or 61800.2).
    func decimal(_ value: Value?, _ field: StaticString) throws(MarketDataFault) -> FixedDecimal {
        guard let value else { throw MarketDataFault(.malformedJSON, "missing field \"\(field)\"") }
        switch FixedDecimal.parse(slice(value.range)) {
        case .success(let decimal): return decimal
        case .failure(let error):
            throw MarketDataFault(.badNumber, "\"\(field)\" is \"\(text(value.range))\" (\(error))")
        }
    }

    /// A level's price or quantity where it stands: a quoted number ("61800.20", the venues' form)
    /// found by one tight scan to its closing quote and parsed; any other value takes `readValue`
    /// and `decimal`, with their messages. (Read as a value first, then parsed, each level's
    /// numbers cost twice the scanning.)
    @inline(__always)
    mutating func readLevelDecimal(_ field: StaticString) throws(MarketDataFault) -> FixedDecimal {
        skipSpace()
        let start = index
        if index < end, bytes[index] == UInt8(ascii: "\""), let contents = try? readString(),
           case .success(let decimal) = FixedDecimal.parse(slice(contents)) {
            return decimal
        }
        index = start
        return try decimal(readValue(), field)
    }

    /// A whole number (an id or a time in milliseconds), quoted or not.
    func integer(_ value: Value?, _ field: StaticString) throws(MarketDataFault) -> Int64 {
        guard let value else { throw MarketDataFault(.malformedJSON, "missing field \"\(field)\"") }
        guard let number = JSONCursor.parseInteger(slice(value.range)) else {
            throw MarketDataFault(.badNumber, "\"\(field)\" is \"\(text(value.range))\", not a whole number")
        }
        return number
    }

    /// Parses ASCII digits (optional leading '-') into an `Int64`; nil on anything else or overflow.
    static func parseInteger(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        var index = 0
        var negative = false
        if bytes.count > 0 && bytes[0] == UInt8(ascii: "-") { negative = true; index = 1 }
        if index >= bytes.count { return nil }
        var value: Int64 = 0
        while index < bytes.count {
            let digit = bytes[index] &- UInt8(ascii: "0")
            if digit > 9 { return nil }
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(Int64(digit))
            if o1 || o2 { return nil }
            value = sum
            index += 1
        }
        return negative ? -value : value
    }

    /// Calls `body` with each `[price, quantity]` pair of an array like `[["61800.20","0.014"],...]`.
    func forEachLevel(
        _ value: Value?, _ field: StaticString, _ body: (FixedDecimal, FixedDecimal) throws(MarketDataFault) -> Void
    ) throws(MarketDataFault) {
        guard let value, value.kind == .array else {
            throw MarketDataFault(.malformedJSON, "\"\(field)\" is missing or not an array of levels")
        }
        var inner = JSONCursor(bytes, range: value.range)
        try inner.expect(UInt8(ascii: "["))
        if inner.consume(UInt8(ascii: "]")) { return }
        repeat {
            try inner.expect(UInt8(ascii: "["))
            let price = try inner.readLevelDecimal(field)
            try inner.expect(UInt8(ascii: ","))
            let quantity = try inner.readLevelDecimal(field)
            try inner.expect(UInt8(ascii: "]"))
            try body(price, quantity)
        } while inner.consume(UInt8(ascii: ","))
        try inner.expect(UInt8(ascii: "]"))
    }
}
