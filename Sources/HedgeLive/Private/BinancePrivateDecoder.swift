import HedgeCore

/// What one Binance user-data message means to the stream.
public enum BinancePrivateMessage: Sendable, Hashable {
    case events([PrivateEvent])
    /// The listen key expired: the stream must create a new one and reconnect.
    case listenKeyExpired
    /// An event this client does not use (MARGIN_CALL, ACCOUNT_CONFIG_UPDATE, ...), by its type.
    case ignored(String)
}

/// Reads Binance USD-M user-data events by the documented field names: `ORDER_TRADE_UPDATE`
/// ("Event: Order Update": `o.c` client id, `o.i` order id, `o.X` status, `o.z` filled so far,
/// `o.l`/`o.L`/`o.n`/`o.N` the last fill's quantity, price, fee and fee asset, `o.t` trade id,
/// `o.m` maker), `ACCOUNT_UPDATE` (`a.B` balances, `a.P` positions) and `listenKeyExpired`.
public struct BinancePrivateDecoder: Sendable {
    public let venue: LiveVenueKind
    private var json: PrivateJSON { PrivateJSON(venue: venue) }

    public init(venue: LiveVenueKind = .binanceUSDM) { self.venue = venue }

    public func decode(_ bytes: [UInt8]) throws(PrivateStreamFault) -> BinancePrivateMessage {
        let message = try json.object(bytes)
        let type = try json.string(message, "e", in: "user-data event")
        switch type {
        case "ORDER_TRADE_UPDATE": return .events([.order(try order(message))])
        case "ACCOUNT_UPDATE": return .events(try account(message))
        case "listenKeyExpired": return .listenKeyExpired
        default: return .ignored(type)
        }
    }

    private func order(_ message: [String: Any]) throws(PrivateStreamFault) -> PrivateOrderUpdate {
        let what = "ORDER_TRADE_UPDATE"
        let order = try json.object(message, "o", in: what)
        let statusText = try json.string(order, "X", in: what)
        guard let status = BinanceOrderAPI.status(statusText) else {
            throw PrivateStreamFault(venue: venue, kind: .unknownStatus, detail: "\(what) status \(statusText.prefix(40))")
        }
        let time = try time(order, else: message, in: what)
        let lastQuantity = try json.decimal(order, "l", in: what)
        var fill: PrivateFill?
        if lastQuantity.isPositive {
            fill = PrivateFill(tradeID: try json.string(order, "t", in: what), quantity: lastQuantity,
                               price: try json.decimal(order, "L", in: what),
                               // "n" and "N" are left out when no fee was charged.
                               fee: try json.optionalDecimal(order, "n", in: what) ?? .zero,
                               feeAsset: VenueJSON.string(order, "N"), isMaker: order["m"] as? Bool ?? false)
        }
        return PrivateOrderUpdate(clientOrderID: OrderID(try json.string(order, "c", in: what)),
                                  venueOrderID: try json.string(order, "i", in: what), symbol: try json.string(order, "s", in: what),
                                  status: status, executedQuantity: try json.decimal(order, "z", in: what), fill: fill, venueTimeMillis: time)
    }

    /// The transaction time `T`, else the event time `E`.
    private func time(_ object: [String: Any], else message: [String: Any], in what: String) throws(PrivateStreamFault) -> Int64 {
        if let time = VenueJSON.integer(object, "T") { return time }
        return try json.integer(message, "E", in: what)
    }

    private func account(_ message: [String: Any]) throws(PrivateStreamFault) -> [PrivateEvent] {
        let what = "ACCOUNT_UPDATE"
        let update = try json.object(message, "a", in: what)
        let time = try time(message, else: message, in: what)
        var events: [PrivateEvent] = []
        for balance in (update["B"] as? [[String: Any]]) ?? [] {
            events.append(.balance(PrivateBalance(asset: try json.string(balance, "a", in: what + " balance"),
                                                  walletBalance: try json.decimal(balance, "wb", in: what + " balance"), venueTimeMillis: time)))
        }
        for position in (update["P"] as? [[String: Any]]) ?? [] {
            let where_ = what + " position"
            events.append(.position(PrivatePosition(symbol: try json.string(position, "s", in: where_), quantity: try json.decimal(position, "pa", in: where_),
                                                    entryPrice: try json.decimal(position, "ep", in: where_),
                                                    unrealizedPnL: try json.optionalDecimal(position, "up", in: where_), venueTimeMillis: time)))
        }
        return events
    }
}
