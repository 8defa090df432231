import HedgeCore

/// The few events one tick of a synthetic market produces, handed out in order without
/// shifting an array each time.
struct SyntheticEventQueue: Sendable {
    private var events: [MarketEvent] = []
    private var head = 0

    init() { events.reserveCapacity(8) }

    var isEmpty: Bool { head == events.count }

    mutating func append(_ event: MarketEvent) {
        if head == events.count {
            events.removeAll(keepingCapacity: true)
            head = 0
        }
        events.append(event)
    }

    mutating func pop() -> MarketEvent? {
        guard head < events.count else { return nil }
        defer { head += 1 }
        return events[head]
    }
}
