import HeapModule
import HedgeCore
import HedgeVenues

/// What the engine has scheduled for later: orders in flight, venue answers, timers.
enum ScheduledItem: Sendable {
    /// An order reaches its venue after the outbound latency.
    case orderArrives(strategy: Int, OrderRequest)
    /// A cancel request reaches its venue.
    case cancelArrives(strategy: Int, OrderID, Leg)
    /// A venue's answer reaches the strategy after the inbound latency.
    case orderUpdate(strategy: Int, Leg, OrderUpdate)
    /// A strategy timer fires (if it is still the current one).
    case timer(strategy: Int, StrategyTimer, generation: UInt64)
    /// Market data reaches the strategies after the market-data latency.
    case marketData(MarketEvent)
    /// Something the venue did on its own (funding, liquidation, settlement) reaches the strategies.
    case venueReport(VenueReport)
}

/// A time-ordered queue; items due at the same instant keep the order they were scheduled in,
/// so runs are deterministic.
struct EventQueue {
    private struct Entry: Comparable {
        var time: Timestamp
        var sequence: UInt64
        var item: ScheduledItem

        static func < (lhs: Entry, rhs: Entry) -> Bool {
            lhs.time < rhs.time || (lhs.time == rhs.time && lhs.sequence < rhs.sequence)
        }

        static func == (lhs: Entry, rhs: Entry) -> Bool {
            lhs.time == rhs.time && lhs.sequence == rhs.sequence
        }
    }

    private var heap = Heap<Entry>()
    private var sequence: UInt64 = 0

    mutating func schedule(_ item: ScheduledItem, at time: Timestamp) {
        sequence += 1
        heap.insert(Entry(time: time, sequence: sequence, item: item))
    }

    var nextTime: Timestamp? { heap.min?.time }

    /// Removes and returns the earliest item if it is due at or before `time`.
    mutating func popDue(notAfter time: Timestamp) -> (Timestamp, ScheduledItem)? {
        guard let first = heap.min, first.time <= time else { return nil }
        _ = heap.removeMin()
        return (first.time, first.item)
    }

    var isEmpty: Bool { heap.isEmpty }
    var count: Int { heap.count }
}
