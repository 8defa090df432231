import HedgeCore

/// A span of data time a replay trades in, `[start, end)`: a walk-forward fold. The data before
/// `start` still runs (books, rolling statistics, margin) with every strategy paused, so a fold
/// starts warmed up on the past, never on its own future; the run stops before `end`.
public struct ReplayWindow: Sendable, Hashable, Codable {
    public var start: Timestamp
    public var end: Timestamp

    public init(start: Timestamp, end: Timestamp) {
        self.start = start
        self.end = end
    }

    /// `--from` and `--to` as the command line gives them (either may be missing: the data's
    /// start or end); nil when both are.
    public init?(from: String?, to: String?) throws(ReplayFailure) {
        guard from != nil || to != nil else { return nil }
        func time(_ text: String?, _ option: String, _ otherwise: Timestamp) throws(ReplayFailure) -> Timestamp {
            guard let text else { return otherwise }
            guard let time = Self.parseTime(text) else {
                throw ReplayFailure("\(option) takes a UTC time such as 2024-08-08T23:56:00Z (fractions of a second allowed) or nanoseconds since 1970, got \(text)")
            }
            return time
        }
        start = try time(from, "--from", Timestamp(nanoseconds: .min))
        end = try time(to, "--to", Timestamp(nanoseconds: .max))
        guard start < end else { throw ReplayFailure("--from must be before --to") }
    }

    /// "2024-08-08T23:56:00.5Z" (UTC, up to nine decimals) or whole nanoseconds since 1970.
    public static func parseTime(_ text: String) -> Timestamp? {
        if let nanoseconds = Int64(text) { return Timestamp(nanoseconds: nanoseconds) }
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes.last == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            var value: Int64 = 0
            for byte in bytes[range] {
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int64(byte - 48)
            }
            return value
        }
        let separators: [(Int, UInt8)] = [(4, UInt8(ascii: "-")), (7, UInt8(ascii: "-")), (10, UInt8(ascii: "T")), (13, UInt8(ascii: ":")), (16, UInt8(ascii: ":"))]
        guard separators.allSatisfy({ bytes[$0.0] == $0.1 }),
              let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 60 else { return nil }
        var fraction: Int64 = 0
        let rest = 19..<(bytes.count - 1)
        if !rest.isEmpty {
            let digits = rest.count - 1
            guard bytes[19] == UInt8(ascii: "."), (1...9).contains(digits), let value = number(20..<(bytes.count - 1)) else { return nil }
            fraction = value
            for _ in digits..<9 { fraction *= 10 }
        }
        // Howard Hinnant's days-from-civil (the inverse of `CivilTime`).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        let seconds = days * 86400 + hour * 3600 + minute * 60 + second
        return Timestamp(nanoseconds: seconds * 1_000_000_000 + fraction)
    }

    /// A time as `--from`/`--to` take it back: UTC with every nanosecond that is not zero.
    public static func text(_ time: Timestamp) -> String {
        var ns = time.nanoseconds % 1_000_000_000
        if ns < 0 { ns += 1_000_000_000 }
        let base = CivilTime(time).isoString(millisecond: false).dropLast()
        guard ns != 0 else { return base + "Z" }
        var digits = String(ns)
        digits = String(repeating: "0", count: 9 - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return base + "." + digits + "Z"
    }

    /// The options that give this window back to `hedgetop replay` (an open side left out).
    public var arguments: [String] {
        (start.nanoseconds == .min ? [] : ["--from", Self.text(start)]) + (end.nanoseconds == .max ? [] : ["--to", Self.text(end)])
    }
}
