import HedgeCore

/// How a symbol trades for an account: the asset it settles in, its fee rates, the leverage its
/// margin is counted at.
struct SymbolTerms: Sendable, Hashable {
    var settlementAsset: String
    var fees: FeeSchedule
    var leverage: Int
}

/// The rules where the venues differ, so one ledger serves both.
struct VenueRules: Sendable, Hashable {
    /// Bybit: an orderLinkId is never reused; Binance: a newClientOrderId is unique among open orders.
    var clientIDsUniqueForever: Bool
    /// Bybit creates a crossing PostOnly order and cancels it; Binance refuses a crossing GTX (-5022).
    var cancelsCrossingPostOnly: Bool

    static let binance = VenueRules(clientIDsUniqueForever: false, cancelsCrossingPostOnly: false)
    static let bybit = VenueRules(clientIDsUniqueForever: true, cancelsCrossingPostOnly: true)
}

/// One symbol's position in one-way mode: signed quantity (long > 0), average entry price, and
/// the PnL its reductions realized.
struct PositionState: Sendable, Hashable {
    var quantity: FixedDecimal = .zero
    var entryPrice: FixedDecimal = .zero
    var realized: FixedDecimal = .zero
    var updatedAt: Int64 = 0
}

/// One fill as the venue lists it afterwards (Binance `userTrades`, Bybit `/v5/execution/list`):
/// its id is the venue's trade id, stable for the account's life, so a client that reconciles
/// after a disconnection can apply each fill exactly once.
struct AccountTrade: Sendable, Hashable {
    var id: Int64
    var orderID: Int64
    var clientID: String
    var symbol: String
    var side: OrderSide
    var price: FixedDecimal
    var quantity: FixedDecimal
    /// price × quantity.
    var quote: FixedDecimal
    /// Paid, in the settlement asset.
    var fee: FixedDecimal
    var feeAsset: String
    var realizedPnL: FixedDecimal
    /// The part of the fill that closed a position (Bybit `closedSize`).
    var closed: FixedDecimal
    /// What the order had left after this fill (Bybit `leavesQty`).
    var leaves: FixedDecimal
    var isMaker: Bool
    var time: Int64
}

/// The book one order meets: both sides, best first.
struct BookSides: Sendable, Hashable {
    var bids: [PriceLevel]
    var asks: [PriceLevel]

    /// The side an order on `side` takes from.
    func opposite(to side: OrderSide) -> [PriceLevel] { side == .buy ? asks : bids }

    /// The mid of the best levels: the mark the exchange values positions at.
    var mid: FixedDecimal? {
        guard let bid = bids.first?.price, let ask = asks.first?.price else { return nil }
        return try? (bid + ask).divided(by: FixedDecimal(units: 2 * FixedDecimal.one))
    }
}

/// One account at one venue: wallet balances, positions and orders, changed by fills. Margin is
/// cross and simple: an order needs (notional / leverage) of the settlement asset not already
/// held by positions (at entry) and open orders (at their price); unrealized PnL is left out of
/// what is available.
struct AccountLedger: Sendable {
    var balances: [String: FixedDecimal]
    var positions: [String: PositionState] = [:]
    var orders: [Int64: ExchangeOrder] = [:]
    /// Every fill, oldest first.
    var trades: [AccountTrade] = []
    /// The id of the next fill; the desk carries it across accounts so ids are unique per venue.
    var nextTradeID: Int64 = 1

    init(balances: [String: FixedDecimal]) { self.balances = balances }

    var openOrders: [ExchangeOrder] { orders.values.filter(\.status.isOpen).sorted { $0.id < $1.id } }

    /// The account's order with client id `clientID`, the newest if the id was reused.
    func order(clientID: String) -> ExchangeOrder? {
        orders.values.filter { $0.clientID == clientID }.max { $0.id < $1.id }
    }

