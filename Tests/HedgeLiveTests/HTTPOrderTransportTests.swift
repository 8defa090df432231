import Testing
@testable import HedgeLive

/// The real transport tells a request that never left from one whose answer was lost, since only
/// the second makes an order unknown. Loopback only.
@Suite struct HTTPOrderTransportTests {
    @Test("A refused loopback connection is 'not sent', and its message has no query string")
    func refusedIsNotSent() async throws {
        let transport = try HTTPOrderTransport(endpoint: LiveEndpoint(kind: .binanceUSDM, restURL: "http://127.0.0.1:1"), timeout: .seconds(1))
        let request = VenueHTTPRequest(method: .post, path: "/fapi/v1/order", query: "symbol=BTCUSDT&signature=abcdef0123456789")
        do throws(TransportFailure) {
            _ = try await transport.send(request)
            Issue.record("port 1 answered")
        } catch {
            guard case .notSent(let why) = error else {
                Issue.record("expected notSent, got \(error)")
                await transport.shutdown()
                return
            }
            #expect(!why.contains("signature"), "\(why)")
            #expect(why.contains("refused"), "\(why)")
        }
        await transport.shutdown()
    }

    @Test("Errors after the connection was made count as a lost answer")
    func classifyLateErrors() {
        struct ReadTimeout: Error, CustomStringConvertible { var description: String { "readTimeout" } }
        struct Refused: Error, CustomStringConvertible { var description: String { "connect error: connectionRefused" } }
        let url = "https://fapi.binance.com/fapi/v1/order?symbol=BTCUSDT&signature=abc"
        guard case .answerLost(let lost) = HTTPOrderTransport.classify(ReadTimeout(), url: url) else {
            Issue.record("a read timeout must be a lost answer")
            return
        }
        #expect(lost.contains("fapi.binance.com") && !lost.contains("signature"))
        guard case .notSent = HTTPOrderTransport.classify(Refused(), url: url) else {
            Issue.record("a refused connection must be not sent")
            return
        }
    }
}
