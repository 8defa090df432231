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
    /// A venue's connection changes as it said it would (an outage starts or ends): the event log says so.
    case venueHealthChange(venue: Int)
}

/// A time-ordered queue; items due at the same instant keep the order they were scheduled in,
/// so runs are deterministic.
///
/// Quotes waiting out their market-data latency go in a FIFO per instrument ("lane") instead of
/// the heap: the engine keeps each instrument's arrival times monotonic, so a lane is already in
/// time order, and a push or pop is a few stores instead of a heap sift over entries holding an
/// enum. Lanes and heap share one sequence counter, and the earliest item is chosen by (time,
/// sequence) across the heap's top and each lane's head: the order is exactly one heap's.
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
    private let lanes = QuoteLanes()
    /// Quotes waiting in all lanes.
    private var laneCount = 0
    /// The lane whose head is earliest by (time, sequence), kept up to date on every push and
    /// pop: the run loop asks for it several times per event.
    private var earliest: (lane: Int, time: Int64, sequence: UInt64)?
    private var sequence: UInt64 = 0

    mutating func schedule(_ item: ScheduledItem, at time: Timestamp) {
        sequence += 1
        heap.insert(Entry(time: time, sequence: sequence, item: item))
    }

    /// Queues a quote on `lane`; `time` must not be earlier than the lane's last.
    mutating func schedule(_ quote: Quote, lane: Int, at time: Timestamp) {
        sequence += 1
        lanes.ensure(lane)
        let wasEmpty = lanes.isEmpty(lane)
        lanes.append(QuoteLanes.Entry(time: time.nanoseconds, sequence: sequence, quote: quote), to: lane)
        laneCount += 1
        // Only a new head can change the earliest; a later sequence loses ties.
        if wasEmpty, earliest.map({ time.nanoseconds < $0.time }) ?? true {
            earliest = (lane, time.nanoseconds, sequence)
        }
    }

    private func earliestLane() -> (lane: Int, time: Int64, sequence: UInt64)? { earliest }

    /// Works out `earliest` again (after a pop).
    private func findEarliestLane() -> (lane: Int, time: Int64, sequence: UInt64)? {
        guard laneCount > 0 else { return nil }
        var best: (lane: Int, time: Int64, sequence: UInt64)?
        for index in 0..<lanes.laneCount {
            guard !lanes.isEmpty(index) else { continue }
            let head = lanes.first(index)
            if let current = best, current.time < head.time || (current.time == head.time && current.sequence < head.sequence) { continue }
            best = (index, head.time, head.sequence)
        }
        return best
    }

    @inline(__always)
    var nextTime: Timestamp? {
        let top = heap.min?.time
        guard let lane = earliestLane() else { return top }
        guard let top, top.nanoseconds <= lane.time else { return Timestamp(nanoseconds: lane.time) }
        return top
    }

    /// Removes and returns the earliest quote if it is due at or before `time` and comes before
    /// every other item. Plain values out: no enum to destroy per quote.
    mutating func popDueQuote(notAfter time: Timestamp) -> (time: Timestamp, lane: Int, quote: Quote)? {
        guard let lane = earliestLane(), lane.time <= time.nanoseconds, laneComesFirst(lane) else { return nil }
        let entry = lanes.removeFirst(lane.lane)
        laneCount -= 1
        earliest = findEarliestLane()
        return (Timestamp(nanoseconds: entry.time), lane.lane, entry.quote)
    }

    /// Removes and returns the earliest item if it is due at or before `time` and is not a
    /// quote (those come from `popDueQuote`, asked first).
    mutating func popDue(notAfter time: Timestamp) -> (Timestamp, ScheduledItem)? {
        if let lane = earliestLane(), laneComesFirst(lane) { return nil }
        guard let first = heap.min, first.time <= time else { return nil }
        _ = heap.removeMin()
        return (first.time, first.item)
    }

    /// Whether a lane's head comes before the heap's top.
    private func laneComesFirst(_ lane: (lane: Int, time: Int64, sequence: UInt64)) -> Bool {
        guard let top = heap.min else { return true }
        return lane.time < top.time.nanoseconds || (lane.time == top.time.nanoseconds && lane.sequence < top.sequence)
    }

    var isEmpty: Bool { heap.isEmpty && laneCount == 0 }
    var count: Int { heap.count + laneCount }
}
