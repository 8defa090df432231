import Foundation
import HedgeCore
@testable import HedgeExchange
import Testing
@testable import HedgeLive

/// The order client over real loopback sockets (AsyncHTTPClient) against the local exchange's
/// accounts: signed orders placed, queried, cancelled and filled, the venue's own account
/// agreeing, and an order whose answer was lost found again rather than sent twice.
@Suite("Order client over the local exchange", .timeLimit(.minutes(3)))
struct OrderClientOverLocalExchangeTests {
    /// 2024-08-08 00:00 and 2024-08-10 00:00 UTC in Unix ms: the recording's day, with room.
    static let recordingDay: ClosedRange<Int64> = 1_723_075_200_000...1_723_248_000_000

    /// The exchange's account for a test key (the secret as the exchange holds it).
    static func account(_ credentials: APICredentials, secret: String) -> ExchangeAccount {
        ExchangeAccount(apiKey: credentials.apiKey, secret: secret)
    }

    /// The longest window the venues take: on a loaded test machine a request can wait seconds
    /// between its signing and the exchange reading it (answers get 60 s for the same reason).
    static let recvWindow = 60_000

    static let binanceSecret = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"
    static let bybitSecret = "hedgetop-bybit-test-secret-not-a-real-one"

    /// The exchange's record of the account: its position in `symbol` and its order count.
    /// - Parameter venue: the venue whose section is read, when the exchange serves several.
    static func account(_ exchange: LocalExchangeRun, key: String, symbol: String, venue: String? = nil) -> (position: String?, orders: Int?) {
        var status = Substring(exchange.exchange.statusJSON())
        if let venue {
            guard let section = status.range(of: "\"\(venue)\":{") else { return (nil, nil) }
            status = status[section.upperBound...]
        }
        guard let range = status.range(of: "\"\(key)\":{") else { return (nil, nil) }
        let tail = status[range.upperBound...]
        let position = tail.range(of: "\"\(symbol)\":{\"quantity\":\"").map { start in
            String(tail[start.upperBound...].prefix { $0 != "\"" })
        }
        let orders = tail.range(of: "\"orders\":").map { start in Int(tail[start.upperBound...].prefix { $0.isNumber }) } ?? nil
        return (position, orders)
    }

    /// A paced USD-M exchange with the test key's account, and an order client on it over sockets.
    static func binanceDesk() async throws -> (LocalExchangeRun, HTTPOrderTransport, LiveOrderClient) {
        try await desk(.binanceUSDM, credentials: RequestSigningTests.binance, secret: binanceSecret)
    }

    /// The same on a paced Bybit linear exchange.
    static func bybitDesk() async throws -> (LocalExchangeRun, HTTPOrderTransport, LiveOrderClient) {
        try await desk(.bybitLinear, credentials: RequestSigningTests.bybit, secret: bybitSecret)
    }

    private static func desk(_ venue: LiveVenueKind, credentials: APICredentials, secret: String) async throws -> (LocalExchangeRun, HTTPOrderTransport, LiveOrderClient) {
        let served: ExchangeVenue = venue == .bybitLinear ? .bybitLinear : .binanceUSDM
        let exchange = try await LocalExchangeRun.start(speed: 1, bybit: served == .bybitLinear, accounts: [account(credentials, secret: secret)])
        guard let base = exchange.endpoints.bases[served],
              let transport = try? HTTPOrderTransport(endpoint: LiveEndpoint(kind: venue, restURL: base.rest), timeout: .seconds(60)) else {
            exchange.stop()
            throw WaitFailure("no \(venue.rawValue) endpoint or transport")
        }
        return (exchange, transport, LiveOrderClient(venue: venue, credentials: credentials, transport: transport, recvWindowMillis: recvWindow))
    }

