import Foundation
import HedgeCore
import Synchronization

/// One connection to Bybit v5's private WebSocket (`/v5/private`): `{"op":"auth","args":[key,
/// expires, sign]}` with sign = hex HMAC-SHA256(secret, "GET/realtime" + expires) and expires
/// (ms) after the server's time, then `subscribe` to `order`, `execution`, `position`, `wallet`
/// (or their `.linear` / `.all-in-one` names); the account's changes arrive as those topics'
/// messages, linear only.
final class BybitPrivateStream: Sendable {
    let trading: BybitTrading
    let connectionID: String
    private let continuation: AsyncStream<String>.Continuation
    private let state = Mutex(State())

    private struct State {
        var apiKey: String?
        var topics: Set<String> = []
        var forwarding: Task<Void, Never>?
        var sequence = 0
    }

    static let topics = ["order", "execution", "position", "wallet"]

    /// The route for one new connection: its frames and its session.
    static func open(trading: BybitTrading, connectionID: String) -> PrivateStreamRoute {
        let (frames, continuation) = AsyncStream.makeStream(of: String.self)
        let session = BybitPrivateStream(trading: trading, connectionID: connectionID, continuation: continuation)
        continuation.onTermination = { _ in session.state.withLock { $0.forwarding?.cancel() } }
        return PrivateStreamRoute(frames: frames, handle: { text in session.handle(text) })
    }

    private init(trading: BybitTrading, connectionID: String, continuation: AsyncStream<String>.Continuation) {
        self.trading = trading
        self.connectionID = connectionID
        self.continuation = continuation
    }

