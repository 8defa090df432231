import HedgeCore

/// What one Bybit private-WebSocket message means to the stream.
public enum BybitPrivateMessage: Sendable, Hashable {
    case events([PrivateEvent])
    /// An answer to one of our operations (`auth`, `subscribe`, `ping`).
    case answer(op: String, success: Bool, message: String)
}

/// Reads Bybit v5 private topics by the documented field names: `order` (`orderLinkId`,
/// `orderId`, `orderStatus`, `cumExecQty`), `execution` (`execId`, `execQty`, `execPrice`,
/// `execFee`, `isMaker`, `leavesQty`), `position` (`side`, `size`, `entryPrice`,
/// `unrealisedPnl`) and `wallet` (`coin[].walletBalance`); and the answers to `auth`,
/// `subscribe` and `ping`.
public struct BybitPrivateDecoder: Sendable {
    public let venue: LiveVenueKind
    private var json: PrivateJSON { PrivateJSON(venue: venue) }

    public init(venue: LiveVenueKind = .bybitLinear) { self.venue = venue }

    public func decode(_ bytes: [UInt8]) throws(PrivateStreamFault) -> BybitPrivateMessage {
        let message = try json.object(bytes)
        guard let topic = message["topic"] as? String else {
            let op = (message["op"] as? String) ?? ""
            // A pong comes as {"op":"pong",...} on private streams, with no success field.
            let success = (message["success"] as? Bool) ?? (op == "pong")
            return .answer(op: op, success: success, message: (message["ret_msg"] as? String) ?? "")
        }
        let time = try json.integer(message, "creationTime", in: topic)
        let data = try json.list(message, "data", in: topic)
        var events: [PrivateEvent] = []
        // Topics may come as `order.linear`, `order.all-in-one`, ...
        switch topic.split(separator: ".").first.map(String.init) ?? topic {
        case "order":
            for entry in data { events.append(.order(try order(entry, time: time))) }
        case "execution":
            for entry in data where Self.fillTypes.contains((entry["execType"] as? String) ?? "Trade") {
                events.append(.order(try execution(entry)))
            }
        case "position":
            for entry in data { events.append(.position(try position(entry, time: time))) }
        case "wallet":
            for account in data {
                for coin in try json.list(account, "coin", in: "wallet") {
                    events.append(.balance(PrivateBalance(asset: try json.string(coin, "coin", in: "wallet coin"),
                                                          walletBalance: try json.decimal(coin, "walletBalance", in: "wallet coin"),
                                                          venueTimeMillis: time)))
                }
            }
        default:
            break
        }
        return .events(events)
    }

    /// Executions that fill an order (funding and settlement are not fills of ours).
    static let fillTypes: Set<String> = ["Trade", "AdlTrade", "BustTrade", "BlockTrade"]

    private func order(_ entry: [String: Any], time: Int64) throws(PrivateStreamFault) -> PrivateOrderUpdate {
        let statusText = try json.string(entry, "orderStatus", in: "order")
        guard let status = BybitOrderAPI.status(statusText) else {
            throw PrivateStreamFault(venue: venue, kind: .unknownStatus, detail: "order status \(statusText.prefix(40))")
        }
        return PrivateOrderUpdate(clientOrderID: OrderID(VenueJSON.string(entry, "orderLinkId") ?? ""), venueOrderID: try json.string(entry, "orderId", in: "order"),
                                  symbol: try json.string(entry, "symbol", in: "order"), status: status,
                                  executedQuantity: try json.decimal(entry, "cumExecQty", in: "order"), fill: nil,
                                  venueTimeMillis: VenueJSON.integer(entry, "updatedTime") ?? time)
    }

    /// A fill: the execution topic has no order status, so it is read from what remains
    /// (`leavesQty` 0: filled) and the filled quantity is `orderQty - leavesQty`.
    private func execution(_ entry: [String: Any]) throws(PrivateStreamFault) -> PrivateOrderUpdate {
        let what = "execution"
        let orderQuantity = try json.decimal(entry, "orderQty", in: what)
        let leaves = try json.decimal(entry, "leavesQty", in: what)
        let fill = PrivateFill(tradeID: try json.string(entry, "execId", in: what), quantity: try json.decimal(entry, "execQty", in: what),
                               price: try json.decimal(entry, "execPrice", in: what), fee: try json.decimal(entry, "execFee", in: what),
                               feeAsset: VenueJSON.string(entry, "feeCurrency").flatMap { $0.isEmpty ? nil : $0 },
                               isMaker: entry["isMaker"] as? Bool ?? false)
        let executed: FixedDecimal
        do { executed = try orderQuantity - leaves } catch {
            throw PrivateStreamFault(venue: venue, kind: .badDecimal, detail: "execution orderQty \(orderQuantity) - leavesQty \(leaves): \(error)")
        }
        return PrivateOrderUpdate(clientOrderID: OrderID(VenueJSON.string(entry, "orderLinkId") ?? ""), venueOrderID: try json.string(entry, "orderId", in: what),
                                  symbol: try json.string(entry, "symbol", in: what), status: leaves.isZero ? .filled : .partiallyFilled,
                                  executedQuantity: executed, fill: fill, venueTimeMillis: try json.integer(entry, "execTime", in: what))
    }

    private func position(_ entry: [String: Any], time: Int64) throws(PrivateStreamFault) -> PrivatePosition {
        let size = try json.decimal(entry, "size", in: "position")
        let side = VenueJSON.string(entry, "side") ?? ""
        return PrivatePosition(symbol: try json.string(entry, "symbol", in: "position"), quantity: side == "Sell" ? -size : size,
                               entryPrice: try json.optionalDecimal(entry, "entryPrice", in: "position") ?? .zero,
                               unrealizedPnL: try json.optionalDecimal(entry, "unrealisedPnl", in: "position"),
                               venueTimeMillis: VenueJSON.integer(entry, "updatedTime") ?? time)
    }
}
