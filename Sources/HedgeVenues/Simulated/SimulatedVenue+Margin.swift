import HedgeCore

/// Accounts: wallet balances per settlement asset, cross and isolated margin, the liquidation
/// price and liquidation.
extension SimulatedVenue {
    /// Applies a fill to the position and the wallet (realised PnL minus fee); for an isolated
    /// position, sets aside initial margin for what it opens and releases it pro rata for what it
    /// closes.
    mutating func record(_ fill: Fill, spec: ContractSpec) {
        var position = positions[spec.id] ?? Position(spec: spec)
        let before = position.quantity
        let realised = (try? position.apply(fill)) ?? .zero
        positions[spec.id] = position
        let balance = balances[spec.settlementAsset] ?? .zero
        balances[spec.settlementAsset] = (try? balance + realised - fill.fee) ?? balance
        guard marginMode(spec.id) == .isolated else { return }
        var margin = isolatedMargin[spec.id] ?? .zero
        let extends = before.isZero || (before.isPositive == (fill.side == .buy))
        var opened = fill.quantity
        if !extends {
            let closed = min(before.magnitude, fill.quantity)
            let released = (try? FixedDecimal.mulDiv(margin, closed, before.magnitude)) ?? margin
            margin = (try? margin - released) ?? .zero
            opened = (try? fill.quantity - closed) ?? .zero
        }
        if opened.isPositive, let notional = try? spec.settlementNotional(quantity: opened, price: fill.price),
           let initial = try? notional.multiplied(by: spec.initialMarginRate, rounding: .up) {
            margin = (try? margin + initial) ?? margin
        }
        isolatedMargin[spec.id] = position.isFlat ? nil : margin
    }

    /// Maintenance rate plus the taker fee of the liquidating trade: the share of notional the
    /// account must keep (DESIGN §3's `mmr + taker`).
    func liquidationRate(_ spec: ContractSpec) -> FixedDecimal {
        (try? spec.maintenanceMarginRate + spec.fees.taker) ?? spec.maintenanceMarginRate
    }

    /// Wallet of the cross account of `asset`: the balance less what isolated positions hold.
    func crossWallet(_ asset: String) -> FixedDecimal {
        var wallet = balances[asset] ?? .zero
        for (id, margin) in isolatedMargin where contracts[id]?.settlementAsset == asset {
            wallet = (try? wallet - margin) ?? wallet
        }
        return wallet
    }

    /// Free margin and margin ratio of the account that settles in `asset`, at the marks.
    /// Available = cross wallet + cross unrealised PnL − initial margin of cross positions and of
    /// resting orders. The ratio is the worst of the cross account (maintenance / equity) and of
    /// each isolated position (maintenance / (its margin + its unrealised PnL)).
    public func marginStatus(asset: String) -> MarginStatus {
        var equity = crossWallet(asset)
        var initial = FixedDecimal.zero
        var maintenance = FixedDecimal.zero
        var worstIsolated = 0.0
        for (id, position) in positions where !position.isFlat && position.spec.settlementAsset == asset {
            guard let mark = markPrice(id),
                  let upnl = try? position.unrealisedPnL(mark: mark),
                  let notional = try? position.spec.settlementNotional(quantity: position.quantity.magnitude, price: mark),
                  let im = try? notional.multiplied(by: position.spec.initialMarginRate, rounding: .up),
                  let mm = try? notional.multiplied(by: position.spec.maintenanceMarginRate, rounding: .up) else { continue }
            if marginMode(id) == .isolated {
                let own = ((try? (isolatedMargin[id] ?? .zero) + upnl) ?? .zero).doubleValue
                worstIsolated = max(worstIsolated, own > 0 ? mm.doubleValue / own : 1)
                continue
            }
            equity = (try? equity + upnl) ?? equity
            initial = (try? initial + im) ?? initial
            maintenance = (try? maintenance + mm) ?? maintenance
        }
        for id in resting {
            guard let order = orders[id], let spec = contracts[order.request.instrument], spec.settlementAsset == asset,
                  case .limit(let price) = order.request.type,
                  let notional = try? spec.settlementNotional(quantity: order.remaining, price: price),
                  let im = try? notional.multiplied(by: spec.initialMarginRate, rounding: .up) else { continue }
            initial = (try? initial + im) ?? initial
        }
        let available = (try? equity - initial) ?? .zero
        let cross = equity.isPositive ? maintenance.doubleValue / equity.doubleValue : (maintenance.isZero ? 0 : 1)
        let utilisation = equity.isPositive ? initial.doubleValue / equity.doubleValue : (initial.isZero ? 0 : 1)
        return MarginStatus(available: available, marginRatio: max(cross, worstIsolated), utilisation: utilisation)
    }

