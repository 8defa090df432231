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
        guard let journal else { return true }
        do {
            try journal.orderIntent(order, strategy: name, at: now)
            noteDurableWrite()
            return true
        } catch {
            enterSafeMode("journal write failed: \(error)")
            if order.purpose == .open {
                scheduleUpdate(.rejected(order.id, reason: "not sent: its intent could not be journaled"),
                               strategy: strategy, leg: order.leg, delivery: .normal, at: now)
                return false
            }
            append(LogEntry(time: now, severity: .error, strategy: name,
                            message: "order \(order.id) (\(order.purpose)) sent without a journaled intent: it protects an open position"))
            return true
        }
    }

    /// One journal write; a failure enters safe mode.
    func journalWrite(_ body: (Journal) throws -> Void) {
        guard let journal else { return }
        do {
            try body(journal)
            noteDurableWrite()
        } catch {
            enterSafeMode("journal write failed: \(error)")
        }
    }

    /// Saves every venue's books of account, and its instruments' marks as they are now (a
    /// restarted market continues from them).
    func saveVenues() {
        guard let venueState else { return }
        var marks: [InstrumentID: FixedDecimal] = [:]
        for name in venues.keys {
            guard let venue = venues[name] else { continue }
            for id in venue.contracts.keys { if let price = venue.markPrice(id) { marks[id] = price } }
        }
        do {
            try venueState.save(venues.keys.sorted().compactMap { venues[$0]?.ledger }, marks: marks)
            noteDurableWrite()
        } catch {
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
