import HedgeCore

/// A min-heap of events by (venue time, arrival order): puts a file's slightly late events back
/// in order, and keeps equal times in the order they were read so replays are repeatable.
///
/// The heap moves small plain entries; each event stays in its slot from push to pop (a
/// `MarketEvent` holds strings and arrays, so moving one costs reference counting every time).
struct ReorderBuffer {
    private struct Entry {
        var time: Int64
        var sequence: Int
        var slot: Int
        @inline(__always) func precedes(_ other: Entry) -> Bool { time != other.time ? time < other.time : sequence < other.sequence }
    }

    private var heap: [Entry] = []
    private var slots: [MarketEvent?] = []
    private var freeSlots: [Int] = []
    private var sequence = 0

    var isEmpty: Bool { heap.isEmpty }
    var earliestTime: Int64? { heap.first?.time }

    mutating func push(_ event: MarketEvent) {
        let slot: Int
        if let free = freeSlots.popLast() {
            slot = free
            slots[slot] = event
        } else {
            slot = slots.count
            slots.append(event)
        }
        heap.append(Entry(time: event.time.nanoseconds, sequence: sequence, slot: slot))
        sequence += 1
        var child = heap.count - 1
        let entry = heap[child]
        while child > 0 {
            let parent = (child - 1) / 2
            guard entry.precedes(heap[parent]) else { break }
            heap[child] = heap[parent]
            child = parent
        }
        heap[child] = entry
    }

    mutating func popEarliest() -> MarketEvent? {
        guard let earliest = heap.first else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            // Sift the last entry down from the root.
            var parent = 0
            let count = heap.count
            while true {
                let left = 2 * parent + 1
                guard left < count else { break }
                let right = left + 1
                let child = right < count && heap[right].precedes(heap[left]) ? right : left
                guard heap[child].precedes(last) else { break }
                heap[parent] = heap[child]
                parent = child
            }
            heap[parent] = last
        }
        var event: MarketEvent?
        swap(&event, &slots[earliest.slot])
        freeSlots.append(earliest.slot)
        return event
    }
}
