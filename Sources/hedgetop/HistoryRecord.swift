import HedgeCore
import HedgeEngine

/// One cycle as `hedgetop history --json` prints it: times as ISO-8601 UTC strings with
/// milliseconds ("2021-04-17T16:38:01.329Z"), which a script or a person reads without knowing
/// the journal's nanosecond epoch; the other fields as the journal keeps them.
struct HistoryRecord: Encodable {
    var strategy: String
    var openedAt: String?
    var entrySpreadBps: FixedDecimal?
    var closedAt: String?
    var exitSpreadBps: FixedDecimal?
    var netPnL: FixedDecimal?
    var reason: String?

    init(_ cycle: Journal.CycleRow) {
        strategy = cycle.strategy
        openedAt = cycle.openedAt.map { CivilTime($0).isoString(millisecond: true) }
        entrySpreadBps = cycle.entrySpreadBps
        closedAt = cycle.closedAt.map { CivilTime($0).isoString(millisecond: true) }
        exitSpreadBps = cycle.exitSpreadBps
        netPnL = cycle.netPnL
        reason = cycle.reason
    }
}
