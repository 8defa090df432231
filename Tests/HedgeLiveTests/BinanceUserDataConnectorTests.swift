import HedgeCore
import Testing
@testable import HedgeLive

/// The Binance user data stream's life on a hand-moved clock: the listen key created and
/// connected, kept alive every 30 minutes, renewed when it expires or is gone, a new key after
/// a close (the 24 h one), a reconcile each time the stream is open again, and the secret
/// nowhere.
@Suite("Binance user data stream machine")
struct BinanceUserDataConnectorTests {
    typealias Script = PrivateStreamScript<BinanceUserDataConnector>
    static let credentials = RequestSigningTests.binance
    static let key = credentials.apiKey

    static func script() -> Script {
        Script(BinanceUserDataConnector(.init(venue: .binanceUSDM, webSocketURL: "ws://venue/", seed: 1), credentials: credentials))
    }

    static func listenKey(_ method: VenueHTTPRequest.Method) -> VenueHTTPRequest {
        VenueHTTPRequest(method: method, path: "/fapi/v1/listenKey", headers: ["X-MBX-APIKEY": key])
    }

    static func reconcile(_ reason: String) -> PrivateStreamAction { .deliver([.reconcileNeeded(reason: reason)]) }

    /// Up and connected on key K1, reconcile delivered: the start of every test.
    static func opened() -> Script {
        var script = script()
        script.expect(Script.start, [.request(id: 1, listenKey(.post))])
        script.expect(after: .milliseconds(30), Script.answer(1, #"{"listenKey":"K1aaaaaaaaaa"}"#), [.connect(url: "ws://venue/ws/K1aaaaaaaaaa")])
        script.expect(after: .milliseconds(40), Script.connected, [reconcile("stream started")])
        return script
    }

    @Test("A listen key is created with the API key header only, then its stream connected; reconcile when open")
    func createsThenConnects() {
        let script = Self.opened()
        #expect(Self.listenKey(.post).query.isEmpty, "no signature, no timestamp")
        #expect(script.logs.contains { $0.contains("connected (listen key K1aa…)") }, "\(script.logs)")
    }

    @Test("Keepalive: a PUT every 30 minutes, one at a time; an order update in between is delivered")
    func keepsAlive() {
        var script = Self.opened()
        script.expect(after: .seconds(29 * 60 + 59), Script.tick, [])
        script.expect(after: .seconds(1), Script.tick, [.request(id: 2, Self.listenKey(.put))])
        script.expect(after: .seconds(1), Script.tick, [])
        script.expect(after: .milliseconds(50), Script.answer(2, "{}"), [])
        let update = #"{"e":"ORDER_TRADE_UPDATE","E":2,"T":2,"o":{"s":"BTCUSDT","c":"S1-2","X":"FILLED","i":9,"l":"0.003","z":"0.003","L":"56000.1","n":"0.0672","N":"USDT","t":77,"m":false}}"#
        let actions = script.step(after: .seconds(5), Script.text(update))
        #expect(actions.count == 1)
        if case .deliver(let events)? = actions.first, case .order(let order)? = events.first {
            #expect(order.fill?.tradeID == "77" && order.fill?.fee == "0.0672" && order.status == .filled, "\(order)")
        } else {
            Issue.record("no order update: \(actions)")
        }
        // 30 minutes after the previous PUT was sent (6.05 s ago), not after its answer.
        script.expect(after: .seconds(30 * 60 - 7), Script.tick, [])
        script.expect(after: .seconds(1), Script.tick, [.request(id: 3, Self.listenKey(.put))])
    }

    @Test("listenKeyExpired: the stream is closed, a key created, reconnected, and a reconcile follows")
    func renewsOnExpiry() {
        var script = Self.opened()
        script.expect(after: .seconds(60), Script.text(#"{"e":"listenKeyExpired","E":"1736996475556","listenKey":"K1aaaaaaaaaa"}"#),
                      [.close(reason: "the listen key expired"), .request(id: 2, Self.listenKey(.post))])
        script.expect(after: .milliseconds(30), Script.answer(2, #"{"listenKey":"K2bbbbbbbbbb"}"#), [.connect(url: "ws://venue/ws/K2bbbbbbbbbb")])
        script.expect(after: .milliseconds(30), Script.connected, [Self.reconcile("listen key renewed: the listen key expired")])
    }

    @Test("A keepalive answered -1125 (the key is gone): renewed and reconnected like an expiry")
    func renewsWhenKeyIsGone() {
        var script = Self.opened()
        script.expect(after: .seconds(30 * 60), Script.tick, [.request(id: 2, Self.listenKey(.put))])
        script.expect(after: .milliseconds(30), Script.answer(2, status: 400, #"{"code":-1125,"msg":"This listenKey does not exist."}"#),
                      [.close(reason: "the listen key no longer exists (keepalive answered -1125)"), .request(id: 3, Self.listenKey(.post))])
        script.expect(Script.answer(3, #"{"listenKey":"K2bbbbbbbbbb"}"#), [.connect(url: "ws://venue/ws/K2bbbbbbbbbb")])
        script.expect(Script.connected, [Self.reconcile("listen key renewed: the listen key no longer exists (keepalive answered -1125)")])
    }

    @Test("The 24 h close: after the backoff a key is created again (POST), reconnected, reconciled; a late answer is ignored")
    func reconnectsAfterClose() {
        var script = Self.opened()
        script.expect(after: .seconds(24 * 3600 - 1), Script.tick, [.request(id: 2, Self.listenKey(.put))])
        script.expect(after: .seconds(1), Script.closed("closed by the venue (code 1000)"), [])
        // The keepalive's answer arrives after the close: nothing to do with it.
        script.expect(after: .milliseconds(10), Script.answer(2, "{}"), [])
        // Backoff(seed: 1)'s first delay lies in [250 ms, 500 ms].
        script.expect(after: .milliseconds(200), Script.tick, [])
        script.expect(after: .milliseconds(300), Script.tick, [.request(id: 3, Self.listenKey(.post))])
        script.expect(Script.answer(3, #"{"listenKey":"K1aaaaaaaaaa"}"#), [.connect(url: "ws://venue/ws/K1aaaaaaaaaa")])
        script.expect(Script.connected, [Self.reconcile("reconnected after: connection closed: closed by the venue (code 1000)")])
    }

    @Test("A stream dropped at once after each connect backs off longer; one open for 60 s starts the backoff over")
    func backoffGrowsUntilHealthy() {
        var script = Self.opened()
        script.expect(Script.closed("dropped"), [])
        // Backoff(seed: 1): the first delay lies in [250 ms, 500 ms], the second in [500 ms, 1 s].
        script.expect(after: .milliseconds(500), Script.tick, [.request(id: 2, Self.listenKey(.post))])
        script.step(Script.answer(2, #"{"listenKey":"K1aaaaaaaaaa"}"#))
        script.step(Script.connected)
        script.expect(Script.closed("dropped again"), [])
        script.expect(after: .milliseconds(490), Script.tick, [])
        script.expect(after: .milliseconds(510), Script.tick, [.request(id: 3, Self.listenKey(.post))])
        script.step(Script.answer(3, #"{"listenKey":"K1aaaaaaaaaa"}"#))
        script.step(Script.connected)
        script.expect(after: .seconds(60), Script.tick, [])
        script.expect(Script.closed("the 24 h close"), [])
        script.expect(after: .milliseconds(500), Script.tick, [.request(id: 4, Self.listenKey(.post))])
    }

    @Test("A refused API key (401 -2015) waits 60 s, not the backoff, and says why")
    func refusedKeyWaitsLong() {
        var script = Self.script()
        script.expect(Script.start, [.request(id: 1, Self.listenKey(.post))])
        script.expect(Script.answer(1, status: 401, #"{"code":-2015,"msg":"Invalid API-key, IP, or permissions for action."}"#), [])
        #expect(script.logs.last?.contains("HTTP 401 -2015 Invalid API-key") == true, "\(script.logs)")
        script.expect(after: .seconds(59), Script.tick, [])
        script.expect(after: .seconds(1), Script.tick, [.request(id: 2, Self.listenKey(.post))])
    }

    @Test("The secret never appears in an action, a log or the machine's dump")
    func secretNeverShows() {
        var script = Self.opened()
        script.step(after: .seconds(30 * 60), Script.tick)
        script.step(Script.answer(2, status: 400, #"{"code":-1125,"msg":"gone"}"#))
        script.step(Script.text("garbage"))
        #expect(!script.allText.contains("NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"))
        #expect(script.allText.contains("K1aa"), "the dump is not empty")
    }
}
