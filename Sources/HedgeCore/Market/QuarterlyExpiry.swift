/// The quarterly delivery schedule of Binance's and Bybit's dated futures: the last Friday of
/// March, June, September and December at 08:00 UTC. A venue lists the next two (this quarter's
/// and the next), so a paper market lists the same, counted from its clock's date.
public enum QuarterlyExpiry {
    /// The next `count` quarterly deliveries strictly after `time`, nearest first.
    public static func next(_ count: Int, after time: Timestamp) -> [Timestamp] {
        let civil = CivilTime(time)
        var year = civil.year
        // The quarter's month at or after this month: 3, 6, 9 or 12.
        var month = (civil.month + 2) / 3 * 3
        var deliveries: [Timestamp] = []
        while deliveries.count < count {
            let delivery = self.delivery(year: year, month: month)
            if delivery > time { deliveries.append(delivery) }
            month += 3
            if month > 12 { month = 3; year += 1 }
        }
        return deliveries
    }

    /// 08:00 UTC on the last Friday of `month` in `year`.
    public static func delivery(year: Int, month: Int) -> Timestamp {
        let firstOfNext = month == 12 ? daysFromCivil(year + 1, 1, 1) : daysFromCivil(year, month + 1, 1)
        let lastDay = firstOfNext - 1
        // 1970-01-01 was a Thursday: weekday 0 = Thursday, 1 = Friday.
        let weekday = ((lastDay % 7) + 7) % 7
        let lastFriday = lastDay - ((weekday - 1 + 7) % 7)
        return Timestamp(seconds: lastFriday * 86_400 + 8 * 3600)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
    static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
