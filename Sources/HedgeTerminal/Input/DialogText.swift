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
            var lines = ["\(strategy.name) (\(strategy.kind.rawValue)), \(strategy.state.rawValue)"]
            for leg in Leg.allCases {
                let snap = strategy.legs[leg]
                let held = snap.quantity.isZero ? "flat" : (snap.quantity.isPositive ? "long " : "short ") + snap.quantity.magnitude.description
                lines.append("leg \(leg): \(snap.instrument.symbol) on \(snap.instrument.venue), \(held)")
            }
            let open = closing ? ScreenInput.hasOpenSpread(strategy) : ScreenInput.holdsPosition(strategy)
            if !open {
                lines.append("Nothing is open now: y sends nothing.")
            } else {
                lines.append(closing ? "Both legs will be closed at market." : "The legs will be brought back to the hedge ratio.")
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
            lines += ["then \(name) halts until resumed; other strategies keep trading."]
            return Dialog(purpose: purpose, title: "KILL \(name)", lines: lines, danger: true)
        case .kill:
            var lines = strategies.flatMap(heldLines)
            if lines.isEmpty { lines.append("no strategies") }
            lines.append("then every strategy halts until restarted.")
            return Dialog(purpose: purpose, title: "KILL SWITCH", lines: lines, danger: true)
        case .quit:
            let open = strategies.filter(ScreenInput.hasOpenSpread)
            var lines = open.map { "\($0.name): \($0.state.rawValue), " + legSummary($0) }
            lines.append(open.isEmpty ? "Nothing is open now." : "Quitting leaves these positions open on the venues.")
            return Dialog(purpose: purpose, title: "Quit", lines: lines, danger: false)
        }
    }

    /// What the kill switch would flatten on one strategy, a line per leg held.
    static func heldLines(_ strategy: StrategySnapshot) -> [String] {
        let held = Leg.allCases.filter { !strategy.legs[$0].quantity.isZero }
        guard !held.isEmpty else { return ["\(strategy.name): nothing held (\(strategy.state.rawValue))"] }
        return held.map { leg in
            let snap = strategy.legs[leg]
            let side = snap.quantity.isPositive ? "sell" : "buy"
            return "\(strategy.name) leg \(leg): \(side) \(snap.quantity.magnitude) \(snap.instrument.symbol) on \(snap.instrument.venue)"
        }
    }

    static func legSummary(_ strategy: StrategySnapshot) -> String {
        Leg.allCases.map { leg in
            let q = strategy.legs[leg].quantity
            return "\(leg) " + (q.isZero ? "flat" : (q.isPositive ? "+" : "-") + q.magnitude.description)
        }.joined(separator: " / ")
    }
}
