/// Moves a recording's venue timestamps into the present, so a client measuring event time →
/// receipt (as hedgetop's connectors do) sees the recorded latency instead of a two-year gap.
///
/// One offset for the whole playback keeps every relation the venue made: the order of events,
/// `E` against `T`, the spacing of funding times. Only integer values of the venue's time keys
/// are moved (Binance `E`, `T`; Bybit `ts`, `cts`); string values and every other field stay
/// byte for byte as recorded.
public enum EventTimeShift {
    static let keys: [[UInt8]] = [Array(#""E":"#.utf8), Array(#""T":"#.utf8), Array(#""ts":"#.utf8), Array(#""cts":"#.utf8)]

    /// `text` with every time key's integer value moved by `milliseconds`.
    public static func shift(_ text: String, by milliseconds: Int64) -> String {
        guard milliseconds != 0 else { return text }
        var bytes = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + 8)
        var index = 0
        var changed = false
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "\""), let key = keys.first(where: { matches($0, in: bytes, at: index) }) else {
                output.append(bytes[index])
                index += 1
                continue
            }
            output.append(contentsOf: key)
            index += key.count
            var end = index
            while end < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[end]) { end += 1 }
            guard end > index, end - index <= 18, let value = Int64(String(decoding: bytes[index..<end], as: UTF8.self)) else { continue }
            output.append(contentsOf: String(value + milliseconds).utf8)
            index = end
            changed = true
        }
        if !changed { return text }
        bytes = output
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func matches(_ key: [UInt8], in bytes: [UInt8], at index: Int) -> Bool {
        guard index + key.count <= bytes.count else { return false }
        for offset in key.indices where bytes[index + offset] != key[offset] { return false }
        return true
    }
}
