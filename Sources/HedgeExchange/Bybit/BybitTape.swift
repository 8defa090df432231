import Foundation

/// Loads a Bybit v5 recording (cryptofeed's JSON lines: `{"t":"recv","conn":...,"ts":...,"data":"<raw>"}`)
/// for one category: the messages of the connections opened to `/v5/public/linear` or `/spot`.
/// Topics kept: tickers, orderbook, publicTrade (klines and the rest are not served).
public enum BybitTape {
    public static func load(venue: ExchangeVenue, paths: [String]) throws(TapeError) -> Tape {
        guard let category = venue.bybitCategory else { throw TapeError("\(venue) is not a Bybit venue") }
        var messages: [TapeMessage] = []
        for path in paths {
            let name = path.split(separator: "/").last.map(String.init) ?? path
            var connections: Set<String> = []
            for (number, line) in try RecordingFile.lines(of: path).enumerated() {
                guard let envelope = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                    throw TapeError("\(name):\(number + 1): not a JSON object")
                }
                let kind = envelope["t"] as? String
                let connection = envelope["conn"] as? String ?? ""
                if kind == "connect", (envelope["addr"] as? String)?.hasSuffix("/v5/public/\(category)") == true {
                    connections.insert(connection)
                }
                guard kind == "recv", connections.contains(connection), let raw = envelope["data"] as? String,
                      let seconds = envelope["ts"] as? Double else { continue }
                guard let message = try message(raw, time: Int64(seconds * 1e9), file: name, line: number + 1) else { continue }
                messages.append(message)
            }
        }
        if paths.count > 1 {
            let order = messages.indices.sorted { (messages[$0].time, $0) < (messages[$1].time, $1) }
            messages = order.map { messages[$0] }
        }
        return Tape(venue: venue, messages: messages, snapshots: [], sources: paths, notes: [])
    }

    static func message(_ raw: String, time: Int64, file: String, line: Int) throws(TapeError) -> TapeMessage? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(raw.utf8)) as? [String: Any] else {
            throw TapeError("\(file):\(line): the received message is not JSON")
        }
        guard let topic = object["topic"] as? String else { return nil }   // subscribe acks, pongs
        let parts = topic.split(separator: ".")
        guard let head = parts.first, let symbol = parts.last.map(String.init) else { return nil }
        let channel: TapeChannel
        switch head {
        case "tickers": channel = .ticker
        case "orderbook": channel = .depth
        case "publicTrade": channel = .trade
        default: return nil
        }
        let eventTime = BinanceTape.int(object["ts"]) ?? time / 1_000_000
        var message = TapeMessage(time: time, eventTime: eventTime, symbol: symbol, channel: channel, topic: topic, payload: raw)
        let data = object["data"] as? [String: Any]
        if channel == .depth, let data {
            guard let update = BinanceTape.int(data["u"]) else { throw TapeError("\(file):\(line): an orderbook message without u") }
            message.depth = DepthChange(first: update, last: update, previous: BinanceTape.int(data["seq"]),
                                        bids: BinanceTape.levels(data["b"]), asks: BinanceTape.levels(data["a"]),
                                        replacesBook: object["type"] as? String == "snapshot")
        }
        if channel == .ticker, let data {
            var fields: [String: String] = [:]
            for (key, value) in data {
                if let text = value as? String { fields[key] = text } else if let number = value as? NSNumber { fields[key] = number.stringValue }
            }
            message.tickerFields = fields
        }
        return message
    }
}
