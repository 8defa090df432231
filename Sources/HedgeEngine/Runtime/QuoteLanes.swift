import HedgeCore

/// The engine's FIFOs of quotes waiting out their market-data latency, one per instrument
/// ("lane"), as ring buffers in memory this object owns.
///
/// A `[Deque]` cost two uniqueness checks and a bounds check per push and per pop (the array,
/// then the deque); here a push or a pop is a few loads and stores. It is a class only to own
/// its memory: the `EventQueue` holding it is never copied (one engine, one queue).
final class QuoteLanes {
    struct Entry {
        var time: Int64
        var sequence: UInt64
        var quote: Quote
    }

    private struct Ring {
        var buffer: UnsafeMutablePointer<Entry>
        var capacity: Int
        var head = 0
        var count = 0
    }

    // One owner, no overlapping access: no dynamic exclusivity checks.
    @exclusivity(unchecked) private var rings: [Ring] = []

    deinit {
        for ring in rings { ring.buffer.deallocate() }
    }

    var laneCount: Int { rings.count }

    /// Adds lanes up to `lane`.
    func ensure(_ lane: Int) {
        while rings.count <= lane {
            rings.append(Ring(buffer: .allocate(capacity: 64), capacity: 64))
        }
    }

    func isEmpty(_ lane: Int) -> Bool { rings[lane].count == 0 }

    /// The lane's oldest entry; the lane must not be empty.
    func first(_ lane: Int) -> Entry {
        let ring = rings[lane]
        return ring.buffer[ring.head]
    }

    func append(_ entry: Entry, to lane: Int) {
        rings.withUnsafeMutableBufferPointer { rings in
            if rings[lane].count == rings[lane].capacity { Self.grow(&rings[lane]) }
            var index = rings[lane].head + rings[lane].count
            if index >= rings[lane].capacity { index -= rings[lane].capacity }
            (rings[lane].buffer + index).initialize(to: entry)
            rings[lane].count += 1
        }
    }

    /// Removes and returns the lane's oldest entry; the lane must not be empty.
    func removeFirst(_ lane: Int) -> Entry {
        rings.withUnsafeMutableBufferPointer { rings in
            let entry = (rings[lane].buffer + rings[lane].head).move()
            rings[lane].head += 1
            if rings[lane].head == rings[lane].capacity { rings[lane].head = 0 }
            rings[lane].count -= 1
            return entry
        }
    }

    /// Doubles a full ring, its entries moved to the front in order.
    private static func grow(_ ring: inout Ring) {
        let larger = UnsafeMutablePointer<Entry>.allocate(capacity: ring.capacity * 2)
        let firstPart = ring.capacity - ring.head
        (larger).moveInitialize(from: ring.buffer + ring.head, count: firstPart)
        (larger + firstPart).moveInitialize(from: ring.buffer, count: ring.head)
        ring.buffer.deallocate()
        ring.buffer = larger
        ring.capacity *= 2
        ring.head = 0
    }
}
