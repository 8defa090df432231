import HedgeCore

/// Enforcing the limits: a strategy that would break one does not open a new spread; what is
/// open is still managed and can always be closed.
extension PortfolioLimits {
    /// Why `candidate` may not open a new spread given the other strategies, or nil.
    func entryBlock(for candidate: HedgingStateMachine, others: [HedgingStateMachine]) -> String? {
        let config = candidate.config
        if let max = maxNotionalPerSpread, config.targetNotional > max {
            return "target notional \(config.targetNotional) above the per-spread limit \(max)"
        }
        if let max = maxOpenSpreads {
            let open = others.filter { $0.hasPosition || $0.stateName.isOpening }.count
            if open >= max { return "\(open) spreads open, the limit is \(max)" }
        }
        if let max = maxTotalNotional {
            var total = config.targetNotional
            for other in others {
                guard let notional = other.committedNotional, let sum = try? total + notional else { continue }
                total = sum
            }
            if total > max { return "total notional would be \(total.formatted(places: 0)), the limit is \(max)" }
        }
        if let max = maxMarginUtilisation {
            for leg in Leg.allCases {
                if let margin = candidate.margins[leg], margin.utilisation >= max {
                    return "margin use \((margin.utilisation * 100).formatted1) % on leg \(leg)'s account, the limit is \((max * 100).formatted1) %"
                }
            }
        }
        return nil
    }
}

extension StrategyStateName {
    /// Orders are going out to open a spread.
    var isOpening: Bool { self == .openingLong || self == .openingShort || self == .spreadDetected || self == .validating }
}

extension HedgingStateMachine {
    /// USD notional this strategy holds or is about to: leg A's position at its reference price,
    /// or the target while a spread is being validated or opened. Nil when it commits nothing.
    var committedNotional: FixedDecimal? {
        let position = positions.a
        if !position.isFlat, let price = marks.a ?? quotes.a?.mid,
           let held = try? config.legs.a.quoteNotional(quantity: position.quantity.magnitude, price: price) {
            return stateName.isOpening ? max(held, config.targetNotional) : held
        }
        return stateName.isOpening ? config.targetNotional : nil
    }
}
