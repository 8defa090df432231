import HedgeCore
import Synchronization

/// What changed in an account, as a private stream reports it: an order (with the fill that
/// changed it, if any), or the balances and positions after a fill.
enum AccountEvent: Sendable {
    /// `last...`: the fill since the previous state (zero when none); `wasResting`: the fill, if
    /// any, was as maker; `tradeID`: the fill's trade id, the one the trade lists give.
    case order(ExchangeOrder, lastQuantity: FixedDecimal, lastPrice: FixedDecimal, lastFee: FixedDecimal, wasResting: Bool, tradeID: Int64?, at: Int64)
    case account(balances: [String: FixedDecimal], positions: [String: PositionState], at: Int64)
}


/// The accounts' private streams: each subscriber of an API key gets every event of that account.
final class AccountEvents: Sendable {
    private struct State {
        var next = 0
        var subscribers: [String: [Int: AsyncStream<AccountEvent>.Continuation]] = [:]
    }

    private let state = Mutex(State())

    /// A stream of `apiKey`'s events from now on; it unsubscribes itself when its reader ends.
    func subscribe(_ apiKey: String) -> AsyncStream<AccountEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: AccountEvent.self)
        let id = state.withLock { state in
            state.next += 1
            state.subscribers[apiKey, default: [:]][state.next] = continuation
            return state.next
        }
        continuation.onTermination = { [weak self] _ in
            self?.state.withLock { _ = $0.subscribers[apiKey]?.removeValue(forKey: id) }
        }
        return stream
    }

    func publish(_ events: [AccountEvent], to apiKey: String) {
        guard !events.isEmpty else { return }
        let continuations = state.withLock { Array(($0.subscribers[apiKey] ?? [:]).values) }
        for continuation in continuations { for event in events { continuation.yield(event) } }
    }

    /// The events between two states of one account: each order that changed, one event per
    /// fill (as Binance sends one ORDER_TRADE_UPDATE per trade), then the balances and positions
    /// if a fill moved them.
    static func changes(from before: AccountLedger, to after: AccountLedger, at now: Int64) -> [AccountEvent] {
        var events: [AccountEvent] = []
        let newTrades = after.trades.dropFirst(before.trades.count)
        for order in after.orders.values.sorted(by: { $0.id < $1.id }) where before.orders[order.id] != order {
            let previous = before.orders[order.id]
            if previous == nil && order.status != .new {
                // A new order that filled or ended at once is told as accepted first, then what
                // became of it, as Binance sends NEW before TRADE.
                var accepted = order
                accepted.status = .new
                accepted.executed = .zero
                accepted.executedQuote = .zero
                accepted.fee = .zero
                accepted.updatedAt = order.createdAt
                events.append(.order(accepted, lastQuantity: .zero, lastPrice: .zero, lastFee: .zero, wasResting: false, tradeID: nil, at: now))
            }
            let trades = newTrades.filter { $0.orderID == order.id }
            if !trades.isEmpty {
                // Each fill with the order as it stood after it; the last is the order now.
                var running = previous ?? order
                if previous == nil {
                    running.executed = .zero
                    running.executedQuote = .zero
                    running.fee = .zero
                }
                for (index, trade) in trades.enumerated() {
                    running.executed = (try? running.executed + trade.quantity) ?? running.executed
                    running.executedQuote = (try? running.executedQuote + trade.quote) ?? running.executedQuote
                    running.fee = (try? running.fee + trade.fee) ?? running.fee
                    running.status = .partiallyFilled
                    running.updatedAt = order.updatedAt
                    let state = index == trades.count - 1 ? order : running
                    events.append(.order(state, lastQuantity: trade.quantity, lastPrice: trade.price, lastFee: trade.fee,
                                         wasResting: trade.isMaker, tradeID: trade.id, at: now))
                }
                continue
            }
            let quantity = (try? order.executed - (previous?.executed ?? .zero)) ?? .zero
            let quote = (try? order.executedQuote - (previous?.executedQuote ?? .zero)) ?? .zero
            let price = quantity.isPositive ? ((try? quote.divided(by: quantity)) ?? .zero) : .zero
            let fee = (try? order.fee - (previous?.fee ?? .zero)) ?? .zero
            events.append(.order(order, lastQuantity: quantity, lastPrice: price, lastFee: fee, wasResting: previous != nil, tradeID: nil, at: now))
        }
        if before.balances != after.balances || before.positions != after.positions {
            events.append(.account(balances: after.balances, positions: after.positions, at: now))
        }
        return events
    }
}
