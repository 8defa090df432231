import HedgeCore
import Testing
@testable import HedgeLive

/// The order client against a scripted venue and a hand-moved clock: the server time offset on
/// every timestamp, rate-limit holds that send nothing, and the per-venue gate that resolves an
/// order with a lost answer before anything else goes out.
@Suite struct LiveOrderClientTests {
    static let start: Int64 = 1_700_000_000_000
    static let market = LiveOrder(clientOrderID: "S1-1", symbol: "BTCUSDT", side: .buy, quantity: "0.01", kind: .market)
    static let second = LiveOrder(clientOrderID: "S1-2", symbol: "BTCUSDT", side: .sell, quantity: "0.01", kind: .limit(price: "62000", timeInForce: .gtc))
    static let filled = VenueHTTPResponse(status: 200, headers: ["X-MBX-USED-WEIGHT-1M": "5", "X-MBX-ORDER-COUNT-1M": "1"],
                                          text: #"{"orderId":1,"status":"FILLED","executedQty":"0.01","avgPrice":"61800.5"}"#)
    static let accepted = VenueHTTPResponse(status: 200, text: #"{"orderId":2,"status":"NEW","executedQty":"0","avgPrice":"0"}"#)

    func makeClient(_ script: [ScriptedOrderTransport.Step], venue: LiveVenueKind = .binanceUSDM, latency: Int64 = 0) -> (LiveOrderClient, ScriptedOrderTransport, ManualMillisClock) {
        let clock = ManualMillisClock(Self.start)
        let transport = ScriptedOrderTransport(script, clock: clock, latency: latency)
        let credentials = venue.isBinance ? RequestSigningTests.binance : RequestSigningTests.bybit
        return (LiveOrderClient(venue: venue, credentials: credentials, transport: transport, now: clock.reader), transport, clock)
    }

    /// The `timestamp=` of a Binance query string.
    func timestamp(_ request: VenueHTTPRequest) -> Int64? {
        request.query.split(separator: "&").first { $0.hasPrefix("timestamp=") }.flatMap { Int64($0.dropFirst("timestamp=".count)) }
    }

    @Test("The offset measured at the time endpoint's round-trip midpoint is added to every timestamp")
    func serverTimeOffsetApplied() async throws {
        // The venue's clock is 2500 ms ahead: it reads start + 20 + 2500 halfway through a 40 ms trip.
        let (client, transport, _) = makeClient([.answer(VenueHTTPResponse(status: 200, text: #"{"serverTime":\#(Self.start + 2520)}"#)), .answer(Self.filled)], latency: 40)
        let offset = try await client.synchronizeTime(samples: 1)
        #expect(offset == ServerTimeOffset(offsetMillis: 2500, roundTripMillis: 40))
        #expect(transport.sent[0].path == "/fapi/v1/time" && transport.sent[0].query.isEmpty)
        _ = try await client.place(Self.market)
        // Sent at start + 40 (after the time request), plus 2500.
        #expect(timestamp(transport.sent[1]) == Self.start + 40 + 2500)
    }

    @Test("Of three measurements the shortest round trip's is kept: a request held up on its way out would put us ahead")
    func shortestRoundTripKept() async throws {
        // The venue is 2500 ms ahead. The first request waits 3000 ms before the venue reads its
        // clock (it answers at once after): its midpoint would say 4000 ms ahead.
        let (client, transport, _) = makeClient([
            .slowAnswer(VenueHTTPResponse(status: 200, text: #"{"serverTime":\#(Self.start + 3000 + 2500)}"#), latency: 3000),
            .slowAnswer(VenueHTTPResponse(status: 200, text: #"{"serverTime":\#(Self.start + 3000 + 10 + 2500)}"#), latency: 20),
            .slowAnswer(VenueHTTPResponse(status: 200, text: #"{"serverTime":\#(Self.start + 3020 + 50 + 2500)}"#), latency: 100),
        ])
        let offset = try await client.synchronizeTime()
        #expect(offset == ServerTimeOffset(offsetMillis: 2500, roundTripMillis: 20))
        #expect(transport.sent.count == 3 && transport.sent.allSatisfy { $0.path == "/fapi/v1/time" })
    }

    @Test("After the venue refuses a timestamp (-1021) the offset is measured again before the next order; the refused order is not retried")
    func refusedTimestampResynchronizes() async throws {
        let (client, transport, _) = makeClient([
            .answer(VenueHTTPResponse(status: 400, text: #"{"code":-1021,"msg":"Timestamp for this request is outside of the recvWindow."}"#)),
            .answer(VenueHTTPResponse(status: 200, text: #"{"serverTime":\#(Self.start + 7000)}"#)),
            .answer(VenueHTTPResponse(status: 200, text: #"{"serverTime":\#(Self.start + 7000)}"#)),
            .answer(VenueHTTPResponse(status: 200, text: #"{"serverTime":\#(Self.start + 7000)}"#)),
            .answer(Self.accepted),
        ])
        await #expect(throws: LiveOrderFailure.rejected(VenueRejection(venue: .binanceUSDM, httpStatus: 400, code: -1021, message: "Timestamp for this request is outside of the recvWindow."))) {
            try await client.place(Self.market)
        }
        #expect(transport.sent.count == 1)
        _ = try await client.place(Self.second)
        // Measured again over three round trips (the shortest kept), then the next order.
        #expect(transport.sent.map(\.path) == ["/fapi/v1/order"] + Array(repeating: "/fapi/v1/time", count: 3) + ["/fapi/v1/order"])
        #expect(transport.sent[4].query.contains("newClientOrderId=S1-2"))
        #expect(timestamp(transport.sent[4]) == Self.start + 7000)
    }

    @Test("A placed order's answer is read, and the rate-limit headers land in the state")
    func placeReadsAnswerAndLimits() async throws {
        let (client, _, _) = makeClient([.answer(Self.filled)])
        let state = try await client.place(Self.market)
        #expect(state == LiveOrderState(clientOrderID: "S1-1", venueOrderID: "1", status: .filled, executedQuantity: "0.01", averagePrice: "61800.5"))
        let limits = await client.rateLimits
        #expect(limits.usedWeight1m == 5 && limits.orderCount1m == 1)
    }

    @Test("After a 429 nothing is sent until Retry-After has passed, and the state says until when")
    func holdAfter429() async throws {
        let (client, transport, clock) = makeClient([
            .answer(VenueHTTPResponse(status: 429, headers: ["Retry-After": "30"], text: #"{"code":-1003,"msg":"Too many requests."}"#)),
            .answer(Self.filled),
        ])
        await #expect(throws: LiveOrderFailure.held(.rateLimited, until: Self.start + 30_000)) { try await client.place(Self.market) }
        clock.advance(by: 29_999)
        await #expect(throws: LiveOrderFailure.held(.rateLimited, until: Self.start + 30_000)) { try await client.place(Self.market) }
        #expect(transport.sent.count == 1)
        #expect(await client.rateLimits.heldUntil(at: clock.now) == Self.start + 30_000)
        clock.advance(by: 1)
        #expect(try await client.place(Self.market).status == .filled)
        #expect(transport.sent.count == 2)
    }

    @Test("A 418 ban holds every request, queries and time included, until the time given")
    func banHoldsEverything() async throws {
        let (client, transport, clock) = makeClient([
            .answer(VenueHTTPResponse(status: 418, text: #"{"code":-1003,"msg":"Way too many requests; IP banned until 1700000600000."}"#)),
        ])
        await #expect(throws: LiveOrderFailure.held(.banned, until: 1_700_000_600_000)) { try await client.place(Self.market) }
        clock.advance(by: 60_000)
        await #expect(throws: LiveOrderFailure.held(.banned, until: 1_700_000_600_000)) { try await client.query(symbol: "BTCUSDT", clientOrderID: "S1-1") }
        await #expect(throws: LiveOrderFailure.held(.banned, until: 1_700_000_600_000)) { try await client.synchronizeTime() }
        #expect(transport.sent.count == 1)
        #expect(await client.rateLimits.hold == .banned)
    }

    @Test("An order whose answer was lost is queried by its client order id before the next order goes out")
    func lostAnswerResolvedFirst() async throws {
        let (client, transport, _) = makeClient([.loseAnswer, .answer(Self.filled), .answer(Self.accepted)])
        await #expect(throws: LiveOrderFailure.answerLost("S1-1", "scripted: no answer in time")) { try await client.place(Self.market) }
        // Accepted by the venue until its timestamp plus recvWindow (5 s).
        #expect(await client.unknownOrders == [.init(clientOrderID: "S1-1", symbol: "BTCUSDT", acceptableUntil: Self.start + 5000)])
        let state = try await client.place(Self.second)
        #expect(state.status == .new && state.clientOrderID == "S1-2")
        let sent = transport.sent
        #expect(sent.count == 3)
        #expect(sent[1].method == .get && sent[1].query.hasPrefix("symbol=BTCUSDT&origClientOrderId=S1-1&"))
        #expect(sent[2].method == .post && sent[2].query.contains("newClientOrderId=S1-2"))
        #expect(await client.unknownOrders.isEmpty)
        let resolutions = await client.takeResolutions()
        #expect(resolutions == [LiveOrderResolution(clientOrderID: "S1-1", outcome: .found(LiveOrderState(clientOrderID: "S1-1", venueOrderID: "1", status: .filled, executedQuantity: "0.01", averagePrice: "61800.5")))])
        #expect(await client.takeResolutions().isEmpty)
    }

    @Test("An unknown order the venue does not have once its recvWindow has passed never arrived; the next order then goes out")
    func lostOrderNeverArrived() async throws {
        let noSuchOrder = VenueHTTPResponse(status: 400, text: #"{"code":-2013,"msg":"Order does not exist."}"#)
        let (client, transport, clock) = makeClient([.loseAnswer, .answer(noSuchOrder), .answer(noSuchOrder), .answer(Self.accepted)])
        _ = try? await client.place(Self.market)
        // 5 s after its timestamp the lost order could still arrive: not yet 'never arrived'.
        clock.advance(by: 5000)
        await #expect(throws: LiveOrderFailure.unresolved(["S1-1"])) { try await client.place(Self.second) }
        #expect(transport.sent.count == 2)
        clock.advance(by: 1)
        _ = try await client.place(Self.second)
        #expect(transport.sent.count == 4)
        #expect(transport.sent[3].query.contains("newClientOrderId=S1-2"))
        #expect(await client.takeResolutions() == [LiveOrderResolution(clientOrderID: "S1-1", outcome: .neverArrived)])
    }

    @Test("While the unknown order cannot be resolved, nothing else is sent to that venue")
    func unresolvedBlocksTheVenue() async throws {
        let (client, transport, _) = makeClient([.loseAnswer, .loseAnswer, .refuseConnection])
        _ = try? await client.place(Self.market)
        await #expect(throws: LiveOrderFailure.unresolved(["S1-1"])) { try await client.place(Self.second) }
        await #expect(throws: LiveOrderFailure.unresolved(["S1-1"])) { try await client.cancel(symbol: "BTCUSDT", clientOrderID: "S1-0") }
        // Only the order and the two queries of S1-1 went out; S1-2 and the cancel never did.
        #expect(transport.sent.count == 3)
        #expect(transport.sent.dropFirst().allSatisfy { $0.method == .get && $0.query.contains("origClientOrderId=S1-1") })
        #expect(await client.unknownOrders.map(\.clientOrderID) == ["S1-1"])
    }

    @Test("Binance saying its backend timed out (-1007) leaves the order unknown, as a lost answer does")
    func venueTimeoutMakesUnknown() async throws {
        let (client, _, _) = makeClient([.answer(VenueHTTPResponse(status: 408, text: #"{"code":-1007,"msg":"Timeout waiting for response from backend server. Send status unknown; execution status unknown."}"#))])
        await #expect(throws: LiveOrderFailure.self) { try await client.place(Self.market) }
        #expect(await client.unknownOrders.map(\.clientOrderID) == ["S1-1"])
    }

    @Test("A gateway timeout (HTML 504) on a place leaves the order unknown; a 503 'not processed' does not")
    func gatewayTimeoutMakesUnknown() async throws {
        let (client, _, _) = makeClient([
            .answer(VenueHTTPResponse(status: 503, text: #"{"code":-1001,"msg":"Internal error; unable to process your request. Please try again."}"#)),
            .answer(VenueHTTPResponse(status: 504, text: "<html><body>504 Gateway Time-out</body></html>")),
        ])
        await #expect(throws: LiveOrderFailure.self) { try await client.place(Self.market) }
        #expect(await client.unknownOrders.isEmpty)
        await #expect(throws: LiveOrderFailure.self) { try await client.place(Self.second) }
        #expect(await client.unknownOrders.map(\.clientOrderID) == ["S1-2"])
    }

    @Test("A lost cancel answer leaves that order unknown too")
    func lostCancelMakesUnknown() async throws {
        let (client, _, _) = makeClient([.loseAnswer])
        await #expect(throws: LiveOrderFailure.answerLost("S1-1", "scripted: no answer in time")) { try await client.cancel(symbol: "BTCUSDT", clientOrderID: "S1-1") }
        #expect(await client.unknownOrders.map(\.clientOrderID) == ["S1-1"])
    }

    @Test("A refused connection did not send the order: it is not unknown")
    func notSentIsNotUnknown() async throws {
        let (client, _, _) = makeClient([.refuseConnection])
        await #expect(throws: LiveOrderFailure.notSent("scripted: connection refused")) { try await client.place(Self.market) }
        #expect(await client.unknownOrders.isEmpty)
    }

    @Test("Bybit: the gate queries /v5/order/realtime by orderLinkId before the next create")
    func bybitGate() async throws {
        let created = VenueHTTPResponse(status: 200, headers: ["X-Bapi-Limit-Status": "9", "X-Bapi-Limit": "10", "X-Bapi-Limit-Reset-Timestamp": "1700000001000"],
                                        text: #"{"retCode":0,"retMsg":"OK","result":{"orderId":"77","orderLinkId":"S1-2"},"time":1700000000001}"#)
        let found = VenueHTTPResponse(status: 200, text: #"{"retCode":0,"retMsg":"OK","result":{"list":[{"orderId":"76","orderLinkId":"S1-1","orderStatus":"Filled","cumExecQty":"0.01","avgPrice":"61800"}]}}"#)
        let (client, transport, _) = makeClient([.loseAnswer, .answer(found), .answer(created)], venue: .bybitLinear)
        _ = try? await client.place(Self.market)
        #expect(try await client.place(Self.second).status == .acknowledged)
        #expect(transport.sent.map(\.path) == ["/v5/order/create", "/v5/order/realtime", "/v5/order/create"])
        #expect(transport.sent[1].query == "category=linear&symbol=BTCUSDT&orderLinkId=S1-1")
        let limits = await client.rateLimits
        #expect(limits.bybitRemaining == 9 && limits.bybitLimit == 10 && limits.bybitResetAt == 1_700_000_001_000)
        #expect(await client.takeResolutions().first?.outcome == .found(LiveOrderState(clientOrderID: "S1-1", venueOrderID: "76", status: .filled, executedQuantity: "0.01", averagePrice: "61800")))
    }

    @Test("A venue refusal comes back typed with its code")
    func refusalTyped() async throws {
        let (client, _, _) = makeClient([.answer(VenueHTTPResponse(status: 400, text: #"{"code":-2019,"msg":"Margin is insufficient."}"#))])
        await #expect(throws: LiveOrderFailure.rejected(VenueRejection(venue: .binanceUSDM, httpStatus: 400, code: -2019, message: "Margin is insufficient."))) {
            try await client.place(Self.market)
        }
    }

    @Test("No secret in anything the client sends, says or shows, across refusals, holds and lost answers",
          arguments: [LiveVenueKind.binanceUSDM, .bybitLinear])
    func secretsNeverShown(venue: LiveVenueKind) async throws {
        let secret = venue.isBinance ? RequestSigningTests.binance : RequestSigningTests.bybit
        let secretText = venue.isBinance ? "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j" : "hedgetop-bybit-test-secret-not-a-real-one"
        let refusal = venue.isBinance ? #"{"code":-1022,"msg":"Signature for this request is not valid."}"# : #"{"retCode":10004,"retMsg":"error sign!"}"#
        let (client, transport, clock) = makeClient([
            .answer(VenueHTTPResponse(status: venue.isBinance ? 400 : 200, text: refusal)),
            .loseAnswer, .loseAnswer,
            .answer(VenueHTTPResponse(status: 429, headers: ["Retry-After": "1"], text: "slow down")),
        ], venue: venue)
        var outputs: [String] = ["\(secret)", String(reflecting: secret)]
        for _ in 0..<4 {
            do throws(LiveOrderFailure) { _ = try await client.place(Self.market) } catch {
                outputs += [error.description, "\(error)", String(reflecting: error)]
                var dumped = ""
                dump(error, to: &dumped)
                outputs.append(dumped)
            }
            clock.advance(by: 2000)
        }
        outputs += ["\(await client.rateLimits)", "\(await client.unknownOrders)", "\(await client.timeOffset)"]
        for request in transport.sent {
            outputs += [request.target, request.body ?? "", "\(request.headers)"]
        }
        #expect(transport.sent.count >= 3)
        for text in outputs {
            #expect(!text.contains(secretText), "secret in: \(text)")
        }
    }
}
