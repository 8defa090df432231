import HedgeCore
import Testing
@testable import HedgeLive

/// The Bybit private stream's life on a hand-moved clock: the venue's time asked, `auth` signed
/// a few seconds ahead of it and sent first, `subscribe` only once auth is answered, pings while
/// open, the same sequence after every reconnect, and the secret nowhere.
@Suite("Bybit private stream machine")
struct BybitPrivateConnectorTests {
    typealias Script = PrivateStreamScript<BybitPrivateConnector>
    static let credentials = RequestSigningTests.bybit
    static let signer = BybitSigner(credentials: credentials)
    static let timeRequest = VenueHTTPRequest(method: .get, path: "/v5/market/time")
    static let subscribe = #"{"op":"subscribe","args":["order","execution","position","wallet"]}"#
    static let authOK = #"{"success":true,"ret_msg":"","op":"auth","conn_id":"c1"}"#
    static let subscribeOK = #"{"success":true,"ret_msg":"","op":"subscribe","conn_id":"c1"}"#

    static func script() -> Script {
        Script(BybitPrivateConnector(.init(venue: .bybitLinear, privateURL: "ws://venue/v5/private", seed: 1), credentials: credentials))
    }

    /// The venue's time answer, `millis` Unix ms (as timeNano, as Bybit sends it).
    static func timeAnswer(_ id: Int, millis: Int64) -> (Timestamp) -> PrivateStreamInput {
        Script.answer(id, #"{"retCode":0,"retMsg":"OK","result":{"timeSecond":"\#(millis / 1000)","timeNano":"\#(millis * 1_000_000)"},"time":\#(millis)}"#)
    }

    static func millis(_ time: Timestamp) -> Int64 { time.nanoseconds / 1_000_000 }

    /// Started, timed (the venue 5 s ahead of us), connected, authenticated, subscribed.
    static func opened() -> Script {
        var script = script()
        script.expect(Script.start, [.request(id: 1, timeRequest)])
        script.expect(after: .milliseconds(20), timeAnswer(1, millis: millis(script.now) + 20 + 5000), [.connect(url: "ws://venue/v5/private")])
        // Connected 100 ms later: the venue's clock then reads ours + 5 s; expires is 10 s past it.
        let expires = millis(script.now) + 100 + 5000 + 10_000
        script.expect(after: .milliseconds(100), Script.connected, [.send(signer.webSocketAuthMessage(expiresMillis: expires))])
        script.expect(after: .milliseconds(30), Script.text(authOK), [.send(subscribe)])
        script.expect(after: .milliseconds(30), Script.text(subscribeOK), [.deliver([.reconcileNeeded(reason: "stream started")])])
        return script
    }

    @Test("auth is signed ahead of the venue's clock and sent first; subscribe only after its success; reconcile once subscribed")
    func authenticatesThenSubscribes() {
        let script = Self.opened()
        let sends = script.everything.compactMap { if case .send(let text) = $0 { text } else { nil } }
        #expect(sends.count == 2 && sends[0].hasPrefix(#"{"op":"auth","args":["XXXXXXXXXX","#) && sends[1] == Self.subscribe, "\(sends)")
    }

    @Test("Nothing is sent while auth is unanswered: no subscribe, no ping; topic messages before it are not delivered")
    func nothingBeforeAuth() {
        var script = Self.script()
        script.step(Script.start)
        script.step(Self.timeAnswer(1, millis: Self.millis(script.now)))
        #expect(script.step(Script.connected).count == 1)
        script.expect(after: .seconds(9), Script.tick, [])
        script.expect(Script.text(#"{"topic":"wallet","creationTime":1,"data":[{"coin":[{"coin":"USDT","walletBalance":"1"}]}]}"#), [])
        // Unanswered past 10 s: closed and retried, never subscribed unauthenticated.
        let actions = script.step(after: .seconds(2), Script.tick)
        #expect(actions == [.close(reason: "auth unanswered for 10.0s")], "\(actions)")
    }

    @Test("Open: a ping every 20 s; account messages delivered")
    func pingsAndDelivers() {
        var script = Self.opened()
        script.expect(after: .seconds(19), Script.tick, [])
        script.expect(after: .seconds(1), Script.tick, [.send(#"{"op":"ping"}"#)])
        script.expect(Script.text(#"{"req_id":"","op":"pong","args":["1"],"conn_id":"c1"}"#), [])
        let fill = #"{"topic":"execution","creationTime":5,"data":[{"symbol":"BTCUSDT","execFee":"0.33","execId":"x-7","execPrice":"60000","execQty":"0.01","execType":"Trade","leavesQty":"0","orderId":"o1","orderLinkId":"B1-1","orderQty":"0.01","isMaker":false,"execTime":"5"}]}"#
        let actions = script.step(Script.text(fill))
        #expect(actions == [.deliver([.order(PrivateOrderUpdate(clientOrderID: "B1-1", venueOrderID: "o1", symbol: "BTCUSDT", status: .filled, executedQuantity: "0.01",
                                                                fill: PrivateFill(tradeID: "x-7", quantity: "0.01", price: "60000", fee: "0.33", feeAsset: nil, isMaker: false),
                                                                venueTimeMillis: 5))])])
    }

    @Test("After a reconnect: the time asked again, auth first again, subscribe after its answer, then reconcile naming the close")
    func reauthenticatesAfterReconnect() {
        var script = Self.opened()
        script.expect(after: .seconds(3), Script.closed("connection lost without a close frame (1006)"), [])
        // Backoff(seed: 1)'s first delay lies in [250 ms, 500 ms]; nothing is sent meanwhile.
        script.expect(after: .milliseconds(200), Script.tick, [])
        script.expect(after: .milliseconds(300), Script.tick, [.request(id: 2, Self.timeRequest)])
        script.expect(Self.timeAnswer(2, millis: Self.millis(script.now) - 2000), [.connect(url: "ws://venue/v5/private")])
        // The venue is now 2 s behind us: expires follows its clock.
        let expires = Self.millis(script.now) + 50 - 2000 + 10_000
        script.expect(after: .milliseconds(50), Script.connected, [.send(Self.signer.webSocketAuthMessage(expiresMillis: expires))])
        script.expect(after: .seconds(1), Script.tick, [])
        script.expect(Script.text(Self.authOK), [.send(Self.subscribe)])
        script.expect(Script.text(Self.subscribeOK),
                      [.deliver([.reconcileNeeded(reason: "reconnected after: connection closed: connection lost without a close frame (1006)")])])
    }

    @Test("auth refused: the connection closed, the venue's words logged, a retry only after 60 s")
    func refusedAuthWaitsLong() {
        var script = Self.script()
        script.step(Script.start)
        script.step(Self.timeAnswer(1, millis: Self.millis(script.now)))
        script.step(Script.connected)
        script.expect(Script.text(#"{"success":false,"ret_msg":"error sign! origin_string[GET/realtime1]","op":"auth","conn_id":"c1"}"#),
                      [.close(reason: "authentication refused: error sign! origin_string[GET/realtime1]")])
        script.expect(after: .seconds(59), Script.tick, [])
        script.expect(after: .seconds(1), Script.tick, [.request(id: 2, Self.timeRequest)])
    }

    @Test("The secret never appears in an action, a log or the machine's dump")
    func secretNeverShows() {
        var script = Self.opened()
        script.step(Script.text("not json"))
        script.step(Script.closed("gone"))
        #expect(!script.allText.contains("hedgetop-bybit-test-secret-not-a-real-one"))
        #expect(script.allText.contains("GET") || script.allText.contains("auth"), "the text is not empty")
    }
}
