import HedgeCore
import HedgeEngine

/// The words of each dialog, from the newest snapshot: the legs and states it names are the ones
/// `y` would act on at that moment, not the ones there were when the key was pressed.
enum DialogText {
    static func dialog(for purpose: Dialog.Purpose, in snapshot: EngineSnapshot?) -> Dialog? {
        let strategies = snapshot?.strategies ?? []
        func named(_ name: String) -> StrategySnapshot? { strategies.first { $0.name == name } }
        switch purpose {
        case .close(let name), .rebalance(let name):
            let closing = purpose == .close(strategy: name)
            let title = closing ? "Close spread" : "Rebalance"
            guard let strategy = named(name) else {
                return Dialog(purpose: purpose, title: title, lines: ["\(name) is no longer running; y sends nothing"], danger: false)
            }
            var lines = ["\(strategy.name) (\(strategy.kind.rawValue)), \(strategy.shownState)"]
            for leg in Leg.allCases {
                let snap = strategy.legs[leg]
                let held = snap.quantity.isZero ? "flat" : (snap.quantity.isPositive ? "long " : "short ") + snap.quantity.magnitude.description
                lines.append("leg \(leg): \(snap.instrument.symbol) on \(snap.instrument.venue), \(held)")
            }
            let open = closing ? ScreenInput.hasOpenSpread(strategy) : ScreenInput.holdsPosition(strategy)
            if closing {
                lines.append(open ? "Both legs will be closed at market." : "Nothing is open now: y sends nothing.")
            } else if !open {
                lines.append("Nothing is open now: y sends nothing.")
            } else if !strategy.rebalanceNeeded {
                lines.append(strategy.state == .monitoring ? "The legs are balanced within one lot: y sends nothing."
                                                           : "No rebalance while \(strategy.shownState): y sends nothing.")
            } else {
                lines.append("The legs will be brought back to the hedge ratio.")
            }
            // A close on a stale leg goes ahead (at the venue's price, not the one shown); a
            // rebalance does not (the engine sends no adjustment on a stale leg).
            let warnings = open ? strategy.staleLegs.flatMap { leg in
                ["Stale: " + strategy.staleText(leg) + ";",
                 closing ? "  it closes at market on a book this screen has not seen." : "  the rebalance will be refused until it is fresh."]
            } : []
            return Dialog(purpose: purpose, title: title, lines: lines, danger: false, warnings: warnings)
        case .adjust(var draft):
            if let strategy = named(draft.strategy) { draft.canResize = strategy.state == .monitoring }
            return Dialog(purpose: purpose, title: "Adjust", lines: draft.lines, danger: false, prompt: "y/Enter: send    n/Esc: cancel")
        case .killOne(let name):
            var lines = named(name).map(heldLines) ?? ["\(name): no longer running"]
            lines += ["Then \(name) is HALTED: it opens nothing, even after a restart,",
                      "until resumed with p (which asks first). Other strategies keep trading."]
            return Dialog(purpose: purpose, title: "KILL \(name)", lines: lines, danger: true)
        case .kill:
            var lines = strategies.flatMap(heldLines)
            if lines.isEmpty { lines.append("no strategies") }
            lines += ["Then every strategy is HALTED: none opens anything, even after a",
                      "restart, until each is resumed with p (which asks first)."]
            return Dialog(purpose: purpose, title: "KILL SWITCH", lines: lines, danger: true)
        case .resume(let name):
            guard let strategy = named(name) else {
                return Dialog(purpose: purpose, title: "Resume \(name)", lines: ["\(name) is no longer running; y sends nothing"], danger: false)
            }
            return Dialog(purpose: purpose, title: "Resume \(name)", lines: resumeLines(strategy), danger: false)
        case .quit:
            let open = strategies.filter(ScreenInput.hasOpenSpread)
            var lines = open.map { "\($0.name): \($0.shownState), " + legSummary($0) }
            lines.append(open.isEmpty ? "Nothing is open now." : "Quitting leaves these positions open on the venues.")
            lines.append("Ctrl-C now quits at once, without asking again.")
            return Dialog(purpose: purpose, title: "Quit", lines: lines, danger: false)
        }
    }

    /// What the kill switch would flatten on one strategy, a line per leg held.
    static func heldLines(_ strategy: StrategySnapshot) -> [String] {
        let held = Leg.allCases.filter { !strategy.legs[$0].quantity.isZero }
        guard !held.isEmpty else { return ["\(strategy.name): nothing held (\(strategy.shownState))"] }
        return held.map { leg in
            let snap = strategy.legs[leg]
            let side = snap.quantity.isPositive ? "sell" : "buy"
            return "\(strategy.name) leg \(leg): \(side) \(snap.quantity.magnitude) \(snap.instrument.symbol) on \(snap.instrument.venue)"
        }
    }

    /// What lifting the halt does: the engine leaves ERROR, re-hedges what is held, trades again.
    static func resumeLines(_ strategy: StrategySnapshot) -> [String] {
        guard ScreenInput.isHalted(strategy) else {
            return ["\(strategy.name) is \(strategy.shownState) now, not halted: y sends nothing."]
        }
        let since = CivilTime(strategy.stateSince).clock + " UTC"
        var lines = [strategy.haltedByKillSwitch ? "\(strategy.name) is HALTED by the kill switch since \(since)."
                                                 : "\(strategy.name) is in ERROR since \(since): " + (strategy.haltReason ?? "no reason given")]
        if ScreenInput.holdsPosition(strategy) {
            lines.append("It holds " + legSummary(strategy) + ": resuming re-hedges first,")
            lines.append("then it scans and opens new spreads again.")
        } else {
            lines.append("Resuming lets it scan and open new spreads again.")
        }
        return lines
    }

    static func legSummary(_ strategy: StrategySnapshot) -> String {
        Leg.allCases.map { leg in
            let q = strategy.legs[leg].quantity
            return "\(leg) " + (q.isZero ? "flat" : (q.isPositive ? "+" : "-") + q.magnitude.description)
        }.joined(separator: " / ")
    }
}
