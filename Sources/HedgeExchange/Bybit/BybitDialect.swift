import Synchronization

/// Bybit's dialect on one port: `/v5/public/linear` and `/v5/public/spot` streams and the
/// `/v5/market/...` REST paths, as api.bybit.com and stream.bybit.com serve them.
enum BybitDialect {
    static func make(markets: [ExchangeVenue: VenueMarket], instrumentsInfo: [ExchangeVenue: String], trading: BybitTrading? = nil) -> VenueDialect {
        var byCategory: [String: VenueMarket] = [:]
        var info: [String: String] = [:]
        for (venue, market) in markets {
            guard let category = venue.bybitCategory else { continue }
            byCategory[category] = market
            info[category] = instrumentsInfo[venue]
        }
        let rest = BybitREST(markets: byCategory, instrumentsInfo: info)
        let categories = byCategory
        let counter = ConnectionCounter()
        return VenueDialect(
            markets: Array(markets.values),
            route: { path in
                let route = HTTPPath.split(path).route
                guard route.hasPrefix("/v5/public/"), let market = categories[String(route.dropFirst("/v5/public/".count))] else { return nil }
                let connectionID = "local-\(counter.next())"
                return VenueDialect.StreamRoute(
                    market: market, frame: BybitStreams.frame, open: { _ in },
                    handle: { text, connection in try await BybitStreams.handle(text, on: connection, connectionID: connectionID) })
            },
            rest: { path in
                let (route, query) = HTTPPath.split(path)
                guard route.hasPrefix("/v5/market/") else { return nil }
                return rest.answer(route: String(route.dropFirst("/v5/market".count)), query: query)
            },
            pingEvery: nil,
            maxConnectionAge: nil,
            trade: { request in trading?.answer(request) },
            privateStream: { path in
                guard let trading, HTTPPath.split(path).route == "/v5/private" else { return nil }
                return BybitPrivateStream.open(trading: trading, connectionID: "local-private-\(counter.next())")
            })
    }
}

/// Numbers Bybit connections for their `conn_id`.
final class ConnectionCounter: Sendable {
    private let count = Atomic<Int>(0)
    func next() -> Int { count.add(1, ordering: .relaxed).newValue }
}
