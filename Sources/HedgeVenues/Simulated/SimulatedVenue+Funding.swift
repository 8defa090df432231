import HedgeCore

/// Time-driven settlement: funding on perpetuals at their funding times, dated futures at expiry.
extension SimulatedVenue {
    /// The next time something settles on its own (a funding time, an expiry), if any: what
    /// `nextSettlementTime` holds.
    func earliestSettlementTime() -> Timestamp? {
        if pendingFunding.isEmpty && !hasDatedContracts { return nil }
        var next: Timestamp?
        for pending in pendingFunding.values where next.map({ pending.due < $0 }) ?? true { next = pending.due }
        for (id, spec) in contracts where !expired.contains(id) {
            if let expiry = spec.kind.expiry, next.map({ expiry < $0 }) ?? true { next = expiry }
        }
        return next
    }

    /// Moves the venue's clock to `time`, settling first whatever fell due up to it, in time order:
    /// funding is paid by the positions open at the funding time (before any event at or after it),
    /// dated futures settle at their last mark.
    public mutating func advance(to time: Timestamp) -> [VenueReport] {
        var reports: [VenueReport] = []
        while let due = nextSettlementTime, due <= time {
            now = max(now, due)
            // Funding first, then expiries, each in symbol order, for determinism.
            let funding = pendingFunding.filter { $0.value.due == due }.keys.sorted { $0.symbol < $1.symbol }
            for id in funding {
                if let pending = pendingFunding.removeValue(forKey: id), let report = payFunding(id, rate: pending.rate, at: due) {
                    reports.append(report)
                }
            }
            let expiring = contracts.filter { !expired.contains($0.key) && $0.value.kind.expiry == due }.keys.sorted { $0.symbol < $1.symbol }
            for id in expiring { reports += settle(id) }
        }
        if time > now { now = time }
        return reports
    }

    /// Pays funding on the position in `id`: notional at the mark × rate, longs pay shorts when
    /// the rate is positive (`Funding.payment`). Nothing when flat.
    mutating func payFunding(_ id: InstrumentID, rate: FixedDecimal, at time: Timestamp) -> VenueReport? {
        guard var position = positions[id], !position.isFlat, let mark = markPrice(id),
              let amount = try? Funding.payment(position: position, mark: mark, rate: rate) else { return nil }
        try? position.applyFunding(amount)
        positions[id] = position
        let asset = position.spec.settlementAsset
        let balance = balances[asset] ?? .zero
        balances[asset] = (try? balance + amount) ?? balance
        return .funding(id, amount: amount, rate: rate, mark: mark, time: time)
    }

    /// Settles a dated future at expiry: its position is closed at the last mark (else mid), no
    /// fee; resting orders on it are cancelled; it takes no more orders.
    mutating func settle(_ id: InstrumentID) -> [VenueReport] {
        var reports: [VenueReport] = []
        for orderID in resting {
            guard var order = orders[orderID], order.request.instrument == id else { continue }
            let update = OrderUpdate.cancelled(orderID, filled: order.filled, reason: "contract expired")
            order.history.append(update)
            order.status = .cancelled
            orders[orderID] = order
            if order.delivery != .dropped { reports.append(.order(update, delivery: order.delivery)) }
        }
        resting.removeAll { orders[$0]?.request.instrument == id }
        if let price = markPrice(id), let report = closePosition(id, at: price, fee: nil, reason: .settlement) {
            reports.append(report)
        }
        expired.insert(id)
        return reports
    }
}
