import Foundation
import HedgeCore
import HedgeVenues

/// Binance's REST market data: `depth` and `exchangeInfo` under the venue's prefix (`/fapi/v1`,
/// `/dapi/v1`, `/api/v3`), plus `ping` and `time`, with Binance's error bodies.
struct BinanceREST: Sendable {
    let market: VenueMarket
    /// The exchangeInfo body served (the recorded response, or one built from the built-in table).
    let exchangeInfo: String

    /// (HTTP status, JSON body) for `route` (without the prefix) and its query; nil: no such path.
    func answer(route: String, query: [String: String]) -> (status: Int, body: String)? {
        switch route {
        case "/depth": return depth(query)
        case "/exchangeInfo": return (200, exchangeInfo)
        case "/ping": return (200, "{}")
        case "/time": return (200, "{\"serverTime\":\(serverTime)}")
        default: return nil
        }
    }

    /// The venue time the stream stands at (ms): the last handed message's event time (moved to
    /// the present with `--now-times`, as the streams' are), the clock signed requests meet.
    var serverTime: Int64 { market.serverTime }

    static let missingSymbol = #"{"code":-1102,"msg":"Mandatory parameter 'symbol' was not sent, was empty/null, or malformed."}"#
    static let invalidSymbol = #"{"code":-1121,"msg":"Invalid symbol."}"#

