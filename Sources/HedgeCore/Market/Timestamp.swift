/// A point in time as nanoseconds since the Unix epoch (UTC).
///
/// Core reads no clock: every time arrives as a `Timestamp` argument, from the venue's event
/// time in a replay or from the runtime's clock when live.
public struct Timestamp: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var nanoseconds: Int64

    @inlinable public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }
    @inlinable public init(milliseconds: Int64) { self.nanoseconds = milliseconds &* 1_000_000 }
    @inlinable public init(seconds: Int64) { self.nanoseconds = seconds &* 1_000_000_000 }

    public static let zero = Timestamp(nanoseconds: 0)

    @inlinable public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

    @inlinable public static func + (lhs: Timestamp, rhs: Duration) -> Timestamp {
        Timestamp(nanoseconds: lhs.nanoseconds &+ rhs.nanosecondsClamped)
    }

    @inlinable public static func - (lhs: Timestamp, rhs: Timestamp) -> Duration {
        .nanoseconds(lhs.nanoseconds &- rhs.nanoseconds)
    }

    /// Seconds since the epoch as a `Double`, for statistics and display.
    public var secondsSinceEpoch: Double { Double(nanoseconds) / 1e9 }

    /// ISO 8601 in UTC with milliseconds: "2024-08-08T23:54:15.123Z".
    public var description: String {
        let civil = CivilTime(self)
        return civil.isoString(millisecond: true)
    }
}

extension Duration {
    /// Whole nanoseconds, clamped to `Int64`.
    @inlinable public var nanosecondsClamped: Int64 {
        let (seconds, attoseconds) = components
        let (ns, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        return ns &+ attoseconds / 1_000_000_000
    }

    /// Seconds as a `Double`, for statistics and display.
    public var secondsDouble: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// A compact human form: "45s", "3m12s", "2h05m", "3d04h".
    public var compact: String {
        let total = Swift.max(0, nanosecondsClamped / 1_000_000_000)
        if total < 60 { return "\(total)s" }
        if total < 3600 { return "\(total / 60)m\(pad2(total % 60))s" }
        if total < 86400 { return "\(total / 3600)h\(pad2(total % 3600 / 60))m" }
        return "\(total / 86400)d\(pad2(total % 86400 / 3600))h"
    }
}

@usableFromInline func pad2(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }

/// Calendar fields of a `Timestamp` in UTC, computed without Foundation.
public struct CivilTime: Sendable, Equatable {
    public var year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, millisecond: Int

    public init(_ time: Timestamp) {
        let ns = time.nanoseconds
        var seconds = ns / 1_000_000_000
        var remainderNs = ns % 1_000_000_000
        if remainderNs < 0 { remainderNs += 1_000_000_000; seconds -= 1 }
        var days = seconds / 86400
        var secondOfDay = seconds % 86400
        if secondOfDay < 0 { secondOfDay += 86400; days -= 1 }
        // Howard Hinnant's days-from-civil inverse.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        year = Int(yoe + era * 400 + (m <= 2 ? 1 : 0))
        month = Int(m)
        day = Int(d)
        hour = Int(secondOfDay / 3600)
        minute = Int(secondOfDay % 3600 / 60)
        second = Int(secondOfDay % 60)
        millisecond = Int(remainderNs / 1_000_000)
    }

    public func isoString(millisecond withMillis: Bool) -> String {
        var text = "\(year)-\(pad2(Int64(month)))-\(pad2(Int64(day)))T\(clock)"
        if withMillis {
            let ms = String(millisecond)
            text += "." + String(repeating: "0", count: 3 - ms.count) + ms
        }
        return text + "Z"
    }

    /// "23:54:15"
    public var clock: String { "\(pad2(Int64(hour))):\(pad2(Int64(minute))):\(pad2(Int64(second)))" }
}
