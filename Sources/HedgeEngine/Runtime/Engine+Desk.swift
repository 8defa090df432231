import HedgeCore
import HedgeVenues

/// The day's baseline behind the desk's "today": taken at 00:00 UTC by the engine's clock, so a
/// replay at any speed starts its days at the data's midnights.
extension TradingEngine {
    /// A new UTC day began at or before `time`: each strategy's PnL now (before the event at
    /// `time` is handled, so at the last prices of the day before) is where today starts.
    @inline(never)
    func rollDay(at time: Timestamp) {
        day = DayBaseline(from: DayBaseline.startOfDay(time), marks: [:])
        markDayWherePriced()
        nextDayRoll = DayBaseline.nextDay(after: time)
    }

    /// A strategy that had no prices when the day began is marked once it has some.
    func markDayWherePriced() {
        guard day.marks.count < runners.count else { return }
        for index in runners.indices where day.marks[runners[index].name] == nil {
            if let pnl = runners[index].machine.pnlBreakdown() { day.marks[runners[index].name] = DayBaseline.Mark(net: pnl.net, realised: pnl.realised) }
        }
    }

    /// After recovery: when the journal holds trades or funding from before today, their PnL at
    /// 00:00 is unknown, so today counts from this restart; otherwise everything is today's.
    func restartDay(journal: Journal) throws {
        let midnight = DayBaseline.startOfDay(now)
        var before = try journal.fills().contains { $0.fill.time < midnight }
        for index in runners.indices where !before {
            before = try journal.fundingPayments(strategy: runners[index].name).contains { $0.time < midnight }
        }
        guard before else { return }
        // Marked at the first snapshot with prices (none have arrived yet).
        day = DayBaseline(from: now, marks: [:])
    }
}