    func depth(_ query: [String: String]) -> (Int, String) {
        guard let symbol = query["symbol"], !symbol.isEmpty else { return (400, Self.missingSymbol) }
        guard market.tape.symbols.contains(symbol) else { return (400, Self.invalidSymbol) }
        let maximum = market.venue == .binanceSpot ? 5000 : 1000
        var limit = market.venue == .binanceSpot ? 100 : 500
        if let text = query["limit"] {
            guard let value = Int(text), value > 0 else {
                return (400, #"{"code":-1100,"msg":"Illegal characters found in parameter 'limit'; legal range is '^[0-9]{1,20}$'."}"#)
            }
            limit = min(value, maximum)
        }
        let levels: (bids: [DepthLevel], asks: [DepthLevel])
        let lastUpdateId: Int64
        if let (book, position) = market.bookAndPosition(of: symbol) {
            levels = book.top(limit)
            // Futures: the next update must straddle the id (U <= id <= u), and depth updates set
            // levels outright, so the book as it stands may carry the next update's U: a client
            // that asked right after reading the last update applied can still sync. Spot's rule
            // (U <= id + 1 <= u) is met by the last applied u itself.
            let next = market.venue == .binanceSpot ? nil : market.nextDepthChange(of: symbol, from: position)
            lastUpdateId = next.map { max($0.first, book.lastUpdateId) } ?? book.lastUpdateId
        } else if let snapshot = market.upcomingSnapshot(of: symbol) {
            levels = (Array(snapshot.bids.prefix(limit)), Array(snapshot.asks.prefix(limit)))
            lastUpdateId = snapshot.lastUpdateId
        } else {
            return (503, #"{"code":-1008,"msg":"Server is currently overloaded with other requests. Please try again in a few minutes."}"#)
        }
        let books = "\"bids\":\(DepthBook.json(levels.bids)),\"asks\":\(DepthBook.json(levels.asks))"
        let time = serverTime
        switch market.venue {
        case .binanceSpot:
            return (200, "{\"lastUpdateId\":\(lastUpdateId),\(books)}")
        case .binanceCOINM:
            let pair = symbol.split(separator: "_").first.map(String.init) ?? symbol
            return (200, "{\"lastUpdateId\":\(lastUpdateId),\"symbol\":\"\(symbol)\",\"pair\":\"\(pair)\",\"E\":\(time),\"T\":\(time),\(books)}")
        default:
            return (200, "{\"lastUpdateId\":\(lastUpdateId),\"E\":\(time),\"T\":\(time),\(books)}")
        }
    }

    /// The exchangeInfo to serve: the `response` of a recorded file (`contract_specs/`), or, when
    /// none is given (Binance spot has none recorded), one built from the project's built-in
    /// contract table for the tape's symbols, in Binance's shape.
    static func exchangeInfo(file: String?, venue: ExchangeVenue, symbols: Set<String>) throws(TapeError) -> String {
        if let file {
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: file)) } catch {
                throw TapeError("\(file): cannot read (\(error.localizedDescription))")
            }
            guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw TapeError("\(file): not a JSON object")
            }
            let response = object["response"] ?? object
            guard let body = try? JSONSerialization.data(withJSONObject: response),
                  (response as? [String: Any])?["symbols"] != nil else {
                throw TapeError("\(file): not a Binance exchangeInfo (no \"symbols\")")
            }
            return String(decoding: body, as: UTF8.self)
        }
        let specs = symbols.sorted().compactMap { try? ContractCatalog.builtIn.spec(venue: venue.rawValue, symbol: $0) }
        let entries = specs.map { venue == .binanceSpot ? spotEntry($0) : futuresEntry($0, venue: venue) }
        let futuresType = switch venue {
        case .binanceUSDM: #""futuresType":"U_MARGINED","#
        case .binanceCOINM: #""futuresType":"COIN_MARGINED","#
        default: ""
        }
        return #"{"timezone":"UTC","serverTime":0,\#(futuresType)"rateLimits":[],"exchangeFilters":[],"symbols":[\#(entries.joined(separator: ","))]}"#
    }

    private static func text(_ value: FixedDecimal) -> String { value.formatted(places: value.fractionDigits) }

    private static func spotEntry(_ spec: ContractSpec) -> String {
        let tick = text(spec.tickSize), step = text(spec.lotStep), minNotional = text(spec.minNotional)
        return #"{"symbol":"\#(spec.id.symbol)","status":"TRADING","baseAsset":"\#(spec.baseAsset)","quoteAsset":"\#(spec.quoteAsset)","baseAssetPrecision":8,"quotePrecision":8,"quoteAssetPrecision":8,"orderTypes":["LIMIT","LIMIT_MAKER","MARKET"],"isSpotTradingAllowed":true,"permissions":["SPOT"],"filters":[{"filterType":"PRICE_FILTER","minPrice":"\#(tick)","maxPrice":"1000000.00","tickSize":"\#(tick)"},{"filterType":"LOT_SIZE","minQty":"\#(step)","maxQty":"9000.00000000","stepSize":"\#(step)"},{"filterType":"NOTIONAL","minNotional":"\#(minNotional)","applyMinToMarket":true,"maxNotional":"9000000.00000000","applyMaxToMarket":false,"avgPriceMins":5}]}"#
    }

    /// USD-M and COIN-M entries carry the futures fields clients key on (`contractType`,
    /// `deliveryDate`, `marginAsset`, COIN-M's `contractSize`): without them ccxt sees no swap.
    private static func futuresEntry(_ spec: ContractSpec, venue: ExchangeVenue) -> String {
        let tick = text(spec.tickSize), step = text(spec.lotStep), minimum = text(spec.minQuantity)
        let (contractType, delivery): (String, Int64) = switch spec.kind {
        case .dated(let expiry): ("CURRENT_QUARTER", expiry.nanoseconds / 1_000_000)
        default: ("PERPETUAL", 4_133_404_800_000)
        }
        let pair = spec.id.symbol.split(separator: "_").first.map(String.init) ?? spec.id.symbol
        let sizeOrNotional = venue == .binanceCOINM
            ? #""contractSize":\#(text(spec.contractSize)),"#
            : ""
        let notionalFilter = venue == .binanceCOINM
            ? ""
            : #",{"filterType":"MIN_NOTIONAL","notional":"\#(text(spec.minNotional))"}"#
        return #"{"symbol":"\#(spec.id.symbol)","pair":"\#(pair)","contractType":"\#(contractType)","deliveryDate":\#(delivery),"onboardDate":1569398400000,"status":"TRADING","contractStatus":"TRADING",\#(sizeOrNotional)"baseAsset":"\#(spec.baseAsset)","quoteAsset":"\#(spec.quoteAsset)","marginAsset":"\#(spec.settlementAsset)","pricePrecision":\#(spec.tickSize.fractionDigits),"quantityPrecision":\#(spec.lotStep.fractionDigits),"baseAssetPrecision":8,"quotePrecision":8,"underlyingType":"COIN","orderTypes":["LIMIT","MARKET"],"timeInForce":["GTC","IOC","FOK","GTX"],"filters":[{"filterType":"PRICE_FILTER","minPrice":"\#(tick)","maxPrice":"1000000","tickSize":"\#(tick)"},{"filterType":"LOT_SIZE","minQty":"\#(minimum)","maxQty":"1000","stepSize":"\#(step)"},{"filterType":"MARKET_LOT_SIZE","minQty":"\#(minimum)","maxQty":"1000","stepSize":"\#(step)"}\#(notionalFilter)]}"#
    }
}