    func handle(_ text: String) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], let op = object["op"] as? String else {
            continuation.yield(#"{"success":false,"ret_msg":"error:request not in json format or op missing","conn_id":"\#(connectionID)","op":""}"#)
            return
        }
        let requestID = (object["req_id"] as? String) ?? (object["req_id"] as? NSNumber)?.stringValue ?? ""
        func reply(_ success: Bool, _ message: String) {
            continuation.yield(#"{"success":\#(success),"ret_msg":"\#(message)","conn_id":"\#(connectionID)","req_id":"\#(requestID)","op":"\#(op)"}"#)
        }
        let args = object["args"] as? [Any] ?? []
        switch op {
        case "ping":
            continuation.yield(#"{"req_id":"\#(requestID)","op":"pong","args":["\#(trading.serverTime())"],"conn_id":"\#(connectionID)"}"#)
        case "auth":
            let key = args.first as? String ?? ""
            let expires = (args.count > 1 ? (args[1] as? NSNumber)?.int64Value ?? (args[1] as? String).flatMap { Int64($0) } : nil)
            let sign = args.count > 2 ? args[2] as? String ?? "" : ""
            guard let secret = trading.desk.secrets[key] else { return reply(false, "API key is invalid.") }
            guard let expires, expires > trading.serverTime() else { return reply(false, "Params Error: expires is not after the server time") }
            guard RequestSignature.matches(sign, secret: secret, payload: "GET/realtime\(expires)") else { return reply(false, "error sign! origin_string[GET/realtime\(expires)]") }
            let events = trading.desk.events.subscribe(key)
            let forwarding = Task { [weak self] in
                for await event in events { self?.forward(event) }
            }
            state.withLock { state in
                state.forwarding?.cancel()
                state.apiKey = key
                state.forwarding = forwarding
            }
            reply(true, "")
        case "subscribe", "unsubscribe":
            guard state.withLock({ $0.apiKey }) != nil else { return reply(false, "Request not authorized") }
            let names = args.compactMap { $0 as? String }
            let topics = names.compactMap { name in Self.topics.first { name == $0 || name == "\($0).linear" || name == "\($0).all-in-one" } }
            guard topics.count == names.count, !names.isEmpty else { return reply(false, "error:handler not found,topics:\(names.joined(separator: ","))") }
            state.withLock { state in
                if op == "subscribe" { state.topics.formUnion(topics) } else { state.topics.subtract(topics) }
            }
            reply(true, "")
        default:
            reply(false, "error:handler not found,op:\(op)")
        }
    }

    /// One account event as the subscribed topics' messages.
    private func forward(_ event: AccountEvent) {
        let topics = state.withLock { $0.topics }
        let desk = trading.desk
        switch event {
        case let .order(order, lastQuantity, lastPrice, lastFee, wasResting, tradeID, time):
            if topics.contains("order") {
                continuation.yield(message("order", time, "{\"category\":\"linear\"," + trading.json(order).dropFirst()))
            }
            if topics.contains("execution") && lastQuantity.isPositive {
                let request = order.request
                let value = (try? lastQuantity.multiplied(by: lastPrice)) ?? .zero
                let isMaker = wasResting
                let rate = isMaker ? desk.fees.maker : desk.fees.taker
                let execution = #"{"category":"linear","symbol":"\#(request.symbol)","closedSize":"0","execFee":"\#(lastFee)","execId":"\#(tradeID.map(BybitTrading.executionID) ?? "")","execPrice":"\#(lastPrice)","execQty":"\#(lastQuantity)","execType":"Trade","execValue":"\#(value)","feeRate":"\#(rate)","tradeIv":"","markIv":"","blockTradeId":"","markPrice":"","indexPrice":"","underlyingPrice":"","leavesQty":"\#(order.status.isOpen ? order.remaining : .zero)","orderId":"\#(BybitTrading.orderID(order.id))","orderLinkId":"\#(order.clientID)","orderPrice":"\#(request.price ?? .zero)","orderQty":"\#(request.quantity)","orderType":"\#(request.kind == .market ? "Market" : "Limit")","stopOrderType":"","side":"\#(request.side == .buy ? "Buy" : "Sell")","execTime":"\#(time)","isLeverage":"0","isMaker":\#(isMaker),"seq":\#(order.id)}"#
                continuation.yield(message("execution", time, execution))
            }
        case let .account(balances, positions, time):
            if topics.contains("position") {
                let entries = positions.sorted { $0.key < $1.key }.map { symbol, position -> String in
                    let mark = desk.book(of: symbol)?.mid ?? position.entryPrice
                    let unrealized = (try? (mark - position.entryPrice).multiplied(by: position.quantity)) ?? .zero
                    let value = (try? position.entryPrice.multiplied(by: position.quantity.magnitude)) ?? .zero
                    let side = position.quantity.isZero ? "" : position.quantity.isPositive ? "Buy" : "Sell"
                    return #"{"category":"linear","symbol":"\#(symbol)","positionIdx":0,"tradeMode":0,"riskId":1,"riskLimitValue":"2000000","side":"\#(side)","size":"\#(position.quantity.magnitude)","entryPrice":"\#(position.entryPrice)","leverage":"\#(desk.leverage)","positionValue":"\#(value)","positionBalance":"0","markPrice":"\#(mark)","positionIM":"0","positionMM":"0","takeProfit":"0","stopLoss":"0","trailingStop":"0","unrealisedPnl":"\#(unrealized)","curRealisedPnl":"\#(position.realized)","cumRealisedPnl":"\#(position.realized)","createdTime":"\#(position.updatedAt)","updatedTime":"\#(position.updatedAt)","tpslMode":"Full","liqPrice":"","bustPrice":"","positionStatus":"Normal","adlRankIndicator":0,"autoAddMargin":0,"isReduceOnly":false,"seq":0}"#
                }
                if !entries.isEmpty { continuation.yield(message("position", time, entries.joined(separator: ","))) }
            }
            if topics.contains("wallet") {
                // Totals count the USD stablecoins only: the exchange prices no other asset.
                let total = (try? balances.filter { ["USDT", "USDC"].contains($0.key) }.map(\.value).sum()) ?? .zero
                let coins = balances.sorted { $0.key < $1.key }.map { coin, wallet in
                    #"{"coin":"\#(coin)","walletBalance":"\#(wallet)","equity":"\#(wallet)","usdValue":"\#(wallet)","availableToWithdraw":"","free":"","locked":"0","borrowAmount":"0","accruedInterest":"0","totalOrderIM":"0","totalPositionIM":"0","totalPositionMM":"0","unrealisedPnl":"0","cumRealisedPnl":"0","bonus":"0","marginCollateral":true,"collateralSwitch":true}"#
                }
                continuation.yield(message("wallet", time, #"{"accountType":"UNIFIED","accountIMRate":"0","accountMMRate":"0","accountLTV":"0","totalEquity":"\#(total)","totalWalletBalance":"\#(total)","totalMarginBalance":"\#(total)","totalAvailableBalance":"\#(total)","totalPerpUPL":"0","totalInitialMargin":"0","totalMaintenanceMargin":"0","coin":[\#(coins.joined(separator: ","))]}"#))
            }
        }
    }

    private func message(_ topic: String, _ time: Int64, _ data: String) -> String {
        let sequence = state.withLock { state in
            state.sequence += 1
            return state.sequence
        }
        return #"{"id":"\#(connectionID)-\#(sequence)","topic":"\#(topic)","creationTime":\#(time),"data":[\#(data)]}"#
    }
}
