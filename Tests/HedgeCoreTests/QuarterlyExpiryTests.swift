import Testing
@testable import HedgeCore

@Suite("Quarterly contracts deliver on the venues' schedule")
struct QuarterlyExpiryTests {
    /// 08:00 UTC on these days (seconds since the epoch, from Python's `datetime`).
    static let march2024 = Timestamp(seconds: 1_711_699_200)     // Fri 2024-03-29
    static let december2025 = Timestamp(seconds: 1_766_736_000)  // Fri 2025-12-26
    static let march2026 = Timestamp(seconds: 1_774_598_400)     // Fri 2026-03-27
    static let june2026 = Timestamp(seconds: 1_782_460_800)      // Fri 2026-06-26
    static let september2026 = Timestamp(seconds: 1_790_323_200) // Fri 2026-09-25
    static let december2026 = Timestamp(seconds: 1_798_185_600)  // Fri 2026-12-25
    static let march2027 = Timestamp(seconds: 1_806_048_000)     // Fri 2027-03-26

    @Test("delivery is 08:00 UTC on the last Friday of the quarter's month", arguments: [
        (2024, 3, march2024), (2025, 12, december2025), (2026, 3, march2026), (2026, 6, june2026),
        (2026, 9, september2026), (2026, 12, december2026), (2027, 3, march2027),
    ])
    func lastFriday(year: Int, month: Int, expected: Timestamp) {
        #expect(QuarterlyExpiry.delivery(year: year, month: month) == expected)
        let civil = CivilTime(expected)
        #expect(civil.hour == 8 && civil.minute == 0)
    }

    @Test("the day before the March delivery lists March and June; the day after, June and September")
    func aroundTheMarchRoll() {
        let day = Duration.seconds(86_400)
        #expect(QuarterlyExpiry.next(2, after: Self.march2026 - day) == [Self.march2026, Self.june2026])
        #expect(QuarterlyExpiry.next(2, after: Self.march2026 - .seconds(1)) == [Self.march2026, Self.june2026])
        // At the delivery instant the March contract is settled: no longer listed.
        #expect(QuarterlyExpiry.next(2, after: Self.march2026) == [Self.june2026, Self.september2026])
        #expect(QuarterlyExpiry.next(2, after: Self.march2026 + day) == [Self.june2026, Self.september2026])
    }

    @Test("across a year end the next March follows December")
    func aroundTheYearEnd() {
        let day = Duration.seconds(86_400)
        #expect(QuarterlyExpiry.next(2, after: Self.december2026 - day) == [Self.december2026, Self.march2027])
        // 2026-12-31 and 2027-01-01: the March 2027 contract is this quarter's.
        #expect(QuarterlyExpiry.next(1, after: Self.december2026 + .seconds(6 * 86_400)) == [Self.march2027])
        #expect(QuarterlyExpiry.next(1, after: Self.december2026 + .seconds(7 * 86_400)) == [Self.march2027])
    }
}

extension Timestamp {
    fileprivate static func - (lhs: Timestamp, rhs: Duration) -> Timestamp { lhs + .nanoseconds(-rhs.nanosecondsClamped) }
}
