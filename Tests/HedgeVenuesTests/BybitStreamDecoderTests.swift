import Foundation
@testable import HedgeCore
import Testing
@testable import HedgeVenues

/// Bybit v5 messages, taken from the real recording's "recv" lines.
@Suite struct BybitStreamDecoderTests {
    /// The inner messages of the linear connection, in recorded order.
    static func linearMessages() throws -> [String] {
        try ReplayFixtures.lines("bybit_head.jsonl").compactMap { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            guard object["t"] as? String == "recv", object["conn"] as? String == "BYBIT.ws.2" else { return nil }
            return object["data"] as? String
        }
    }

    @Test func tickerDeltasMergeIntoTheSnapshot() throws {
        let messages = try Self.linearMessages().filter { $0.contains(#""topic":"tickers.BTCUSDT""#) }
        var decoder = BybitStreamDecoder(venue: "bybit-linear", symbols: ["BTCUSDT"])
        let snapshot = try decoder.decode(messages[0])
        // The snapshot has bid1 65114.20 × 5.954, ask1 65114.30 × 10.470, mark 65117.44, funding 0.0001.
        let quote = try #require(snapshot.compactMap(\.quoteValue).first)
        #expect(quote.bid == "65114.20" && quote.bidSize == "5.954" && quote.ask == "65114.30" && quote.askSize == "10.470")
        #expect(snapshot.contains(.mark(ReplayFixtures.bybit, "65117.44", time: quote.time)))
        #expect(snapshot.contains(.fundingRate(ReplayFixtures.bybit, rate: "0.0001", nextFundingTime: Timestamp(milliseconds: 1_786_320_000_000), time: quote.time)))
        // A delta carrying only the bid keeps the ask from before.
        let bidOnly = try #require(messages.first { $0.contains(#""bid1Size":"6.124"}"#) })
        var merged: Quote?
        for message in messages[1...] {
            let events = try decoder.decode(message)
            if message == bidOnly { merged = events.compactMap(\.quoteValue).first; break }
        }
        #expect(merged?.bid == "65114.20" && merged?.bidSize == "6.124")
        #expect(merged?.ask == "65114.30")
    }

    @Test func orderBookSnapshotThenDeltasWhereZeroDeletes() throws {
        let messages = try Self.linearMessages().filter { $0.contains(#""topic":"orderbook.200.BTCUSDT""#) }
        var decoder = BybitStreamDecoder(venue: "bybit-linear", symbols: ["BTCUSDT"])
        let first = try decoder.decode(messages[0])
        let depth = try #require(first.first { $0.isDepth })
        guard case .depth(_, let book) = depth else { return }
        #expect(book.bids.first == BookLevel(price: "65114.20", quantity: "6.054"))
        // Every level of orderbook.200, not the first 20 (issue 13, defect 3: the old 20 was wrong).
        #expect(book.bids.count == 200 && book.asks.count == 200)
        // The first delta deletes the ask 65116.60 ("0").
        _ = try decoder.decode(messages[1])
        // A delta goes out as its level changes, not as a copy of the book.
        let events = try decoder.decode(#"{"topic":"orderbook.200.BTCUSDT","type":"delta","ts":1786310818131,"data":{"s":"BTCUSDT","b":[["65114.20","0"]],"a":[],"u":3}}"#)
        #expect(!events.contains { $0.isDepth })
        #expect(events.contains(.bookUpdate(ReplayFixtures.bybit, BookUpdate(bids: [level("65114.20", "0")], asks: [], time: Timestamp(milliseconds: 1_786_310_818_131)))))
        #expect(events.compactMap(\.quoteValue).first?.bid == "65114.10")
    }

    @Test func publicTradeTakesSideAndTradeTime() throws {
        let message = try #require(try Self.linearMessages().first { $0.contains(#""topic":"publicTrade.BTCUSDT""#) })
        var decoder = BybitStreamDecoder(venue: "bybit-linear", symbols: ["BTCUSDT"])
        let trades = try decoder.decode(message)
        #expect(trades.allSatisfy(\.isTrade) && !trades.isEmpty)
    }

    @Test func subscriptionAckAndKlineAreIgnored() throws {
        var decoder = BybitStreamDecoder(venue: "bybit-linear", symbols: ["BTCUSDT"])
        #expect(try decoder.decode(#"{"success":true,"ret_msg":"","op":"subscribe"}"#).isEmpty)
        #expect { _ = try decoder.decode(#"{"topic":"liquidation.BTCUSDT","ts":1,"data":{}}"#) } throws: { ($0 as? MarketDataFault)?.kind == .unknownMessage }
    }
}
