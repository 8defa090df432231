import HedgeCore
import HedgeVenues

/// What changed from the snapshot a watcher last had (`base`) to the newest: the watcher applies
/// it to that snapshot and gets the newest, equal field for field. Parts absent are unchanged;
/// strategies the server published again unchanged are left out, changed ones travel by part
/// (`StrategyDelta`). With 100 strategies a full snapshot at 4 frames/s was megabytes a second.
public struct SnapshotDelta: Codable, Sendable {
    /// The sequence of the snapshot this applies to.
    public var base: UInt64
    public var sequence: UInt64
    public var time: Timestamp
    public var mode: RunMode?
    public var limits: PortfolioLimits?
    public var venues: [VenueStatus]?
    public var desk: Replacement<DeskSummary?>?
    public var killSwitch: Replacement<KillSwitchTally?>?
    public var feeds: Replacement<[FeedHealth]?>?
    public var log: ArrayDelta<LogEntry>?
    public var acknowledgements: ArrayDelta<CommandAcknowledgement>?
    /// How many strategies the new snapshot holds (the base's beyond it are gone).
    public var strategyCount: Int
    /// Only the strategies that changed, by index.
    public var strategies: [StrategyDelta]

    /// The change from `base` to `new`.
    public init(from base: EngineSnapshot, to new: EngineSnapshot) {
        self.base = base.sequence
        sequence = new.sequence
        time = new.time
        if base.mode != new.mode { mode = new.mode }
        if base.limits != new.limits { limits = new.limits }
        if base.venues != new.venues { venues = new.venues }
        if base.desk != new.desk { desk = Replacement(new.desk) }
        if base.killSwitch != new.killSwitch { killSwitch = Replacement(new.killSwitch) }
        if base.feeds != new.feeds { feeds = Replacement(new.feeds) }
        log = ArrayDelta(from: base.log, to: new.log)
        acknowledgements = ArrayDelta(from: base.acknowledgements, to: new.acknowledgements)
        strategyCount = new.strategies.count
        strategies = new.strategies.indices.compactMap { index in
            StrategyDelta(index: index, from: index < base.strategies.count ? base.strategies[index] : nil, to: new.strategies[index])
        }
    }

    /// The new snapshot from `base`, which must be the one the delta was made from.
    public func apply(to base: EngineSnapshot) throws(WireError) -> EngineSnapshot {
        guard base.sequence == self.base else {
            throw WireError(.malformed, "a delta from snapshot \(self.base) reached a watcher at snapshot \(base.sequence)")
        }
        var snapshot = base
        snapshot.sequence = sequence
        snapshot.time = time
        if let mode { snapshot.mode = mode }
        if let limits { snapshot.limits = limits }
        if let venues { snapshot.venues = venues }
        if let desk { snapshot.desk = desk.value }
        if let killSwitch { snapshot.killSwitch = killSwitch.value }
        if let feeds { snapshot.feeds = feeds.value }
        if let log { snapshot.log = try log.apply(to: base.log) }
        if let acknowledgements { snapshot.acknowledgements = try acknowledgements.apply(to: base.acknowledgements) }
        guard strategyCount >= 0 else { throw WireError(.malformed, "a delta with \(strategyCount) strategies") }
        var strategies = Array(base.strategies.prefix(strategyCount))
        for change in self.strategies {
            guard change.index >= 0, change.index < strategyCount, change.index <= strategies.count else {
                throw WireError(.malformed, "a delta changes strategy \(change.index) of \(strategyCount)")
            }
            let old = change.index < strategies.count ? strategies[change.index] : nil
            let new = try change.apply(to: old)
            if change.index < strategies.count { strategies[change.index] = new } else { strategies.append(new) }
        }
        guard strategies.count == strategyCount else {
            throw WireError(.malformed, "a delta leaves \(strategies.count) strategies of \(strategyCount)")
        }
        snapshot.strategies = strategies
        return snapshot
    }
}
