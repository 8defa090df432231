import HedgeCore

/// A min-heap of events by (venue time, arrival order): puts a file's slightly late events back
/// in order, and keeps equal times in the order they were read so replays are repeatable.
struct ReorderBuffer {
    private struct Entry {
        var time: Int64
        var sequence: Int
        var event: MarketEvent
        func precedes(_ other: Entry) -> Bool { time != other.time ? time < other.time : sequence < other.sequence }
    }

    private var heap: [Entry] = []
    private var sequence = 0

    var isEmpty: Bool { heap.isEmpty }
    var earliestTime: Int64? { heap.first?.time }

    mutating func push(_ event: MarketEvent) {
        heap.append(Entry(time: event.time.nanoseconds, sequence: sequence, event: event))
        sequence += 1
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func popEarliest() -> MarketEvent? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let earliest = heap.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < heap.count && heap[left].precedes(heap[smallest]) { smallest = left }
            if right < heap.count && heap[right].precedes(heap[smallest]) { smallest = right }
            if smallest == parent { break }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
        return earliest.event
    }
}
