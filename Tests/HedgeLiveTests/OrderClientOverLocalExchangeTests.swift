import Foundation
import Testing
@testable import HedgeLive

/// The order client over real loopback sockets (AsyncHTTPClient) against the local exchange,
/// which serves the venues' time endpoints but, as yet, no order endpoints.
@Suite("Order client over the local exchange", .timeLimit(.minutes(2)))
struct OrderClientOverLocalExchangeTests {
    /// 2024-08-08 00:00 and 2024-08-10 00:00 UTC in Unix ms: the recording's day, with room.
    static let recordingDay: ClosedRange<Int64> = 1_723_075_200_000...1_723_248_000_000

    @Test("Binance: the time endpoint's offset puts our timestamps on the recording's clock; a signed order to a venue without the endpoint is a typed refusal")
    func binanceOverSockets() async throws {
        let exchange = try await LocalExchangeRun.start(speed: 1)
        defer { exchange.stop() }
        let base = try #require(exchange.endpoints.bases[.binanceUSDM])
        let transport = try HTTPOrderTransport(endpoint: LiveEndpoint(kind: .binanceUSDM, restURL: base.rest), timeout: .seconds(10))
        let client = LiveOrderClient(venue: .binanceUSDM, credentials: RequestSigningTests.binance, transport: transport)
        let offset = try await client.synchronizeTime()
        #expect(Self.recordingDay.contains(offset.serverTime(atLocal: LiveOrderClient.systemMillis())), "\(offset)")
        #expect(offset.roundTripMillis >= 0)
        do throws(LiveOrderFailure) {
            _ = try await client.place(LiveOrder(clientOrderID: "S1-1", symbol: "BTCUSDT", side: .buy, quantity: "0.001", kind: .market))
            Issue.record("the local exchange has no order endpoint yet")
        } catch {
            guard case .rejected(let rejection) = error else {
                Issue.record("expected a refusal, got \(error)")
                await transport.shutdown()
                return
            }
            // No such route (404), or not for POST (405).
            #expect([404, 405].contains(rejection.httpStatus), "\(rejection)")
        }
        #expect(await client.unknownOrders.isEmpty)
        await transport.shutdown()
    }

    @Test("Bybit: /v5/market/time over the socket puts our timestamps on the recording's clock")
    func bybitOverSockets() async throws {
        let exchange = try await LocalExchangeRun.start(speed: 1, bybit: true)
        defer { exchange.stop() }
        let base = try #require(exchange.endpoints.bases[.bybitLinear])
        let transport = try HTTPOrderTransport(endpoint: LiveEndpoint(kind: .bybitLinear, restURL: base.rest), timeout: .seconds(10))
        let client = LiveOrderClient(venue: .bybitLinear, credentials: RequestSigningTests.bybit, transport: transport)
        let offset = try await client.synchronizeTime()
        // 2026-08-08 to 2026-08-11 UTC: the Bybit recording's day (2026-08-09), with room.
        #expect((1_786_147_200_000...1_786_406_400_000).contains(offset.serverTime(atLocal: LiveOrderClient.systemMillis())), "\(offset)")
        await transport.shutdown()
    }
}
