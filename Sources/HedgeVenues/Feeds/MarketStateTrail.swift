import HedgeCore

/// A synthetic feed whose market a restart can continue (`SyntheticMarket.State`).
public protocol ResumableMarketFeed: MarketFeed {
    /// The market as it stood once every event up to `time` was handed out. The engine reads a
    /// batch ahead of what it has processed, so the feed's newest state is not the one to save.
    func marketState(at time: Timestamp) -> SyntheticMarket.State?
}

/// The market's state after each recent tick, newest last, so a feed can answer
/// `marketState(at:)` for any time within its last batch.
struct MarketStateTrail: Sendable {
    /// More ticks than a batch holds (`MarketBatch.preferredCount` events, two or more a tick).
    static let capacity = 512
    private var entries: [(time: Timestamp, state: SyntheticMarket.State)] = []
    private var head = 0

    init(start: Timestamp, state: SyntheticMarket.State) {
        entries.reserveCapacity(Self.capacity)
        record(state, at: start)
    }

    mutating func record(_ state: SyntheticMarket.State, at time: Timestamp) {
        if entries.count < Self.capacity {
            entries.append((time, state))
        } else {
            entries[head] = (time, state)
            head = (head + 1) % Self.capacity
        }
    }

    /// The newest state recorded at or before `time`; nil when `time` is older than the trail.
    func state(at time: Timestamp) -> SyntheticMarket.State? {
        for offset in 0..<entries.count {
            let entry = entries[(head + entries.count - 1 - offset) % entries.count]
            if entry.time <= time { return entry.state }
        }
        return nil
    }
}