    /// The mark at which the position in `id` is liquidated, rounded to the tick on the side that
    /// liquidates first (up for a long, down for a short); nil when flat or never.
    ///
    /// With m = mmr + taker, q = |quantity| × contract size, E = entry and W the wallet behind the
    /// position (its isolated margin; for cross, the cross wallet plus the other cross positions'
    /// unrealised PnL less their own m × notional), liquidation is where equity = m × notional:
    ///
    /// Linear (DESIGN §3):  long  W + q(P − E) = m q P  ⇒  P = (E − W/q) / (1 − m) = (E q − W) / (q (1 − m))
    ///                      short W + q(E − P) = m q P  ⇒  P = (E + W/q) / (1 + m) = (E q + W) / (q (1 + m))
    /// Inverse (q = contracts × face in USD, W and PnL in coin; PnL = ±q (1/E − 1/P), maintenance m q / P):
    ///   long  W + q/E − q/P = m q / P  ⇒  q (1 + m) / P = W + q/E  ⇒  P = q (1 + m) E / (W E + q)
    ///   short W + q/P − q/E = m q / P  ⇒  q (1 − m) / P = q/E − W  ⇒  P = q (1 − m) E / (q − W E),
    ///         never when W E ≥ q (the coin wallet covers the face value).
    public func liquidationPrice(_ id: InstrumentID) -> FixedDecimal? {
        guard let position = positions[id], !position.isFlat else { return nil }
        guard let wallet = liquidationWallet(id) else { return nil }
        return try? Self.liquidationPrice(position: position, wallet: wallet, rate: liquidationRate(position.spec))
    }

    /// The formula above for one position and the wallet behind it.
    public static func liquidationPrice(position: Position, wallet: FixedDecimal, rate m: FixedDecimal) throws(DecimalError) -> FixedDecimal? {
        let spec = position.spec
        let long = position.quantity.isPositive
        let q = try position.quantity.magnitude.multiplied(by: spec.contractSize)
        let entry = position.averageEntry
        let one = FixedDecimal(units: FixedDecimal.one)
        let raw: FixedDecimal
        switch spec.margining {
        case .linear:
            let eq = try entry.multiplied(by: q)
            let numerator = long ? try eq - wallet : try eq + wallet
            let denominator = try q.multiplied(by: long ? one - m : one + m)
            guard numerator.isPositive, denominator.isPositive else { return nil }
            raw = try numerator.divided(by: denominator)
        case .inverse:
            let we = try wallet.multiplied(by: entry)
            let numerator = try q.multiplied(by: long ? one + m : one - m)
            let denominator = long ? try we + q : try q - we
            guard denominator.isPositive else { return nil }
            raw = try FixedDecimal.mulDiv(numerator, entry, denominator)
        }
        let price = try raw.rounded(toMultipleOf: spec.tickSize, long ? .up : .down)
        return price.isPositive ? price : nil
    }

    /// The wallet behind a position for its liquidation price (see `liquidationPrice`).
    func liquidationWallet(_ id: InstrumentID) -> FixedDecimal? {
        guard let spec = contracts[id] else { return nil }
        if marginMode(id) == .isolated { return isolatedMargin[id] ?? .zero }
        var wallet = crossWallet(spec.settlementAsset)
        for (other, position) in positions where other != id && !position.isFlat && position.spec.settlementAsset == spec.settlementAsset
            && marginMode(other) == .cross {
            guard let mark = markPrice(other), let upnl = try? position.unrealisedPnL(mark: mark),
                  let notional = try? position.spec.settlementNotional(quantity: position.quantity.magnitude, price: mark),
                  let kept = try? notional.multiplied(by: liquidationRate(position.spec)) else { continue }
            wallet = (try? wallet + upnl - kept) ?? wallet
        }
        return wallet
    }

    /// Liquidates positions settling in `asset` whose mark has crossed their liquidation price:
    /// each is closed at its liquidation price with the taker fee. Cross positions go together
    /// (their prices are taken before any is closed).
    mutating func checkLiquidation(_ asset: String) -> [VenueReport] {
        var due: [(InstrumentID, FixedDecimal)] = []
        for (id, position) in positions where !position.isFlat && position.spec.settlementAsset == asset {
            guard let mark = markPrice(id), let price = liquidationPrice(id) else { continue }
            let crossed = position.quantity.isPositive ? mark <= price : mark >= price
            if crossed { due.append((id, price)) }
        }
        if due.contains(where: { marginMode($0.0) == .cross }) {
            // A cross account is liquidated as a whole.
            for (id, position) in positions where !position.isFlat && position.spec.settlementAsset == asset
                && marginMode(id) == .cross && !due.contains(where: { $0.0 == id }) {
                if let price = liquidationPrice(id) ?? markPrice(id) { due.append((id, price)) }
            }
        }
        return due.sorted { $0.0.symbol < $1.0.symbol }.compactMap { id, price in
            closePosition(id, at: price, fee: .taker, reason: .liquidation)
        }
    }

    /// Closes the whole position in `id` at `price` on the venue's own account: liquidation or
    /// settlement. Returns the report for the strategy.
    mutating func closePosition(_ id: InstrumentID, at price: FixedDecimal, fee: Liquidity?, reason: PositionClosure) -> VenueReport? {
        guard let spec = contracts[id], let position = positions[id], !position.isFlat else { return nil }
        tradeCount += 1
        let quantity = position.quantity.magnitude
        let charge = fee.flatMap { try? spec.fee(quantity: quantity, price: price, liquidity: $0) } ?? .zero
        let fill = Fill(orderID: OrderID("\(reason.rawValue)-\(id.symbol)-\(tradeCount)"), side: position.quantity.isPositive ? .sell : .buy,
                        price: price, quantity: quantity, fee: charge, liquidity: .taker, time: now, tradeID: tradeCount)
        record(fill, spec: spec)
        return .positionClosed(id, fill, reason)
    }
}
