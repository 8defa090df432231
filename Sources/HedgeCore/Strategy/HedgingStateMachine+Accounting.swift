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

    /// The open (or just closed) cycle's net PnL in USD.
    func cycleNetPnL() -> FixedDecimal? {
        guard let baseline = cycle?.baseline ?? attemptBaseline, let pa = referencePrice(.a), let pb = referencePrice(.b) else { return nil }
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

    /// The open cycle's net PnL in bps of the target notional.
    func cyclePnLBps() -> Double? {
        guard let net = cycleNetPnL(), config.targetNotional.isPositive else { return nil }
        return net.doubleValue / config.targetNotional.doubleValue * 10_000
    }
}
