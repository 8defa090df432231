import Foundation
@testable import HedgeExchange
import Testing

@Suite("Local exchange: venue timestamps moved to the present", .timeLimit(.minutes(3)))
struct EventTimeShiftTests {
    @Test("Binance E and T move by the offset; prices, ids and string times stay as recorded")
    func binanceKeys() {
        let recorded = #"{"e":"depthUpdate","E":1723161600123,"T":1723161600120,"s":"BTCUSDT","U":5,"u":9,"pu":4,"b":[["61800.20","2.909"]],"a":[]}"#
        let moved = EventTimeShift.shift(recorded, by: 1000)
        #expect(moved == #"{"e":"depthUpdate","E":1723161601123,"T":1723161601120,"s":"BTCUSDT","U":5,"u":9,"pu":4,"b":[["61800.20","2.909"]],"a":[]}"#)
    }

    @Test("Bybit ts and cts move; nextFundingTime, a string, does not")
    func bybitKeys() {
        let recorded = #"{"topic":"tickers.BTCUSDT","ts":1754697600000,"type":"delta","cs":7,"data":{"symbol":"BTCUSDT","nextFundingTime":"1754726400000"},"cts":1754697599990}"#
        let moved = EventTimeShift.shift(recorded, by: -600000)
        #expect(moved == #"{"topic":"tickers.BTCUSDT","ts":1754697000000,"type":"delta","cs":7,"data":{"symbol":"BTCUSDT","nextFundingTime":"1754726400000"},"cts":1754696999990}"#)
    }

    @Test("A zero offset or a text without time keys is returned unchanged")
    func unchanged() {
        #expect(EventTimeShift.shift(#"{"E":1}"#, by: 0) == #"{"E":1}"#)
        #expect(EventTimeShift.shift(#"{"result":null,"id":1}"#, by: 5) == #"{"result":null,"id":1}"#)
        #expect(EventTimeShift.shift(#"{"E":"x"}"#, by: 5) == #"{"E":"x"}"#)
    }

    @Test("With now-times at 1x, a 2024 recording's bookTicker arrives stamped with today's time, never ahead of its receipt")
    func servedNow() async throws {
        let harness = try await ExchangeHarness.start([.binanceUSDM: ExchangeHarness.usdm], speed: 1) { $0.nowTimes = true }
        defer { Task { await harness.stop() } }
        let url = harness.base(.binanceUSDM).webSocket + "/stream?streams=btcusdt@bookTicker"
        let (messages, _) = try await ExchangeHarness.collect(url) { $0.count >= 2 }
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        for message in messages {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(message.utf8)) as? [String: Any])
            let event = try #require((object["data"] as? [String: Any])?["E"] as? Int64)
            // Not ahead of the receipt (the recorder's clock skew is taken out), and not far behind.
            #expect((-5..<60_000).contains(now - event), "E \(event) against now \(now)")
        }
    }
}
