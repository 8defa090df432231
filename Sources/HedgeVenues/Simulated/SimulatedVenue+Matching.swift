import HedgeCore

/// Orders: checks, market orders walking the book, limit orders resting and filling when crossed,
/// cancels.
extension SimulatedVenue {
    /// An order reaching the venue: its updates, and how they travel back. During an outage the
    /// order is lost: no updates, nothing delivered.
    public mutating func receive(_ order: OrderRequest, at time: Timestamp) -> (updates: [OrderUpdate], delivery: AnswerDelivery) {
        var reports: [VenueReport] = []
        return receive(order, at: time, reports: &reports)
    }

    /// As `receive(_:at:)`, also returning what the venue settled on the way (funding, expiry).
    public mutating func receive(_ order: OrderRequest, at time: Timestamp, reports: inout [VenueReport]) -> (updates: [OrderUpdate], delivery: AnswerDelivery) {
        reports += advance(to: time)
        if faultState.isDown(at: time) { return ([], .dropped) }
        let (injected, delivery) = faultState.apply(to: order, at: time)
        forgetOldOrders()
        orderSequence += 1
        var record = OrderRecord(request: order, status: .working, delivery: delivery, sequence: orderSequence)
        if let reason = injected ?? refusal(order) {
            let update = OrderUpdate.rejected(order.id, reason: reason)
            record.status = .rejected
            record.history = [update]
            orders[order.id] = record
            return ([update], delivery)
        }
        guard let spec = contracts[order.instrument] else { return ([], delivery) }
        var updates: [OrderUpdate] = [.accepted(order.id)]
        let limit: FixedDecimal? = if case .limit(let price) = order.type { price } else { nil }
        let bound = settings.maxBookLevels
        let slices = books[order.instrument, default: SimulatedBook(maxLevels: bound)].take(order.side, quantity: order.quantity, limit: limit, tick: spec.tickSize)
        for slice in slices {
            updates.append(fill(&record, spec: spec, price: slice.price, quantity: slice.quantity, liquidity: .taker, book: slice.knowledge))
        }
        if record.remaining.isPositive {
            if limit == nil {
                let update = OrderUpdate.cancelled(order.id, filled: record.filled, reason: "IOC remainder: no more liquidity in the book")
                record.history.append(update)
                record.status = .cancelled
                updates.append(update)
            } else {
                resting.append(order.id)
            }
        } else {
            record.status = .filled
        }
        orders[order.id] = record
        return (updates, delivery)
    }

    /// Executes an order that has reached the venue, ignoring how its answers travel (tests).
    public mutating func execute(_ order: OrderRequest, at time: Timestamp) -> [OrderUpdate] {
        receive(order, at: time).updates
    }

    /// A cancel reaching the venue. A resting order is cancelled; a finished one is answered with
    /// its final state (its fills again, with their trade ids, then how it ended), as a real venue
    /// answers; an unknown one is refused. During an outage the cancel is lost.
    public mutating func cancel(_ id: OrderID, at time: Timestamp) -> [OrderUpdate] {
        if faultState.isDown(at: time) { return [] }
        guard var record = orders[id] else { return [.rejected(id, reason: "-2011 Unknown order sent")] }
        switch record.status {
        case .working:
            resting.removeAll { $0 == id }
            let update = OrderUpdate.cancelled(id, filled: record.filled, reason: "cancelled by request")
            record.history.append(update)
            record.status = .cancelled
            orders[id] = record
            return [update]
        case .filled, .cancelled, .rejected:
            return record.history
        }
    }

    /// Makes one fill of `record`: fee, trade id, position and wallet. Returns its update.
    mutating func fill(_ order: inout OrderRecord, spec: ContractSpec, price: FixedDecimal, quantity: FixedDecimal,
                       liquidity: Liquidity, book: FillBookKnowledge? = nil) -> OrderUpdate {
        tradeCount += 1
        let fee = (try? spec.fee(quantity: quantity, price: price, liquidity: liquidity)) ?? .zero
        let fill = Fill(orderID: order.request.id, side: order.request.side, price: price, quantity: quantity,
                        fee: fee, liquidity: liquidity, time: now, tradeID: tradeCount, book: book)
        record(fill, spec: spec)
        order.filled = (try? order.filled + quantity) ?? order.filled
        let update = OrderUpdate.filled(fill, remaining: order.remaining)
        order.history.append(update)
        return update
    }

