import Foundation

/// Bybit's REST market data: `/v5/market/instruments-info?category=` and
/// `/v5/market/orderbook?category=&symbol=&limit=`, in Bybit's envelope and with its retCodes.
struct BybitREST: Sendable {
    let markets: [String: VenueMarket]
    let instrumentsInfo: [String: String]

    func answer(route: String, query: [String: String]) -> (status: Int, body: String)? {
        switch route {
        case "/instruments-info":
            guard let category = query["category"], let body = instrumentsInfo[category] else { return (200, Self.error(10001, "Illegal category", time: now)) }
            return (200, body)
        case "/orderbook": return orderbook(query)
        case "/time": return (200, Self.envelope(#"{"timeSecond":"\#(now / 1000)","timeNano":"\#(now * 1_000_000)"}"#, time: now))
        default: return nil
        }
    }

    /// The venue's clock, the one signed requests are checked against (`VenueMarket.serverTime`).
    var now: Int64 { markets.values.map(\.serverTime).max() ?? 0 }

    /// Bybit's envelope. `time` is the server's clock, the one clients sync to (ccxt reads it from
    /// `/v5/market/time`): the venue's (`now`) wherever a venue clock exists; the wall clock only
    /// for bodies made at load.
    static func envelope(_ result: String, time: Int64? = nil) -> String {
        #"{"retCode":0,"retMsg":"OK","result":\#(result),"retExtInfo":{},"time":\#(time ?? Int64(Date().timeIntervalSince1970 * 1000))}"#
    }

    static func error(_ code: Int, _ message: String, time: Int64? = nil) -> String {
        #"{"retCode":\#(code),"retMsg":"\#(message)","result":{},"retExtInfo":{},"time":\#(time ?? Int64(Date().timeIntervalSince1970 * 1000))}"#
    }

    func orderbook(_ query: [String: String]) -> (Int, String) {
        guard let category = query["category"], let market = markets[category] else { return (200, Self.error(10001, "Illegal category", time: now)) }
        guard let symbol = query["symbol"], !symbol.isEmpty else { return (200, Self.error(10001, "params error: symbol is required", time: now)) }
        guard market.tape.symbols.contains(symbol) else { return (200, Self.error(10001, "params error: symbol invalid", time: now)) }
        let maximum = category == "spot" ? 200 : 500
        var limit = category == "spot" ? 1 : 25
        if let text = query["limit"] {
            guard let value = Int(text), value > 0 else { return (200, Self.error(10001, "params error: limit invalid", time: now)) }
            limit = min(value, maximum)
        }
        guard let book = market.book(of: symbol) else { return (200, Self.error(10016, "the local exchange has no book for \(symbol) yet: its recording has not reached a snapshot", time: now)) }
        let top = book.top(limit)
        let time = market.venueTime
        return (200, Self.envelope(#"{"s":"\#(symbol)","a":\#(DepthBook.json(top.asks)),"b":\#(DepthBook.json(top.bids)),"ts":\#(time),"u":\#(book.lastUpdateId),"seq":\#(book.sequence),"cts":\#(time)}"#, time: now))
    }

    /// The instruments-info response for `venue`'s category: from a saved response
    /// (contract_specs/, wrapped or bare) or the matching `http` line of a jsonl recording.
    static func instrumentsInfo(file: String?, venue: ExchangeVenue) throws(TapeError) -> String {
        guard let file, let category = venue.bybitCategory else { return error(10001, "Illegal category") }
        if file.hasSuffix(".jsonl") {
            for line in try RecordingFile.lines(of: file) where line.contains("instruments-info") {
                guard let envelope = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                      envelope["t"] as? String == "http", let url = envelope["url"] as? String,
                      url.contains("category=\(category)"), let data = envelope["data"] as? String else { continue }
                return data
            }
            throw TapeError("\(file): no instruments-info response for category \(category) among its http lines")
        }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: file)) } catch {
            throw TapeError("\(file): cannot read (\(error.localizedDescription))")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let body = try? JSONSerialization.data(withJSONObject: object["response"] ?? object) else {
            throw TapeError("\(file): not a JSON object")
        }
        return String(decoding: body, as: UTF8.self)
    }
}