    @Test("Binance USD-M: a resting limit order placed, queried and cancelled; a market order filled; the exchange's account agrees")
    func binanceCycle() async throws {
        let (exchange, transport, client) = try await Self.binanceDesk()
        defer { exchange.stop(); Task { await transport.shutdown() } }
        let offset = try await client.synchronizeTime()
        #expect(Self.recordingDay.contains(offset.serverTime(atLocal: LiveOrderClient.systemMillis())), "\(offset)")

        // BTC traded near 56,000 that day: a bid at 20,000 rests.
        let resting = try await client.place(LiveOrder(clientOrderID: "S1-1", symbol: "BTCUSDT", side: .buy, quantity: "0.002",
                                                       kind: .limit(price: "20000", timeInForce: .gtc)))
        #expect(resting.status == .new && resting.executedQuantity.isZero, "\(resting)")
        #expect(try await client.query(symbol: "BTCUSDT", clientOrderID: "S1-1").status == .new)
        let cancelled = try await client.cancel(symbol: "BTCUSDT", clientOrderID: "S1-1")
        #expect(cancelled.status == .canceled && cancelled.venueOrderID == resting.venueOrderID, "\(cancelled)")

        let market = try await client.place(LiveOrder(clientOrderID: "S1-2", symbol: "BTCUSDT", side: .buy, quantity: "0.003", kind: .market))
        #expect(market.status == .filled && market.executedQuantity == "0.003", "\(market)")
        let price = try #require(market.averagePrice)
        #expect(price > "40000" && price < "80000", "\(price)")
        let account = Self.account(exchange, key: RequestSigningTests.binance.apiKey, symbol: "BTCUSDT")
        #expect(account.position == "0.003", "\(exchange.exchange.statusJSON())")
        #expect(account.orders == 2)
        #expect(await client.unknownOrders.isEmpty)
    }

    @Test("Binance USD-M: an order whose answer is dropped is unknown, found by its client id before the next order, and never placed twice")
    func lostAnswerIsFoundNotResent() async throws {
        let (exchange, transport, client) = try await Self.binanceDesk()
        defer { exchange.stop(); Task { await transport.shutdown() } }
        try await client.synchronizeTime()

        _ = await exchange.exchange.apply(.dropOrders(count: 1), to: .binanceUSDM)
        do throws(LiveOrderFailure) {
            _ = try await client.place(LiveOrder(clientOrderID: "S2-1", symbol: "BTCUSDT", side: .sell, quantity: "0.004", kind: .market))
            Issue.record("the dropped answer came back")
        } catch {
            #expect("\(error)".contains("S2-1") || "\(error)".lowercased().contains("lost"), "\(error)")
        }
        #expect(await client.unknownOrders.map(\.clientOrderID) == ["S2-1"])
        // The exchange did place it: one order, a short position.
        #expect(Self.account(exchange, key: RequestSigningTests.binance.apiKey, symbol: "BTCUSDT").position == "-0.004")

        // The next order first resolves S2-1 by a query; it is not sent again.
        let next = try await client.place(LiveOrder(clientOrderID: "S2-2", symbol: "BTCUSDT", side: .buy, quantity: "0.001", kind: .market))
        #expect(next.status == .filled)
        let resolutions = await client.takeResolutions()
        #expect(resolutions.count == 1 && resolutions.first?.clientOrderID == "S2-1", "\(resolutions)")
        if case .found(let state)? = resolutions.first?.outcome {
            #expect(state.status == .filled && state.executedQuantity == "0.004", "\(state)")
        } else {
            Issue.record("S2-1 was not found: \(resolutions)")
        }
        let account = Self.account(exchange, key: RequestSigningTests.binance.apiKey, symbol: "BTCUSDT")
        #expect(account.position == "-0.003" && account.orders == 2, "\(exchange.exchange.statusJSON())")
        #expect(await client.unknownOrders.isEmpty)
    }

    @Test("Bybit linear: a market order acknowledged, then queried filled by its orderLinkId; the exchange's account agrees")
    func bybitCycle() async throws {
        let (exchange, transport, client) = try await Self.bybitDesk()
        defer { exchange.stop(); Task { await transport.shutdown() } }
        let offset = try await client.synchronizeTime()
        // 2026-08-08 to 2026-08-11 UTC: the Bybit recording's day (2026-08-09), with room.
        #expect((1_786_147_200_000...1_786_406_400_000).contains(offset.serverTime(atLocal: LiveOrderClient.systemMillis())), "\(offset)")
        let symbol = try #require(exchange.exchange.markets[.bybitLinear]?.tape.symbols.sorted().first)
        let placed = try await client.place(LiveOrder(clientOrderID: "B1-1", symbol: symbol, side: .buy, quantity: "0.01", kind: .market))
        #expect(placed.status == .acknowledged || placed.status == .filled, "\(placed)")
        let state = try await client.query(symbol: symbol, clientOrderID: "B1-1")
        #expect(state.status == .filled && state.executedQuantity == "0.01", "\(state)")
        #expect(Self.account(exchange, key: RequestSigningTests.bybit.apiKey, symbol: symbol).position == "0.01", "\(exchange.exchange.statusJSON())")
    }
}
