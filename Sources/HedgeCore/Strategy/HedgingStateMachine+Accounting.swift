/// PnL of the strategy valued in USD: linear legs are already in USD(T); inverse legs are in the
/// coin and are valued at their mark.
extension HedgingStateMachine {
    /// The value in USD of `amount` of leg's settlement asset at `price`.
    func usd(_ amount: FixedDecimal, leg: Leg, price: FixedDecimal) throws(DecimalError) -> FixedDecimal {
        switch config.legs[leg].margining {
        case .linear: amount
        case .inverse: try amount.multiplied(by: price, rounding: .halfEven)
        }
    }

    /// Each leg's realised + funding − fees, in its settlement asset.
    func legNetBeforeUnrealised() -> PerLeg<FixedDecimal> {
        positions.map { position in
            (try? position.realisedPnL + position.funding - position.feesPaid) ?? .zero
        }
    }

    /// The whole strategy's PnL in USD, split into its parts; nil before both legs have prices.
    public func pnlBreakdown() -> (realised: FixedDecimal, unrealised: FixedDecimal, fees: FixedDecimal, funding: FixedDecimal, net: FixedDecimal)? {
        guard let pa = referencePrice(.a), let pb = referencePrice(.b) else { return nil }
        do {
            var realised = FixedDecimal.zero, unrealised = FixedDecimal.zero, fees = FixedDecimal.zero, funding = FixedDecimal.zero
            for leg in Leg.allCases {
                let price = leg == .a ? pa : pb
                let position = positions[leg]
                realised = try realised + usd(position.realisedPnL, leg: leg, price: price)
                unrealised = try unrealised + usd(position.unrealisedPnL(mark: price), leg: leg, price: price)
                fees = try fees + usd(position.feesPaid, leg: leg, price: price)
                funding = try funding + usd(position.funding, leg: leg, price: price)
            }
            let net = try realised + unrealised + funding - fees
            return (realised, unrealised, fees, funding, net)
        } catch {
            return nil
        }
    }

    /// The open (or just closed) cycle's net PnL in USD, counted from `baseline` (each leg's
    /// realised + funding − fees when the spread began).
    func cycleNetPnL(since baseline: PerLeg<FixedDecimal>?, executable: Bool = false) -> FixedDecimal? {
        guard let baseline else { return nil }
        let prices = executable ? PerLeg(a: closePrice(.a), b: closePrice(.b)) : PerLeg(a: referencePrice(.a), b: referencePrice(.b))
        guard let pa = prices.a, let pb = prices.b else { return nil }
        do {
            var total = FixedDecimal.zero
            let now = legNetBeforeUnrealised()
            for leg in Leg.allCases {
                let price = leg == .a ? pa : pb
                let gained = try now[leg] - baseline[leg] + positions[leg].unrealisedPnL(mark: price)
                total = try total + usd(gained, leg: leg, price: price)
            }
            return total
        } catch {
            return nil
        }
    }

    /// The price closing a leg's position would trade at now: the bid for a long, the ask for a
    /// short. Exit rules judge PnL on it, not on a mark that may be a second old.
    func closePrice(_ leg: Leg) -> FixedDecimal? {
        guard let quote = quotes[leg] else { return referencePrice(leg) }
        let quantity = positions[leg].quantity
        if quantity.isZero { return quote.mid }
        return quantity.isPositive ? quote.bid : quote.ask
    }

    /// The open cycle's net PnL in bps of the target notional, at the prices closing would get.
    func cyclePnLBps(_ cycle: Cycle) -> Double? {
        guard let net = cycleNetPnL(since: cycle.baseline, executable: true), config.targetNotional.isPositive else { return nil }
        return net.doubleValue / config.targetNotional.doubleValue * 10_000
    }
}
