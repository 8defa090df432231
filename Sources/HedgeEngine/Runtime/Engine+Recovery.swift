import HedgeCore
import HedgeVenues

/// Recovery on start: the venues take back their saved books, each strategy is rebuilt from the
/// journal, and both are reconciled. What the venue reports wins; every difference is logged
/// (event log, and the journal's `reconciliations` and `errors`).
extension TradingEngine {
    /// What recovery found and did, one line each.
    struct RecoveryReport: Sendable, Hashable {
        public var lines: [String] = []
        /// Differences between the journal and the venues (0 after a clean stop or a crash the
        /// journal's order intents fully explain).
        public var differences = 0
        /// Venue fills the journal did not have, now written to it.
        var adoptedFills = 0
    }

    /// Restores the venues from `ledgers`, then rebuilds every strategy from the journal
    /// attached with `attach(journal:venueState:)` and reconciles it with its venues. Call once,
    /// before the first event. A half-open spread goes to UNWINDING and is resolved by `policy`.
    func recover(venueLedgers ledgers: [VenueLedger], policy: HalfOpenPolicy) throws -> RecoveryReport {
        var report = RecoveryReport()
        for ledger in ledgers {
            guard var venue = venues[ledger.name] else {
                if ledger.positions.contains(where: { !$0.isFlat }) {
                    throw VenueLedgerError(message: "the saved venue state has open positions on venue \(ledger.name), which this run does not have")
                }
                continue
            }
            try venue.restore(ledger)
            venues[ledger.name] = venue
        }
        if let journal {
            for index in runners.indices {
                try recoverStrategy(index, journal: journal, policy: policy, report: &report)
            }
        }
        // Positions no strategy trades are the trader's to see.
        for name in venues.keys.sorted() {
            for (id, position) in venues[name]!.positions.sorted(by: { $0.key.symbol < $1.key.symbol })
            where !position.isFlat && routes[id] == nil {
                note("venue \(name) holds \(position.quantity) \(id.symbol), which no strategy trades: left alone", severity: .warning, report: &report)
                report.differences += 1
            }
        }
        if let journal { try restartDay(journal: journal) }
        saveVenues()
        // Venues and machines were changed directly here, not through an event: check positions.
        positionsMayDiffer = true
        return report
    }

    private func note(_ message: String, severity: LogEntry.Severity, strategy: String? = nil, report: inout RecoveryReport) {
        report.lines.append((strategy.map { "[\($0)] " } ?? "") + message)
        append(LogEntry(time: now, severity: severity, strategy: strategy, message: "recovery: \(message)"))
    }

