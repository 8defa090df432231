import HedgeCore

/// The account reads reconciliation needs, through the same gates as orders: unknown orders are
/// resolved first, a rate-limit hold refuses the read, a refused timestamp re-measures the clock.
extension LiveOrderClient {
    /// The venue's open orders of `symbol`.
    public func openOrders(symbol: String) async throws(LiveOrderFailure) -> [VenueOpenOrder] {
        try await resolveUnknownOrders()
        return try await read({ stamp throws(LiveOrderFailure) in try api.openOrdersRequest(symbol: symbol, timestamp: stamp) },
                              { response throws(LiveOrderFailure) in try api.openOrders(from: response) })
    }

    /// The position of `symbol`, nil when flat.
    public func position(symbol: String) async throws(LiveOrderFailure) -> VenuePosition? {
        try await resolveUnknownOrders()
        let positions = try await read({ stamp throws(LiveOrderFailure) in try api.positionsRequest(symbol: symbol, timestamp: stamp) },
                                       { response throws(LiveOrderFailure) in try api.positions(from: response) })
        return positions.first { $0.symbol == symbol }
    }

    /// Wallet balances by asset.
    public func balances() async throws(LiveOrderFailure) -> [String: VenueBalance] {
        try await resolveUnknownOrders()
        let balances = try await read({ stamp in api.balancesRequest(timestamp: stamp) },
                                      { response throws(LiveOrderFailure) in try api.balances(from: response) })
        return Dictionary(balances.map { ($0.asset, $0) }, uniquingKeysWith: { $1 })
    }

    /// How far past our estimate of the venue's clock the fills are read (ms): an offset measured
    /// over a slow round trip can lag the venue's by seconds, and a fill just made must not fall
    /// after the window's end.
    public static let fillWindowMargin: Int64 = 60_000

    /// The fills of `symbol` from venue time `since` to now, oldest first, each trade id once:
    /// windows of the venues' longest 7 days, each followed page by page.
    public func fills(symbol: String, since: Int64) async throws(LiveOrderFailure) -> [VenueFill] {
        try await resolveUnknownOrders()
        let until = timestamp() + Self.fillWindowMargin
        var fills: [VenueFill] = []
        var start = since
        while start <= until {
            var page: TradePage? = TradePage(startTime: start, endTime: min(start + TradePage.longestWindow - 1, until), cursor: nil)
            while let current = page {
                let (some, next) = try await read({ stamp throws(LiveOrderFailure) in try api.tradesRequest(symbol: symbol, page: current, timestamp: stamp) },
                                                  { response throws(LiveOrderFailure) in try api.trades(from: response, page: current) })
                fills += some
                page = next
            }
            start += TradePage.longestWindow
        }
        var seen = Set<String>()
        return fills.filter { seen.insert($0.tradeID).inserted }.sorted(by: AccountReconciliation.chronological)
    }

    /// Everything reconciliation compares, for `symbols`: open orders, positions, balances and
    /// the fills since `fillsSince`. A fill whose answer has no client order id (Binance) gets
    /// it from the open orders, from `knownOrders` (venue order id → ours), or else from a query
    /// of its order by venue id. The reads are not one snapshot: a fill landing between them
    /// shows as a difference (a position or an executed quantity), which a second pass settles.
    public func accountState(symbols: [String], fillsSince: Int64, knownOrders: [String: OrderID] = [:]) async throws(LiveOrderFailure) -> VenueAccountState {
        try await resolveUnknownOrders()
        var openOrders: [VenueOpenOrder] = []
        var positions: [String: VenuePosition] = [:]
        var fills: [VenueFill] = []
        for symbol in symbols {
            openOrders += try await self.openOrders(symbol: symbol)
            if let position = try await position(symbol: symbol) { positions[symbol] = position }
            fills += try await self.fills(symbol: symbol, since: fillsSince)
        }
        let balances = try await balances()
        var clientIDs = knownOrders
        for order in openOrders where !order.state.clientOrderID.rawValue.isEmpty { clientIDs[order.state.venueOrderID] = order.state.clientOrderID }
        // Bybit's executions carry orderLinkId already: one without was placed without one.
        for index in fills.indices where fills[index].clientOrderID == nil && venue.isBinance {
            let fill = fills[index]
            if clientIDs[fill.venueOrderID] == nil {
                let found = try await read({ stamp throws(LiveOrderFailure) in try api.orderRequest(symbol: fill.symbol, venueOrderID: fill.venueOrderID, timestamp: stamp) },
                                           { response throws(LiveOrderFailure) in try api.openOrders(from: response) })
                clientIDs[fill.venueOrderID] = found.first.map(\.state.clientOrderID).flatMap { $0.rawValue.isEmpty ? nil : $0 }
            }
            fills[index].clientOrderID = clientIDs[fill.venueOrderID]
        }
        fills.sort(by: AccountReconciliation.chronological)
        return VenueAccountState(venue: venue, readAt: timestamp(), openOrders: openOrders, positions: positions, balances: balances, fills: fills)
    }

    /// One signed read: its request stamped now, sent through the rate-limit gate, its answer
    /// read. A refused timestamp re-measures the clock and the read is sent once more: unlike an
    /// order, a read changes nothing at the venue, so sending it twice is harmless.
    private func read<Value>(_ request: (Int64) throws(LiveOrderFailure) -> VenueHTTPRequest,
                             _ parse: (VenueHTTPResponse) throws(LiveOrderFailure) -> Value) async throws(LiveOrderFailure) -> Value {
        var retried = false
        while true {
            let response = try await exchange(try request(try await signingTimestamp()), order: nil)
            do throws(LiveOrderFailure) {
                return try parse(response)
            } catch {
                guard case .rejected(let rejection) = error, rejection.reason == .timestampOutsideWindow else { throw error }
                timeOffsetStale = true
                guard !retried else { throw error }
                retried = true
            }
        }
    }
}
