import HedgeCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The quote CSV's common row, `ts_ns,venue,symbol,bid_px,bid_qty,ask_px,ask_qty`, parsed in one
/// pass over its bytes straight into a `Quote`: no field slices, no `Result`, no event enum.
///
/// It accepts only the plain form: whole nanoseconds, a selected "venue,symbol", and four
/// unsigned decimals with at most 10 integer and 8 fractional digits, making a usable quote.
/// Anything else (a sign, an exponent, a bad character, a crossed book, an unselected or
/// unknown instrument) returns nil, and `QuoteCSV` decodes the line the general way, which
/// gives every bad input its message. So the result is always what the general path gives.
enum QuoteRowParser {
    /// The index in `keys` of the row's instrument and its quote, or nil for the general path.
    /// - Parameters:
    ///   - keys: per selected instrument, "venue,symbol" in UTF-8.
    ///   - lastMatch: the key matched last, tried first (rows come in runs of one instrument).
    static func parse(_ line: UnsafeBufferPointer<UInt8>, keys: [[UInt8]], lastMatch: inout Int) -> (entry: Int, quote: Quote)? {
        guard let base = line.baseAddress else { return nil }
        let end = line.count
        var index = 0
        // ts_ns: 1 to 19 digits, then a comma; today's 19 digits eight at a time.
        var nanoseconds: UInt64 = 0
        if end > 19, let whole = nineteenDigits(base), base[19] == UInt8(ascii: ",") {
            nanoseconds = whole
            index = 19
        } else {
            while index < end {
                let digit = base[index] &- UInt8(ascii: "0")
                if digit > 9 { break }
                nanoseconds = nanoseconds &* 10 &+ UInt64(digit)
                index += 1
            }
            guard index > 0, index <= 19, index < end, base[index] == UInt8(ascii: ",") else { return nil }
        }
        guard nanoseconds <= UInt64(Int64.max) else { return nil }
        index += 1
        // "venue,symbol": the last match compared in place, else up to the second comma from here.
        let entry: Int
        if lastMatch < keys.count, let length = matchInPlace(base + index, end - index, key: keys[lastMatch]) {
            entry = lastMatch
            index += length + 1
        } else {
            let keyStart = index
            var commas = 0
            while index < end {
                if base[index] == UInt8(ascii: ",") {
                    commas += 1
                    if commas == 2 { break }
                }
                index += 1
            }
            guard commas == 2, let found = match(base + keyStart, index - keyStart, keys: keys, lastMatch: &lastMatch) else { return nil }
            entry = found
            index += 1
        }
        guard let bid = decimal(base, &index, end, last: false),
              let bidSize = decimal(base, &index, end, last: false),
              let ask = decimal(base, &index, end, last: false),
              let askSize = decimal(base, &index, end, last: true) else { return nil }
        let quote = Quote(bid: FixedDecimal(units: bid), bidSize: FixedDecimal(units: bidSize),
                          ask: FixedDecimal(units: ask), askSize: FixedDecimal(units: askSize),
                          time: Timestamp(nanoseconds: Int64(nanoseconds)))
        guard quote.isUsable else { return nil }
        return (entry, quote)
    }

    private static func match(_ key: UnsafePointer<UInt8>, _ length: Int, keys: [[UInt8]], lastMatch: inout Int) -> Int? {
        func same(_ index: Int) -> Bool {
            keys[index].count == length && keys[index].withUnsafeBufferPointer { memcmp($0.baseAddress!, key, length) == 0 }
        }
        if lastMatch < keys.count, same(lastMatch) { return lastMatch }
        for index in keys.indices where same(index) {
            lastMatch = index
            return index
        }
        return nil
    }

    /// The length of `key` when `bytes` start with it followed by a comma.
    @inline(__always)
    private static func matchInPlace(_ bytes: UnsafePointer<UInt8>, _ available: Int, key: [UInt8]) -> Int? {
        let length = key.count
        guard length > 0, available > length, bytes[length] == UInt8(ascii: ","),
              key.withUnsafeBufferPointer({ memcmp($0.baseAddress!, bytes, length) == 0 }) else { return nil }
        return length
    }

