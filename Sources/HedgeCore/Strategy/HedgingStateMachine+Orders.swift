/// Orders and their answers, routed to the state waiting for them; how far the legs are off the hedge.
extension HedgingStateMachine {
    /// Sends a market order and starts its timeout. Returns its id. An order beyond the venue's
    /// maximum quantity or notional goes as near-equal child orders, each within them (the
    /// venue refuses an order beyond; sizing refused a spread whose legs cannot be split), and
    /// the state hears of the whole once the last child has finished.
    mutating func makeOrder(leg: Leg, side: Side, quantity: FixedDecimal, purpose: OrderPurpose, reduceOnly: Bool,
                            now: Timestamp, into actions: inout [StrategyAction]) -> OrderID {
        let spec = config.legs[leg]
        let pieces = (try? spec.childQuantities(quantity, market: true, price: quotes[leg]?.price(toTake: side))) ?? [quantity]
        orderCounter += 1
        let id = OrderID("\(config.name)-\(orderCounter)")
        let whole = OrderRequest(id: id, leg: leg, instrument: spec.id, side: side, quantity: quantity,
                                 type: .market, reduceOnly: reduceOnly, purpose: purpose)
        guard pieces.count > 1 else {
            send(whole, parent: nil, now: now, into: &actions)
            return id
        }
        // The first child carries the whole order's id; the rest take the next numbers.
        var children: Set<OrderID> = []
        for (index, piece) in pieces.enumerated() {
            if index > 0 { orderCounter += 1 }
            var child = whole
            child.id = index == 0 ? id : OrderID("\(config.name)-\(orderCounter)")
            child.quantity = piece
            children.insert(child.id)
            send(child, parent: id, now: now, into: &actions)
        }
        splits[id] = SplitOrder(request: whole, open: children, average: FillAverage(margining: spec.margining))
        let limit = spec.maximumQuantity(market: true).map { "maximum market order \($0)" } ?? "maximum notional"
        actions.append(.alert(.info, "leg \(leg) \(purpose) \(side) \(quantity) is beyond the venue's \(limit): sent as \(pieces.count) orders (\(pieces.map(\.description).joined(separator: ", ")))"))
        return id
    }

    /// Places one order on the wire and starts its timeout.
    private mutating func send(_ request: OrderRequest, parent: OrderID?, now: Timestamp, into actions: inout [StrategyAction]) {
        working[request.id] = WorkingOrder(request: request, average: FillAverage(margining: config.legs[request.leg].margining),
                                           sentAt: now, parent: parent)
        actions.append(.placeOrder(request))
        actions.append(.scheduleTimer(.orderTimeout(request.id), at: now + config.orderTimeout))
    }

    /// How an order ended.
    struct OrderOutcome {
        var request: OrderRequest
        var filled: FixedDecimal
        /// Its fills' quantity and average price (over every child of a split order).
        var average: FillAverage
        /// Why it did not fill completely (nil when it did).
        var shortfall: String?
    }

    mutating func onOrderUpdate(_ leg: Leg, _ update: OrderUpdate, now: Timestamp, into actions: inout [StrategyAction]) {
        let id = update.orderID
        guard var order = working[id] else {
            // A fill for an order we no longer track still changes the position: never lose it.
            if case .filled(let fill, _) = update, applyFill(fill, leg: leg, into: &actions) {
                actions.append(.alert(.warning, "fill for unknown order \(id) on leg \(leg) applied to the position"))
            }
            return
        }
        let outcome: OrderOutcome
        switch update {
        case .accepted:
            return
        case .filled(let fill, let remaining):
            if applyFill(fill, leg: leg, into: &actions) {
                order.filled = (try? order.filled + fill.quantity) ?? order.filled
                do { try order.average.add(quantity: fill.quantity, price: fill.price) }
                catch { actions.append(.alert(.warning, "order \(id): fill average not updated: \(error)")) }
                working[id] = order
            }
            guard remaining.isZero else { return }
            outcome = OrderOutcome(request: order.request, filled: order.filled, average: order.average, shortfall: nil)
        case .rejected(_, let reason):
            outcome = OrderOutcome(request: order.request, filled: order.filled, average: order.average, shortfall: "rejected: \(reason)")
        case .cancelled(_, _, let reason):
            let short = order.filled < order.request.quantity
            outcome = OrderOutcome(request: order.request, filled: order.filled, average: order.average,
                                   shortfall: short ? "cancelled after \(order.filled) of \(order.request.quantity): \(reason)" : nil)
        }
        working[id] = nil
        actions.append(.cancelTimer(.orderTimeout(id)))
        finished(outcome, parent: order.parent, now: now, into: &actions)
    }