    /// Places `request` as order `id` against `book` at venue time `now`: refusals first, then
    /// the taker fills, then what rests.
    mutating func place(_ request: OrderTicket, id: Int64, clientID: String, book: BookSides?, now: Int64,
                        terms: SymbolTerms, rules: VenueRules, termsOf: (String) -> SymbolTerms) throws(OrderRefusal) -> ExchangeOrder {
        var request = request
        guard request.quantity.isPositive else { throw .invalidQuantity }
        if request.kind == .limit {
            guard let price = request.price else { throw .missingPrice }
            guard price.isPositive else { throw .invalidQuantity }
        }
        // An empty id (Bybit without orderLinkId) names no order.
        let taken = !clientID.isEmpty && orders.values.contains { $0.clientID == clientID && (rules.clientIDsUniqueForever || $0.status.isOpen) }
        guard !taken else { throw .duplicateClientID }
        guard let book else { throw .noBook }
        let position = positions[request.symbol]?.quantity ?? .zero
        if request.reduceOnly {
            guard !position.isZero, (position.isPositive) != (request.side == .buy) else { throw .reduceOnlyRejected }
            request.quantity = min(request.quantity, position.magnitude)
        }
        let levels = book.opposite(to: request.side)
        var order = ExchangeOrder(id: id, clientID: clientID, request: request, status: .new, createdAt: now, updatedAt: now)
        if request.timeInForce == .postOnly, let price = request.price, OrderMatching.wouldTake(request.side, price: price, levels: levels) {
            guard rules.cancelsCrossingPostOnly else { throw .postOnlyWouldTake }
            order.status = .canceled
            orders[id] = order
            return order
        }
        let fills = OrderMatching.take(request.side, quantity: request.quantity,
                                       limit: request.kind == .limit ? request.price : nil, levels: levels)
        let filled = (try? fills.map(\.quantity).sum()) ?? .zero
        if request.kind == .market && levels.isEmpty { throw .noBook }
        if !request.reduceOnly {
            // Only what adds to the position needs margin.
            let opposing = position.isPositive != (request.side == .buy) && !position.isZero
            let adding = opposing ? FixedDecimal(units: max(0, request.quantity.units - position.magnitude.units)) : request.quantity
            if adding.isPositive {
                let price = request.price ?? fills.last?.price ?? .zero
                let needed: FixedDecimal
                do { needed = try adding.multiplied(by: price).divided(by: FixedDecimal(terms.leverage), rounding: .up) } catch { throw .invalidQuantity }
                guard needed <= available(terms.settlementAsset, termsOf: termsOf) else { throw .insufficientMargin }
            }
        }
        if request.timeInForce == .fillOrKill && filled < request.quantity {
            order.status = .expired
            orders[id] = order
            return order
        }
        for fill in fills { try record(fill, on: &order, terms: terms, now: now) }
        let rests = request.kind == .limit && (request.timeInForce == .goodTillCancel || request.timeInForce == .postOnly)
        if order.remaining.isZero {
            order.status = .filled
        } else if rests {
            order.status = order.executed.isZero ? .new : .partiallyFilled
        } else {
            order.status = .expired
        }
        orders[id] = order
        return order
    }

    /// Fills resting orders of `symbol` whose price the book has reached: whole, at their own
    /// price, as maker. Called before every request of the account and as playback advances.
    mutating func sweep(symbol: String, book: BookSides, now: Int64, terms: SymbolTerms) {
        for var order in openOrders where order.request.symbol == symbol {
            guard let price = order.request.price,
                  OrderMatching.wouldTake(order.request.side, price: price, levels: book.opposite(to: order.request.side)) else { continue }
            var quantity = order.remaining
            if order.request.reduceOnly {
                let position = positions[symbol]?.quantity ?? .zero
                let reduces = !position.isZero && position.isPositive != (order.request.side == .buy)
                quantity = reduces ? min(quantity, position.magnitude) : .zero
                if quantity.isZero {
                    order.status = .canceled
                    order.updatedAt = now
                    orders[order.id] = order
                    continue
                }
            }
            do { try record(OrderFill(price: price, quantity: quantity, isMaker: true), on: &order, terms: terms, now: now) } catch { continue }
            order.status = order.remaining.isZero ? .filled : .canceled
            orders[order.id] = order
        }
    }

