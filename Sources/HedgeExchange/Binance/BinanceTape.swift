import Foundation
import HedgeCore

/// Loads a Binance recording (`<local ns> <combined-stream json>` lines, gzip or plain, the REST
/// depth snapshot as a line without "stream") into a tape.
///
/// The recordings have no markPrice stream; with `syntheticMark` the tape gets one per symbol
/// every second of venue time, its price the mid of the last bookTicker and its funding rate the
/// given constant. It is marked as synthesized in the tape's notes.
public enum BinanceTape {
    public struct SyntheticMark: Sendable {
        /// The funding rate every synthesized message carries ("0.00010000").
        public var fundingRate: String
        public init(fundingRate: String) { self.fundingRate = fundingRate }
    }

    public static func load(venue: ExchangeVenue, paths: [String], syntheticMark: SyntheticMark?) throws(TapeError) -> Tape {
        var messages: [TapeMessage] = []
        var snapshots: [TapeSnapshot] = []
        var notes: [String] = []
        for path in paths {
            let name = path.split(separator: "/").last.map(String.init) ?? path
            for (number, line) in try RecordingFile.lines(of: path).enumerated() {
                guard let space = line.firstIndex(of: " "), let stamp = Int64(line[..<space]) else {
                    throw TapeError("\(name):\(number + 1): expected `<local ns> <json>`")
                }
                let json = line[line.index(after: space)...]
                if json.hasPrefix("{\"stream\":\"") {
                    messages.append(try message(json, time: stamp, file: name, line: number + 1))
                } else if json.contains("\"lastUpdateId\"") {
                    snapshots.append(try snapshot(json, time: stamp, file: name, line: number + 1))
                }
            }
        }
        // Several files of one venue merge by receive time (stable, so each file keeps its order).
        if paths.count > 1 {
            let order = messages.indices.sorted { (messages[$0].time, $0) < (messages[$1].time, $1) }
            messages = order.map { messages[$0] }
        }
        if let syntheticMark, venue != .binanceSpot {
            messages = withMarks(messages, fundingRate: syntheticMark.fundingRate)
            notes.append("\(venue): markPrice is SYNTHESIZED (the recording has none): every second of venue time, p = i = mid of the last bookTicker, r = \(syntheticMark.fundingRate), T = the next 00/08/16 UTC")
        }
        return Tape(venue: venue, messages: messages, snapshots: snapshots, sources: paths, notes: notes)
    }

    /// One combined-stream line: its stream, channel, symbol and data text.
    static func message(_ json: Substring, time: Int64, file: String, line: Int) throws(TapeError) -> TapeMessage {
        let afterKey = json.index(json.startIndex, offsetBy: 11)
        guard let quote = json[afterKey...].firstIndex(of: "\""),
              json[quote...].hasPrefix("\",\"data\":"), json.hasSuffix("}") else {
            throw TapeError("\(file):\(line): a combined-stream line needs {\"stream\":...,\"data\":{...}}")
        }
        let topic = String(json[afterKey..<quote])
        let dataStart = json.index(quote, offsetBy: 9)
        let payload = String(json[dataStart..<json.index(before: json.endIndex)])
        let parts = topic.split(separator: "@", maxSplits: 1)
        let symbol = String(parts.first ?? "").uppercased()
        let channel = parts.count > 1 ? BinanceStreamName.channel(String(parts[1])) : .other
        var message = TapeMessage(time: time, eventTime: 0, symbol: symbol, channel: channel, topic: topic, payload: payload)
        if channel == .depth || channel == .bookTicker || channel == .trade {
            guard let object = try? JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any] else {
                throw TapeError("\(file):\(line): the data of \(topic) is not a JSON object")
            }
            message.eventTime = int(object["E"]) ?? int(object["T"]) ?? time / 1_000_000
            if channel == .depth {
                guard let first = int(object["U"]), let last = int(object["u"]) else {
                    throw TapeError("\(file):\(line): a depth update without U and u")
                }
                message.depth = DepthChange(first: first, last: last, previous: int(object["pu"]),
                                            bids: levels(object["b"]), asks: levels(object["a"]), replacesBook: false)
            }
        }
        return message
    }

    static func snapshot(_ json: Substring, time: Int64, file: String, line: Int) throws(TapeError) -> TapeSnapshot {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
              let id = int(object["lastUpdateId"]) else {
            throw TapeError("\(file):\(line): a depth snapshot line that is not {\"lastUpdateId\":...}")
        }
        return TapeSnapshot(time: time, symbol: (object["symbol"] as? String) ?? "", lastUpdateId: id,
                            eventTime: int(object["E"]), transactionTime: int(object["T"]),
                            bids: levels(object["bids"]), asks: levels(object["asks"]))
    }

    static func levels(_ value: Any?) -> [DepthLevel] {
        (value as? [[Any]] ?? []).compactMap { pair in
            guard pair.count >= 2, let price = pair[0] as? String, let quantity = pair[1] as? String else { return nil }
            return DepthLevel(price: price, quantity: quantity)
        }
    }

    static func int(_ value: Any?) -> Int64? {
        if let number = value as? NSNumber { return number.int64Value }
        if let text = value as? String { return Int64(text) }
        return nil
    }

    /// The tape with a markPriceUpdate per symbol each second of venue time, after the first
    /// bookTicker of that second.
    static func withMarks(_ messages: [TapeMessage], fundingRate: String) -> [TapeMessage] {
        var result: [TapeMessage] = []
        result.reserveCapacity(messages.count + messages.count / 50)
        var lastTicker: [String: TapeMessage] = [:]
        var lastSecond: [String: Int64] = [:]
        for message in messages {
            result.append(message)
            guard message.channel == .bookTicker else { continue }
            lastTicker[message.symbol] = message
            let second = message.eventTime / 1000
            guard lastSecond[message.symbol] != second else { continue }
            lastSecond[message.symbol] = second
            guard let mark = markMessage(after: message, fundingRate: fundingRate) else { continue }
            result.append(mark)
        }
        return result
    }

    static func markMessage(after ticker: TapeMessage, fundingRate: String) -> TapeMessage? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(ticker.payload.utf8)) as? [String: Any],
              let bidText = object["b"] as? String, let askText = object["a"] as? String,
              let bid = FixedDecimal(bidText), let ask = FixedDecimal(askText) else { return nil }
        let mid = FixedDecimal(units: (bid.units + ask.units) / 2)
        // One place more than the quotes have (a mid may fall between ticks), as Binance's marks carry more.
        let quotePlaces = bidText.firstIndex(of: ".").map { bidText.distance(from: $0, to: bidText.endIndex) - 1 } ?? 0
        let places = max(quotePlaces, 1) + 1
        let price = mid.formatted(places: min(places, 8))
        let hour: Int64 = 3_600_000
        let nextFunding = (ticker.eventTime / (8 * hour) + 1) * 8 * hour
        let symbol = ticker.symbol
        let payload = #"{"e":"markPriceUpdate","E":\#(ticker.eventTime),"s":"\#(symbol)","p":"\#(price)","P":"\#(price)","i":"\#(price)","r":"\#(fundingRate)","T":\#(nextFunding)}"#
        return TapeMessage(time: ticker.time, eventTime: ticker.eventTime, symbol: symbol, channel: .markPrice,
                           topic: "\(symbol.lowercased())@markPrice@1s", payload: payload)
    }
}