    /// An order on the wire has ended: a whole order goes to its state; a child adds to its
    /// split order, which goes to its state when its last child has ended.
    mutating func finished(_ outcome: OrderOutcome, parent: OrderID?, now: Timestamp, into actions: inout [StrategyAction]) {
        guard let parent, var split = splits[parent] else {
            orderFinished(outcome, now: now, into: &actions)
            return
        }
        split.open.remove(outcome.request.id)
        split.filled = (try? split.filled + outcome.filled) ?? split.filled
        do { try split.average.add(outcome.average) }
        catch { actions.append(.alert(.warning, "order \(parent): fill average not updated: \(error)")) }
        if let shortfall = outcome.shortfall { split.shortfalls.append("\(outcome.request.id) \(shortfall)") }
        guard split.open.isEmpty else {
            splits[parent] = split
            return
        }
        splits[parent] = nil
        let short = split.filled < split.request.quantity
        let shortfall: String? = split.shortfalls.isEmpty && !short ? nil
            : "filled \(split.filled) of \(split.request.quantity) over its child orders" + (split.shortfalls.isEmpty ? "" : ": " + split.shortfalls.joined(separator: "; "))
        orderFinished(OrderOutcome(request: split.request, filled: split.filled, average: split.average, shortfall: shortfall),
                      now: now, into: &actions)
    }

    /// Applies a fill to the leg's position unless its trade id was already applied.
    /// Returns whether it was applied.
    @discardableResult
    mutating func applyFill(_ fill: Fill, leg: Leg, into actions: inout [StrategyAction]) -> Bool {
        if let tradeID = fill.tradeID {
            let key = AppliedTrade(leg: leg, tradeID: tradeID)
            guard appliedTrades.insert(key).inserted else { return false }
            appliedTradeOrder.append(key)
            if appliedTradeOrder.count > Self.appliedTradeLimit, let oldest = appliedTradeOrder.popFirst() {
                appliedTrades.remove(oldest)
            }
        }
        do {
            try positions[leg].apply(fill)
        } catch {
            actions.append(.alert(.critical, "leg \(leg) fill \(fill.orderID) could not be applied: \(error)"))
        }
        return true
    }

    /// Routes a finished order to the state that was waiting for it.
    mutating func orderFinished(_ outcome: OrderOutcome, now: Timestamp, into actions: inout [StrategyAction]) {
        let id = outcome.request.id
        switch state {
        case .openingFirst(let opening) where opening.order == id:
            firstLegFinished(opening, outcome, now: now, into: &actions)
        case .openingSecond(let opening) where opening.order == id:
            secondLegFinished(opening, outcome, now: now, into: &actions)
        case .adjusting(let adjusting) where adjusting.order == id:
            adjustmentFinished(adjusting, outcome, now: now, into: &actions)
        case .closing(let closing):
            closingOrderFinished(closing, outcome, now: now, into: &actions)
        case .unwinding(let unwinding) where unwinding.order == id:
            unwindingOrderFinished(unwinding, outcome, now: now, into: &actions)
        case .scanning, .validating, .openingFirst, .openingSecond, .monitoring, .adjusting, .unwinding, .completed, .error:
            // A late answer for an order no state waits on: the position is already updated.
            if let shortfall = outcome.shortfall {
                actions.append(.alert(.info, "late answer for order \(id): \(shortfall)"))
            }
        }
    }

    /// The imbalance between the legs, when it is at least one lot.
    struct HedgeShortfall {
        /// The leg with more base exposure than the other hedges.
        var excessLeg: Leg
        /// Order on the other leg that restores the hedge.
        var hedgeSide: Side
        var hedgeQuantity: FixedDecimal
        /// Reduce-only quantity on the excess leg that removes the imbalance.
        var trimQuantity: FixedDecimal
    }

    /// Compares the legs' signed base exposures at the current prices; nil when hedged within a lot.
    func hedgeShortfall(now: Timestamp) -> HedgeShortfall? {
        guard let pa = referencePrice(.a), let pb = referencePrice(.b),
              let ea = try? positions.a.baseExposure(at: pa), let eb = try? positions.b.baseExposure(at: pb),
              let net = try? ea + eb, !net.isZero else { return nil }
        // The excess leg is the one whose exposure points the same way as the net.
        let excess: Leg = (ea.signum == net.signum && ea.magnitude >= eb.magnitude) || eb.isZero ? .a : .b
        let other = excess.other
        let otherPrice = other == .a ? pa : pb
        let excessPrice = excess == .a ? pa : pb
        guard let hedge = try? config.legs[other].quantity(forBase: net.magnitude, price: otherPrice, rounding: .halfEven),
              let trimRaw = try? config.legs[excess].quantity(forBase: net.magnitude, price: excessPrice, rounding: .halfEven) else { return nil }
        let trim = min(trimRaw, positions[excess].quantity.magnitude)
        // Hedged when the lacking leg cannot get closer by a whole lot.
        if hedge.isZero { return nil }
        let hedgeSide: Side = net.isPositive ? .sell : .buy
        return HedgeShortfall(excessLeg: excess, hedgeSide: hedgeSide, hedgeQuantity: hedge,
                              trimQuantity: trim.isZero ? min(config.legs[excess].lotStep, positions[excess].quantity.magnitude) : trim)
    }

    /// The price exposure is judged at: the mark, else the mid.
    func referencePrice(_ leg: Leg) -> FixedDecimal? {
        marks[leg] ?? quotes[leg]?.mid
    }

    func describePositions() -> String {
        Leg.allCases.map { leg in
            let q = positions[leg].quantity
            return "leg \(leg) \(config.legs[leg].id) \(q.isZero ? "flat" : (q.isPositive ? "long \(q)" : "short \(q.magnitude)"))"
        }.joined(separator: ", ")
    }

    mutating func noteError() { consecutiveErrors += 1 }
}