    /// Cancels open order `id`.
    mutating func cancel(_ id: Int64, now: Int64) throws(OrderRefusal) -> ExchangeOrder {
        guard var order = orders[id], order.status.isOpen else { throw .orderNotFound }
        order.status = .canceled
        order.updatedAt = now
        orders[id] = order
        return order
    }

    /// The settlement asset's wallet balance less the margin positions and open orders hold.
    func available(_ asset: String, termsOf: (String) -> SymbolTerms) -> FixedDecimal {
        var held = FixedDecimal.zero
        for (symbol, position) in positions where !position.quantity.isZero {
            let terms = termsOf(symbol)
            guard terms.settlementAsset == asset else { continue }
            let margin = (try? position.quantity.magnitude.multiplied(by: position.entryPrice).divided(by: FixedDecimal(terms.leverage), rounding: .up)) ?? .zero
            held = (try? held + margin) ?? held
        }
        for order in openOrders {
            let terms = termsOf(order.request.symbol)
            guard terms.settlementAsset == asset, !order.request.reduceOnly, let price = order.request.price else { continue }
            let margin = (try? order.remaining.multiplied(by: price).divided(by: FixedDecimal(terms.leverage), rounding: .up)) ?? .zero
            held = (try? held + margin) ?? held
        }
        let wallet = balances[asset] ?? .zero
        return (try? wallet - held) ?? .zero
    }

    /// One fill: the order's totals, the position (average entry on adding, realized PnL on
    /// reducing, entry reset on flipping), the fee and PnL in the wallet.
    private mutating func record(_ fill: OrderFill, on order: inout ExchangeOrder, terms: SymbolTerms, now: Int64) throws(OrderRefusal) {
        do {
            let notional = try fill.price.multiplied(by: fill.quantity)
            let fee = try notional.multiplied(by: fill.isMaker ? terms.fees.maker : terms.fees.taker)
            order.executed = try order.executed + fill.quantity
            order.executedQuote = try order.executedQuote + notional
            order.fee = try order.fee + fee
            order.updatedAt = now
            var position = positions[order.request.symbol] ?? PositionState()
            let signed = order.request.side == .buy ? fill.quantity : fill.quantity.negated
            let before = position.quantity
            let after = try before + signed
            var pnl = FixedDecimal.zero
            var closed = FixedDecimal.zero
            if before.isZero || before.isPositive == signed.isPositive {
                // (|q0| × e0 + q × p) / |q0 + q|
                let cost = try before.magnitude.multiplied(by: position.entryPrice) + notional
                position.entryPrice = try cost.divided(by: after.magnitude)
            } else {
                let closing = min(fill.quantity, before.magnitude)
                closed = closing
                let move = try fill.price - position.entryPrice
                pnl = try closing.multiplied(by: before.isPositive ? move : move.negated)
                position.realized = try position.realized + pnl
                if after.isZero {
                    position.entryPrice = .zero
                } else if after.isPositive != before.isPositive {
                    position.entryPrice = fill.price
                }
            }
            position.quantity = after
            position.updatedAt = now
            positions[order.request.symbol] = position
            let wallet = balances[terms.settlementAsset] ?? .zero
            balances[terms.settlementAsset] = try wallet + pnl - fee
            trades.append(AccountTrade(id: nextTradeID, orderID: order.id, clientID: order.clientID, symbol: order.request.symbol,
                                       side: order.request.side, price: fill.price, quantity: fill.quantity, quote: notional, fee: fee,
                                       feeAsset: terms.settlementAsset, realizedPnL: pnl, closed: closed,
                                       leaves: try order.request.quantity - order.executed, isMaker: fill.isMaker, time: now))
            nextTradeID += 1
        } catch {
            throw .invalidQuantity
        }
    }
}
