import HedgeCore
import HedgeVenues

/// The position check: what the strategies hold on each instrument must add up to what its venue
/// holds, unless an order or an answer is still on its way.
extension TradingEngine {
    /// After every event: each instrument's position summed over the strategies must equal the
    /// venue's unless an order or an answer is in flight. A disagreement is logged once.
    func checkPositions() {
        positionsMayDiffer = false
        for (instrument, targets) in routes {
            guard let venuePosition = venues[instrument.venue]?.positions[instrument] else { continue }
            var held = FixedDecimal.zero
            var working = false
            for (strategy, leg) in targets {
                held = (try? held + runners[strategy].machine.positions[leg].quantity) ?? held
                working = working || runners[strategy].machine.hasWorkingOrder(on: leg)
            }
            if held == venuePosition.quantity || working || (inFlight[instrument] ?? 0) > 0 {
                if held == venuePosition.quantity { disagreeing.remove(instrument) }
                continue
            }
            if disagreeing.insert(instrument).inserted {
                positionBreaks += 1
                append(LogEntry(time: now, severity: .error, strategy: nil,
                                message: "POSITION MISMATCH on \(instrument): strategies hold \(held), the venue \(venuePosition.quantity)"))
            }
        }
    }

    /// Legs whose strategy position differs from the venue's right now, described.
    func positionDisagreements() -> [String] {
        routes.keys.sorted { $0.symbol < $1.symbol }.compactMap { instrument in
            let held = (routes[instrument] ?? []).reduce(FixedDecimal.zero) { (try? $0 + runners[$1.strategy].machine.positions[$1.leg].quantity) ?? $0 }
            let venue = venues[instrument.venue]?.positions[instrument]?.quantity ?? .zero
            return held == venue ? nil : "\(instrument): strategies \(held), venue \(venue)"
        }
    }
}
