import HedgeCore
import HedgeVenues

#if canImport(Glibc)
import Glibc
#endif

/// The journal and the venues' saved state, as the engine writes them. An order's intent is
/// durable before the order is scheduled to its venue; the venue's books are durable before any
/// answer leaves it; fills, transitions, cycles, funding, command answers and critical alerts are
/// written as they reach the strategies.
///
/// A failed write puts trading in a safe state: every strategy is paused (no new spreads), orders
/// that would open one are refused, and orders that hedge, adjust, close or flatten still go —
/// an unhedged leg is worse than a gap in the journal, and recovery adopts the venue's records
/// anyway. The failure is logged and shown; it never passes silently.
extension TradingEngine {
    /// Starts writing to `journal` and saving the venues to `venueState` (either may be nil).
    public func attach(journal: Journal?, venueState: VenueStateFile?) {
        self.journal = journal
        self.venueState = venueState
        saveVenues()
    }

    /// Writes an order's intent. Returns whether the order may be sent.
    func journalIntent(_ order: OrderRequest, strategy: Int) -> Bool {
        let name = runners[strategy].name
        if durabilityFailure != nil && order.purpose == .open {
            scheduleUpdate(.rejected(order.id, reason: "not sent: trading is in safe mode (\(durabilityFailure ?? ""))"),
                           strategy: strategy, leg: order.leg, delivery: .normal, at: now)
            return false
        }
        guard journal != nil else { return true }
        let time = now
        // An opening order's intent is never held: the order is not sent without it.
        if journalWrite({ try $0.orderIntent(order, strategy: name, at: time) }, holding: order.purpose != .open) { return true }
        if order.purpose == .open {
            scheduleUpdate(.rejected(order.id, reason: "not sent: its intent could not be journaled"),
                           strategy: strategy, leg: order.leg, delivery: .normal, at: now)
            return false
        }
        append(LogEntry(time: now, severity: .error, strategy: name,
                        message: "order \(order.id) (\(order.purpose)) sent before its intent is durable (held, retried): it protects an open position"))
        return true
    }

    /// One journal write, after any held ones; returns whether it is durable now. A failure
    /// enters safe mode and (`holding`) keeps the write, and every later one in order, in memory,
    /// retried by `retryHeldWrites` until the journal takes them: a fill is never dropped.
    @discardableResult
    func journalWrite(_ body: @escaping (Journal) throws -> Void, holding: Bool = true) -> Bool {
        guard let journal else { return true }
        if !heldWrites.isEmpty || venueStateBehind { retryHeldWrites() }
        if heldWrites.isEmpty {
            do {
                try body(journal)
                noteDurableWrite()
                return true
            } catch {
                enterSafeMode("journal write failed: \(error)")
            }
        }
        if holding { heldWrites.append(body) }
        return false
    }

    /// Tries the held journal writes again, oldest first, and the venue state if it is behind.
    /// Once everything is durable, safe mode ends: new spreads are allowed again, but every
    /// strategy stays paused until the trader resumes it.
    func retryHeldWrites() {
        if let journal {
            while let write = heldWrites.first {
                do { try write(journal) } catch { break }
                heldWrites.removeFirst()
                noteDurableWrite()
            }
        }
        if venueStateBehind { saveVenues() }
        guard heldWrites.isEmpty, !venueStateBehind, let reason = durabilityFailure else { return }
        durabilityFailure = nil
        append(LogEntry(time: now, severity: .warning, strategy: nil,
                        message: "safe mode over: every held write is durable (after \(reason)); strategies stay paused until resumed"))
    }

    /// A last try of the held writes as the engine stops; what still fails is logged: the next
    /// start takes those fills from the venue state (if it was saved) through recovery.
    func retryHeldWritesAtStop() {
        // The market as it stands now, not as at the last fill: the next start continues it.
        saveVenues()
        guard !heldWrites.isEmpty || venueStateBehind else { return }
        retryHeldWrites()
        guard !heldWrites.isEmpty || venueStateBehind else { return }
        append(LogEntry(time: now, severity: .error, strategy: nil,
                        message: "stopping with \(heldWrites.count) journal write(s) not durable\(venueStateBehind ? " and the venue state not saved" : ""): the next start reconciles with the venue state"))
    }

    /// Saves every venue's books of account, its instruments' marks as they are now, and the
    /// synthetic market as it stood at the last event processed (a restart continues from it).
    func saveVenues() {
        guard let venueState else { return }
        var marks: [InstrumentID: FixedDecimal] = [:]
        for name in venues.keys {
            guard let venue = venues[name] else { continue }
            for id in venue.contracts.keys { if let price = venue.markPrice(id) { marks[id] = price } }
        }
        do {
            try venueState.save(venues.keys.sorted().compactMap { venues[$0]?.ledger }, marks: marks,
                                market: (feed as? any ResumableMarketFeed)?.marketState(at: now))
            venueStateBehind = false
            noteDurableWrite()
        } catch {
            venueStateBehind = true
            enterSafeMode("\(error)")
        }
    }

    /// Pauses every strategy and refuses new spreads from now on; logged once, and in the
    /// journal's errors if it still takes writes.
    func enterSafeMode(_ reason: String) {
        guard durabilityFailure == nil else { return }
        durabilityFailure = reason
        append(LogEntry(time: now, severity: .error, strategy: nil,
                        message: "SAFE MODE: \(reason); every strategy paused, no new spreads, open positions still managed"))
        try? journal?.error("safe mode: \(reason)", strategy: nil, at: now)
        for index in runners.indices where !runners[index].machine.paused {
            deliver(.command(.pause), to: index)
        }
    }

    /// Counts a durable write: where a debug build's crash-test seam may end the process.
    func noteDurableWrite() {
        #if DEBUG
        durableWrites += 1
        afterDurableWrite?(durableWrites)
        if let limit = killAfterDurableWrites, durableWrites >= limit {
            kill(getpid(), SIGKILL)
        }
        #endif
    }
}
