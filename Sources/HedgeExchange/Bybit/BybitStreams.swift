import Foundation
import HummingbirdWebSocket

/// Bybit v5 public streams (`/v5/public/linear`, `/v5/public/spot`): `subscribe` / `unsubscribe`
/// with `args` topics, answered `{"success":true,"ret_msg":"","conn_id":...,"req_id":...,"op":...}`;
/// `{"op":"ping"}` answered with a pong. A new orderbook subscription starts with a snapshot of
/// the book at the current position, a linear tickers subscription with the full ticker.
enum BybitStreams {
    /// The recorded message under the client's topic (`orderbook.50.BTCUSDT` served from the
    /// recorded `orderbook.200.BTCUSDT`).
    static let frame: @Sendable (TapeMessage, String) -> String = { message, name in
        name == message.topic ? message.payload : message.payload.replacingOccurrences(of: "\"topic\":\"\(message.topic)\"", with: "\"topic\":\"\(name)\"")
    }

    /// (symbol, channel, depth levels) of a topic; nil when it is not one the exchange serves.
    static func parse(_ topic: String) -> (symbol: String, channel: TapeChannel, levels: Int)? {
        let parts = topic.split(separator: ".").map(String.init)
        switch parts.first {
        case "tickers" where parts.count == 2: return (parts[1], .ticker, 0)
        case "publicTrade" where parts.count == 2: return (parts[1], .trade, 0)
        case "orderbook" where parts.count == 3:
            guard let levels = Int(parts[1]), [1, 50, 200, 500, 1000].contains(levels) else { return nil }
            return (parts[2], .depth, levels)
        default: return nil
        }
    }

    static func handle(_ text: String, on connection: StreamConnection, connectionID: String) async throws {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
              let op = object["op"] as? String else {
            try await connection.outbound.write(.text(#"{"success":false,"ret_msg":"error:request not in json format or op missing","conn_id":"\#(connectionID)","op":""}"#))
            return
        }
        let requestID = (object["req_id"] as? String) ?? (object["req_id"] as? NSNumber)?.stringValue ?? ""
        func reply(_ success: Bool, _ message: String) -> String {
            #"{"success":\#(success),"ret_msg":"\#(message)","conn_id":"\#(connectionID)","req_id":"\#(requestID)","op":"\#(op)"}"#
        }
        switch op {
        case "ping":
            try await connection.outbound.write(.text(reply(true, "pong")))
        case "subscribe", "unsubscribe":
            let topics = (object["args"] as? [Any])?.compactMap { $0 as? String } ?? []
            let market = connection.market
            var parsed: [(String, String, TapeChannel, Int)] = []
            for topic in topics {
                guard let (symbol, channel, levels) = parse(topic) else {
                    try await connection.outbound.write(.text(reply(false, "error:handler not found,topic:\(topic)")))
                    return
                }
                guard market.tape.symbols.contains(symbol) else {
                    try await connection.outbound.write(.text(reply(false, "Invalid symbol :[\(topic)]")))
                    return
                }
                parsed.append((topic, symbol, channel, levels))
            }
            try await connection.outbound.write(.text(reply(true, "")))
            for (topic, symbol, channel, levels) in parsed {
                let key = SubscriptionKey(symbol: symbol, channel: channel)
                if op == "unsubscribe" { connection.unsubscribe(key); continue }
                if let (snapshot, position) = snapshot(topic: topic, symbol: symbol, channel: channel, levels: levels, market: market) {
                    connection.enqueue(snapshot, starting: key, as: topic, from: position)
                } else {
                    connection.subscribe(key, as: topic)
                }
            }
        default:
            try await connection.outbound.write(.text(reply(false, "error:unknown op \(op)")))
        }
    }

    /// What Bybit sends first on a new subscription: the book's top `levels`, or (linear) the
    /// whole ticker; nil when the tape has not reached one yet (its own snapshot will come). With
    /// the tape position it stands at, where the subscription's updates start.
    static func snapshot(topic: String, symbol: String, channel: TapeChannel, levels: Int, market: VenueMarket) -> (String, Int)? {
        let time = market.venueTime
        switch channel {
        case .depth:
            guard let (book, position) = market.bookAndPosition(of: symbol) else { return nil }
            let top = book.top(levels)
            return (#"{"topic":"\#(topic)","type":"snapshot","ts":\#(time),"data":{"s":"\#(symbol)","b":\#(DepthBook.json(top.bids)),"a":\#(DepthBook.json(top.asks)),"u":\#(book.lastUpdateId),"seq":\#(book.sequence)},"cts":\#(time)}"#, position)
        case .ticker where market.venue == .bybitLinear:
            guard let (fields, position) = market.tickerAndPosition(of: symbol) else { return nil }
            let body = fields.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\"\($0.value)\"" }.joined(separator: ",")
            return (#"{"topic":"\#(topic)","type":"snapshot","data":{\#(body)},"cs":0,"ts":\#(time)}"#, position)
        default:
            return nil
        }
    }
}
