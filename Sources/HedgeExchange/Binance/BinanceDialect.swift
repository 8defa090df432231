/// Binance's dialect on one port: the market streams and the REST market data of one venue.
enum BinanceDialect {
    static func make(market: VenueMarket, exchangeInfo: String, maxAge: Duration, trading: BinanceTrading? = nil) -> VenueDialect {
        let rest = BinanceREST(market: market, exchangeInfo: exchangeInfo)
        let userStream = trading.map { BinanceUserStream(desk: $0.desk) }
        let prefix = market.venue.restPrefix
        return VenueDialect(
            markets: [market],
            route: { path in
                guard let (combined, streams) = BinanceStreams.route(path: path) else { return nil }
                return VenueDialect.StreamRoute(
                    market: market, frame: BinanceStreams.frame(combined: combined),
                    open: { BinanceStreams.subscribe($0, streams) },
                    handle: { text, connection in try await BinanceStreams.handle(text, on: connection) })
            },
            rest: { path in
                let (route, query) = HTTPPath.split(path)
                guard route.hasPrefix(prefix + "/") else { return nil }
                return rest.answer(route: String(route.dropFirst(prefix.count)), query: query)
            },
            pingEvery: market.venue == .binanceSpot ? .seconds(20) : .seconds(180),
            maxConnectionAge: maxAge,
            trade: { request in trading?.answer(request) ?? userStream?.answer(request) },
            privateStream: { path in userStream?.stream(path: path) })
    }
}