    /// The value of 19 ASCII digits at `bytes`, or nil when one is not a digit: two 8-byte words
    /// checked and converted at once (SWAR, as simdjson does), then three single digits.
    @inline(__always)
    private static func nineteenDigits(_ bytes: UnsafePointer<UInt8>) -> UInt64? {
        let raw = UnsafeRawPointer(bytes)
        let first = raw.loadUnaligned(as: UInt64.self)
        let second = raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
        guard allDigits(first), allDigits(second) else { return nil }
        let d16 = bytes[16] &- UInt8(ascii: "0"), d17 = bytes[17] &- UInt8(ascii: "0"), d18 = bytes[18] &- UInt8(ascii: "0")
        guard d16 <= 9, d17 <= 9, d18 <= 9 else { return nil }
        // At most 99999999 × 10^11 + ... < 10^19 < UInt64.max: no overflow.
        return eightDigits(first) &* 100_000_000_000 &+ eightDigits(second) &* 1_000
            &+ UInt64(d16) &* 100 &+ UInt64(d17) &* 10 &+ UInt64(d18)
    }

    /// Whether all eight bytes of a little-endian word are ASCII digits.
    @inline(__always)
    private static func allDigits(_ word: UInt64) -> Bool {
        (word & 0xF0F0_F0F0_F0F0_F0F0) == 0x3030_3030_3030_3030
            && ((word &+ 0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0) == 0x3030_3030_3030_3030
    }

    /// Eight ASCII digits (first digit in the lowest byte) as their value.
    @inline(__always)
    private static func eightDigits(_ word: UInt64) -> UInt64 {
        var value = word &- 0x3030_3030_3030_3030
        value = value &* 10 &+ (value >> 8)
        value = ((value & 0x0000_00FF_0000_00FF) &* 0x000F_4240_0000_0064
            &+ ((value >> 16) & 0x0000_00FF_0000_00FF) &* 0x0000_2710_0000_0001) >> 32
        return value & 0xFFFF_FFFF
    }

    /// 10^(8 − fractional digits), to scale a mantissa to `FixedDecimal` units.
    private static let scales: [Int64] = [100_000_000, 10_000_000, 1_000_000, 100_000, 10_000, 1_000, 100, 10, 1]

    /// An unsigned decimal's units, ending at a comma (or, when `last`, at the end of the line);
    /// moves `index` past the comma. Nil outside the plain form.
    @inline(__always)
    private static func decimal(_ base: UnsafePointer<UInt8>, _ index: inout Int, _ end: Int, last: Bool) -> Int64? {
        var position = index
        var whole: Int64 = 0
        let wholeStart = position
        while position < end {
            let digit = base[position] &- UInt8(ascii: "0")
            if digit > 9 { break }
            whole = whole &* 10 &+ Int64(digit)
            position += 1
        }
        let wholeDigits = position - wholeStart
        guard wholeDigits <= 10 else { return nil }
        var fraction: Int64 = 0
        var fractionDigits = 0
        if position < end && base[position] == UInt8(ascii: ".") {
            position += 1
            let fractionStart = position
            while position < end {
                let digit = base[position] &- UInt8(ascii: "0")
                if digit > 9 { break }
                fraction = fraction &* 10 &+ Int64(digit)
                position += 1
            }
            fractionDigits = position - fractionStart
            guard fractionDigits <= 8 else { return nil }
        }
        guard wholeDigits + fractionDigits > 0 else { return nil }
        if last {
            guard position == end else { return nil }
        } else {
            guard position < end, base[position] == UInt8(ascii: ",") else { return nil }
            position += 1
        }
        index = position
        return whole &* FixedDecimal.one &+ fraction &* scales[fractionDigits]
    }
}