    private func recoverStrategy(_ index: Int, journal: Journal, policy: HalfOpenPolicy, report: inout RecoveryReport) throws {
        let config = runners[index].machine.config
        let name = config.name

        // 1. Orders the venues know of that this strategy sent (its journal intents say which):
        //    every fill the journal lacks is adopted; unfinished orders take the venue's final answer.
        //    An order in this strategy's numbering that no journal intent names had its intent held
        //    (a full disk) when the program stopped: its intent is written now, so its fills are
        //    adopted with it and its number is never used again.
        let unfinished = try journal.unfinishedOrders(strategy: name)
        var sent = try journal.orderIDs(strategy: name)
        let journaled = try journal.allOrderIDs()
        var unjournaled: [VenueLedger.OrderEntry] = []
        for venueName in Set(Leg.allCases.map { config.legs[$0].id.venue }).sorted() {
            guard let venue = venues[venueName] else { continue }
            for entry in venue.ledger.orders where !journaled.contains(entry.request.id) && entry.request.instrument == config.legs[entry.request.leg].id
                && entry.request.id.rawValue.hasPrefix(name + "-") && Int(entry.request.id.rawValue.dropFirst(name.count + 1)) != nil {
                try journal.orderIntent(entry.request, strategy: name, at: now)
                sent.insert(entry.request.id)
                unjournaled.append(entry)
                report.differences += 1
                note("venue \(venueName) has order \(entry.request.id) (\(entry.request.purpose) \(entry.request.side) \(entry.request.quantity), \(entry.status.rawValue)) with no intent in the journal (a write that never became durable): adopted with its fills",
                     severity: .error, strategy: name, report: &report)
            }
            var known = try journal.tradeIDs(venue: venueName)
            for entry in venue.ledger.orders where sent.contains(entry.request.id) {
                for update in entry.history {
                    guard case .filled(let fill, let remaining) = update, let tradeID = fill.tradeID, !known.contains(tradeID) else { continue }
                    if !unfinished.contains(where: { $0.request.id == entry.request.id }) && !unjournaled.contains(where: { $0.request.id == entry.request.id }) {
                        note("venue \(venueName) filled order \(fill.orderID) (trade \(tradeID)) that the journal did not have as unfinished", severity: .error, strategy: name, report: &report)
                        report.differences += 1
                    }
                    try journal.orderUpdate(.filled(fill, remaining: remaining), strategy: name, leg: entry.request.leg, instrument: entry.request.instrument, at: now)
                    known.insert(tradeID)
                    report.adoptedFills += 1
                    note("adopted fill of \(fill.orderID): leg \(entry.request.leg) \(fill.side) \(fill.quantity) @ \(fill.price) (trade \(tradeID))", severity: .notice, strategy: name, report: &report)
                }
            }
        }
        for entry in unjournaled where entry.status != .working {
            let reason = entry.history.last.flatMap { update -> String? in
                switch update {
                case .rejected(_, let reason), .cancelled(_, _, let reason): reason
                default: nil
                }
            } ?? entry.status.rawValue
            try journal.orderFinished(entry.request.id, status: entry.status.rawValue, filled: entry.filled, reason: "\(reason) (learnt on recovery)", at: now)
        }
        for order in unfinished {
            guard let status = venues[order.request.instrument.venue]?.orderStatus(order.request.id) else {
                try journal.orderNeverArrived(order.request.id, at: now)
                note("order \(order.request.id) (\(order.request.purpose) \(order.request.side) \(order.request.quantity)) had an intent but never reached the venue", severity: .notice, strategy: name, report: &report)
                continue
            }
            guard status.finished else {
                note("order \(order.request.id) still working at the venue", severity: .warning, strategy: name, report: &report)
                continue
            }
            let ending = status.history.last
            let (word, reason): (String, String) = switch ending {
            case .rejected(_, let reason): ("rejected", reason)
            case .cancelled(_, _, let reason): ("cancelled", reason)
            default: ("filled", "filled")
            }
            try journal.orderFinished(order.request.id, status: word, filled: status.filled, reason: "\(reason) (learnt on recovery)", at: now)
            note("order \(order.request.id) ended at the venue while we were down: \(word), filled \(status.filled)", severity: .notice, strategy: name, report: &report)
        }

        // 2. Positions from the journal's fills and funding, in time order; the baseline is the
        //    strategy's net at the last moment both legs were flat before the open cycle began
        //    (the cycle's own closing fills may be journaled without its result: a crash between
        //    them must not make the cycle's PnL its baseline, recording it as 0).
        let cycle = try journal.openCycle(strategy: name)
        var positions = config.legs.map { Position(spec: $0) }
        var baseline = PerLeg<FixedDecimal>(repeating: .zero)
        var entries: [(Timestamp, Int, JournalEntry)] = []
        for (order, row) in try journal.fills(strategy: name).enumerated() { entries.append((row.fill.time, order, .fill(row.leg, row.fill))) }
        for (order, payment) in try journal.fundingPayments(strategy: name).enumerated() {
            entries.append((payment.time, 1_000_000_000 + order, .funding(payment.leg, payment.amount)))
        }
        entries.sort { ($0.0, $0.1) < ($1.0, $1.1) }
        for (time, _, entry) in entries {
            switch entry {
            case .fill(let leg, let fill): try positions[leg].apply(fill)
            case .funding(let leg, let amount): try positions[leg].applyFunding(amount)
            }
            if positions.a.isFlat && positions.b.isFlat, cycle.map({ time <= $0.openedAt }) ?? true {
                baseline = positions.map { (try? $0.realisedPnL + $0.funding - $0.feesPaid) ?? .zero }
            }
        }

        // 3. The venue wins: a leg that differs takes the venue's quantity through an adoption
        //    fill at the venue's entry (journaled, so the next start rebuilds the same).
        for leg in Leg.allCases {
            let id = config.legs[leg].id
            guard let venuePosition = venues[id.venue]?.positions[id], (routes[id]?.count ?? 0) == 1 else { continue }
            let held = positions[leg].quantity
            guard held != venuePosition.quantity else { continue }
            report.differences += 1
            let difference = try venuePosition.quantity - held
            let price = venuePosition.isFlat ? positions[leg].averageEntry : venuePosition.averageEntry
            let fill = Fill(orderID: OrderID("reconcile-\(name)-\(leg)-\(now.nanoseconds)"), side: difference.isPositive ? .buy : .sell,
                            price: price, quantity: difference.magnitude, fee: .zero, liquidity: .taker, time: now)
            try positions[leg].apply(fill)
            positions[leg].quantity = venuePosition.quantity
            positions[leg].averageEntry = venuePosition.averageEntry
            try journal.orderUpdate(.filled(fill, remaining: .zero), strategy: name, leg: leg, instrument: id, at: now)
            let action = "adopted the venue's \(venuePosition.quantity) @ \(venuePosition.averageEntry)"
            try journal.reconciliation(strategy: name, instrument: id, journal: held, venue: venuePosition.quantity, action: action, at: now)
            try? journal.error("recovery: leg \(leg) \(id): journal \(held), venue \(venuePosition.quantity); \(action)", strategy: name, at: now)
            note("leg \(leg) \(id): the journal has \(held), the venue \(venuePosition.quantity); \(action)", severity: .error, strategy: name, report: &report)
        }

        // 4. The machine, restored into SCANNING, or UNWINDING until prices let it judge the hedge.
        //    The trader's latest pause or kill holds (a resume after it lifts it).
        let holdCommand = try journal.latestHoldCommand(strategy: name)
        let hold = holdCommand?.action.hold
        let recovered = RecoveredStrategy(
            positions: positions, openedAt: cycle?.openedAt, entrySpreadBps: cycle?.entrySpreadBps, baseline: baseline,
            lastOrderNumber: try journal.lastOrderNumber(strategy: name), completedCycles: try journal.closedCycleCount(strategy: name),
            hold: hold)
        if let hold, let holdCommand {
            let when = "\(hold == .killed ? "killed" : "paused") by command \(holdCommand.commandID) at \(CivilTime(holdCommand.time).clock) UTC"
            let what = hold == .killed ? "stays halted by the kill switch until resumed" : "stays paused"
            note("\(name) \(what) (\(when))", severity: .notice, strategy: name, report: &report)
        }
        let (machine, actions) = HedgingStateMachine.restored(config: config, from: recovered, policy: policy, at: now)
        runners[index].machine = machine
        if machine.hasPosition || cycle != nil {
            let held = Leg.allCases.map { "leg \($0) \(machine.positions[$0].quantity)" }.joined(separator: ", ")
            note("rebuilt: \(held)\(cycle.map { _ in ", cycle open" } ?? ""); \(machine.stateName)", severity: .notice, strategy: name, report: &report)
        } else if recovered.completedCycles > 0 || recovered.lastOrderNumber > 0 {
            note("rebuilt: flat after \(recovered.completedCycles) closed cycle(s); \(machine.stateName)", severity: .info, strategy: name, report: &report)
        }
        // A brand-new journal (nothing of this strategy's): nothing to say.
        performActions(actions, strategy: index, commandID: nil)
    }
}

/// A fill or a funding payment read back from the journal, replayed in time order on recovery.
private enum JournalEntry { case fill(Leg, Fill), funding(Leg, FixedDecimal) }