    /// Fills resting orders of `id` that the market now crosses: an ask at or below a resting
    /// buy (a bid at or above a resting sell), or a trade through its price. They fill at their
    /// own price as makers, up to the crossing size, which the book then no longer shows.
    mutating func matchResting(_ id: InstrumentID, spec: ContractSpec, trade: PublicTrade?) -> [VenueReport] {
        guard !resting.isEmpty else { return [] }
        var reports: [VenueReport] = []
        var tradeLeft = trade?.quantity ?? .zero
        // Price priority (best first), then time.
        let candidates = resting.compactMap { orders[$0] }.filter { $0.request.instrument == id }
            .sorted { lhs, rhs in
                guard case .limit(let lp) = lhs.request.type, case .limit(let rp) = rhs.request.type else { return lhs.sequence < rhs.sequence }
                if lp != rp { return lhs.request.side == .buy ? lp > rp : lp < rp }
                return lhs.sequence < rhs.sequence
            }
        for candidate in candidates {
            guard case .limit(let price) = candidate.request.type, var record = orders[candidate.request.id] else { continue }
            let side = candidate.request.side
            var quantity = FixedDecimal.zero
            if let trade {
                let through = side == .buy ? trade.price < price : trade.price > price
                guard through, tradeLeft.isPositive else { continue }
                quantity = min(record.remaining, tradeLeft)
                tradeLeft = (try? tradeLeft - quantity) ?? .zero
            } else {
                // The counterparty side crossing our price: a taker of the opposite side takes
                // from it, so our order meets the liquidity a buyer (for our sell) would take.
                let crossing = books[id]?.available(side, limit: price) ?? .zero
                quantity = min(record.remaining, crossing)
                if quantity.isPositive {
                    _ = books[id]?.take(side, quantity: quantity, limit: price, tick: spec.tickSize)
                }
            }
            guard quantity.isPositive else { continue }
            let update = fill(&record, spec: spec, price: price, quantity: quantity, liquidity: .maker)
            if !record.remaining.isPositive {
                record.status = .filled
                resting.removeAll { $0 == record.request.id }
            }
            orders[record.request.id] = record
            if record.delivery != .dropped { reports.append(.order(update, delivery: record.delivery)) }
        }
        return reports
    }

    /// Why the venue refuses `order`, in its own words, or nil.
    func refusal(_ order: OrderRequest) -> String? {
        guard let spec = contracts[order.instrument] else { return "-1121 Invalid symbol \(order.instrument.symbol)" }
        if expired.contains(order.instrument) { return "-4108 contract \(order.instrument.symbol) has expired and settled" }
        guard let book = books[order.instrument], let top = book.top else { return "no market data for \(order.instrument.symbol)" }
        if let problem = spec.violation(quantity: order.quantity, price: nil) { return "Filter failure: LOT_SIZE (\(problem))" }
        let price: FixedDecimal
        switch order.type {
        case .market:
            price = top.price(toTake: order.side)
        case .limit(let limit):
            price = limit
            if !limit.isPositive || !limit.isMultiple(of: spec.tickSize) {
                return "Filter failure: PRICE_FILTER (price \(limit) is not a multiple of the tick \(spec.tickSize))"
            }
            if let mark = markPrice(order.instrument),
               let lower = try? mark.multiplied(by: settings.priceBandLower, rounding: .up),
               let upper = try? mark.multiplied(by: settings.priceBandUpper, rounding: .down) {
                if limit > upper { return "Filter failure: PERCENT_PRICE (limit \(limit) above \(settings.priceBandUpper) × mark \(mark) = \(upper))" }
                if limit < lower { return "Filter failure: PERCENT_PRICE (limit \(limit) below \(settings.priceBandLower) × mark \(mark) = \(lower))" }
            }
        }
        if let refusal = limitRefusal(order, spec: spec, price: price) { return refusal }
        if spec.minNotional.isPositive, let notional = try? spec.quoteNotional(quantity: order.quantity, price: price), notional < spec.minNotional {
            return "Filter failure: MIN_NOTIONAL (notional \(notional) is below the minimum \(spec.minNotional))"
        }
        let position = positions[order.instrument] ?? Position(spec: spec)
        let reduces = !position.isFlat && position.quantity.isPositive == (order.side == .sell)
        if order.reduceOnly {
            if !reduces || order.quantity > position.quantity.magnitude {
                return "-2022 ReduceOnly Order is rejected: reduce-only order would increase the position"
            }
            return nil
        }
        // Margin for the part that opens or extends a position.
        let opening = reduces ? ((try? order.quantity - position.quantity.magnitude) ?? .zero) : order.quantity
        guard opening.isPositive else { return nil }
        let notional = (try? spec.settlementNotional(quantity: opening, price: price)) ?? .max
        let required = (try? notional.multiplied(by: spec.initialMarginRate, rounding: .up)) ?? .max
        let available = marginStatus(asset: spec.settlementAsset).available
        if required > available {
            return "insufficient margin (-2019 Margin is insufficient): needs \(required) \(spec.settlementAsset), \(available) free"
        }
        return nil
    }
}
