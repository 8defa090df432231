import Foundation
import HedgeCore
@testable import HedgeExchange
import Logging
import Synchronization
import Testing
@testable import HedgeLive

/// The private streams over real loopback sockets against the local exchange's accounts: once
/// the stream says to reconcile (it is open), an order placed by the order client comes back on
/// it as a typed order update with its fill and trade id, and the position follows.
@Suite("Private streams over the local exchange", .timeLimit(.minutes(3)))
struct PrivateStreamOverLocalExchangeTests {
    /// Runs `machine` by the shell on the exchange's thread until the task is cancelled.
    static func run<M: PrivateStreamMachine>(_ machine: M, venue: LiveVenueKind, webSocket: String, rest: String, transport: any OrderTransport,
                                             sink: PrivateCollectingSink, on exchange: LocalExchangeRun) -> Task<Void, Never> {
        var connection = PrivateStreamConnection<M>(endpoint: LiveEndpoint(kind: venue, webSocketURL: webSocket, restURL: rest), transport: transport,
                                                    sink: sink, logger: Logger(label: "test.private") { _ in SwiftLogNoOpLogHandler() })
        connection.executor = exchange.executor
        return Task(executorPreference: exchange.executor) { await connection.run(machine) }
    }

    @Test("Binance USD-M: the user stream opens on a listen key, and a market order's fill arrives typed, with its trade id, then the position")
    func binanceOrderFillArrives() async throws {
        let (exchange, transport, client) = try await OrderClientOverLocalExchangeTests.binanceDesk()
        defer { exchange.stop(); Task { await transport.shutdown() } }
        let base = try #require(exchange.endpoints.bases[.binanceUSDM])
        let sink = PrivateCollectingSink()
        let stream = BinanceUserDataConnector(.init(venue: .binanceUSDM, webSocketURL: base.webSocket, seed: 3), credentials: RequestSigningTests.binance)
        let run = Self.run(stream, venue: .binanceUSDM, webSocket: base.webSocket, rest: base.rest, transport: transport, sink: sink, on: exchange)
        defer { run.cancel() }
        try await sink.wait("the stream open", within: .seconds(30)) { $0.events.contains { if case .reconcileNeeded = $0 { true } else { false } } }

        try await client.synchronizeTime()
        let placed = try await client.place(LiveOrder(clientOrderID: "P1-1", symbol: "BTCUSDT", side: .buy, quantity: "0.003", kind: .market))
        #expect(placed.status == .filled, "\(placed)")
        try await sink.wait("P1-1 filled on the stream", within: .seconds(30)) { state in
            state.orders("P1-1").contains { $0.status == .filled } && state.positions("BTCUSDT").contains { $0.quantity == "0.003" }
        }
        let updates = sink.read { $0.orders("P1-1") }
        let fills = updates.compactMap(\.fill)
        #expect(!fills.isEmpty && fills.allSatisfy { !$0.tradeID.isEmpty && $0.tradeID != "0" && $0.fee.isPositive }, "\(updates)")
        // The fills add up to the order, at the price the order's answer gave.
        #expect(try fills.map(\.quantity).sum() == "0.003", "\(fills)")
        if fills.count == 1 { #expect(fills[0].price == placed.averagePrice) }
        #expect(updates.allSatisfy { $0.venueOrderID == placed.venueOrderID && $0.symbol == "BTCUSDT" })
        #expect(sink.read { $0.logs }.allSatisfy { !$0.contains(OrderClientOverLocalExchangeTests.binanceSecret) })
    }

    @Test("Bybit linear: the private stream authenticates and subscribes, and a market order arrives as order and execution (with execId), then the position")
    func bybitOrderFillArrives() async throws {
        let exchange = try await LocalExchangeRun.start(speed: 1, bybit: true,
                                                        accounts: [OrderClientOverLocalExchangeTests.account(RequestSigningTests.bybit, secret: OrderClientOverLocalExchangeTests.bybitSecret)])
        defer { exchange.stop() }
        let base = try #require(exchange.endpoints.bases[.bybitLinear])
        let transport = try HTTPOrderTransport(endpoint: LiveEndpoint(kind: .bybitLinear, restURL: base.rest), timeout: .seconds(60))
        defer { Task { await transport.shutdown() } }
        let privateURL = base.webSocket.replacingOccurrences(of: "/v5/public/linear", with: "/v5/private")
        let sink = PrivateCollectingSink()
        let stream = BybitPrivateConnector(.init(venue: .bybitLinear, privateURL: privateURL, seed: 3), credentials: RequestSigningTests.bybit)
        let run = Self.run(stream, venue: .bybitLinear, webSocket: privateURL, rest: base.rest, transport: transport, sink: sink, on: exchange)
        defer { run.cancel() }
        try await sink.wait("the stream open", within: .seconds(30)) { $0.events.contains { if case .reconcileNeeded = $0 { true } else { false } } }

        let client = LiveOrderClient(venue: .bybitLinear, credentials: RequestSigningTests.bybit, transport: transport, recvWindowMillis: OrderClientOverLocalExchangeTests.recvWindow)
        try await client.synchronizeTime()
        let symbol = try #require(exchange.exchange.markets[.bybitLinear]?.tape.symbols.sorted().first)
        let placed = try await client.place(LiveOrder(clientOrderID: "P2-1", symbol: symbol, side: .buy, quantity: "0.01", kind: .market))
        try await sink.wait("P2-1 filled on the stream", within: .seconds(30)) { state in
            let orders = state.orders("P2-1")
            return orders.contains { $0.status == .filled && $0.fill == nil } && orders.contains { $0.fill != nil }
                && state.positions(symbol).contains { $0.quantity == "0.01" }
        }
        let updates = sink.read { $0.orders("P2-1") }
        let fills = updates.compactMap(\.fill)
        #expect(fills.allSatisfy { !$0.tradeID.isEmpty && $0.price.isPositive }, "\(fills)")
        #expect(try fills.map(\.quantity).sum() == "0.01", "\(fills)")
        #expect(updates.allSatisfy { $0.venueOrderID == placed.venueOrderID }, "\(updates)")
        #expect(sink.read { $0.logs }.allSatisfy { !$0.contains(OrderClientOverLocalExchangeTests.bybitSecret) })
    }
}

/// Collects a private stream's events and logs, for tests to wait on.
final class PrivateCollectingSink: PrivateStreamSink {
    struct State {
        var events: [PrivateEvent] = []
        var logs: [String] = []

        func orders(_ id: OrderID) -> [PrivateOrderUpdate] {
            events.compactMap { if case .order(let order) = $0, order.clientOrderID == id { order } else { nil } }
        }

        func positions(_ symbol: String) -> [PrivatePosition] {
            events.compactMap { if case .position(let position) = $0, position.symbol == symbol { position } else { nil } }
        }
    }

    private let state = Mutex(State())

    func deliver(_ events: [PrivateEvent], venue: LiveVenueKind) { state.withLock { $0.events += events } }
    func log(_ level: ConnectorLogLevel, _ message: String, venue: LiveVenueKind) { state.withLock { $0.logs.append(message) } }
    func read<T>(_ body: (State) -> T) -> T { state.withLock { body($0) } }

    func wait(_ what: String, within limit: Duration, until condition: (State) -> Bool) async throws {
        let deadline = ContinuousClock.now + limit
        while !read(condition) {
            guard ContinuousClock.now < deadline else {
                throw WaitFailure("no \(what) within \(limit): events \(read { $0.events.suffix(6) }), logs \(read { $0.logs.suffix(6) })")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
