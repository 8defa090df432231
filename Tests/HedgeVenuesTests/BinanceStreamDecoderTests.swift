@testable import HedgeCore
import Testing
@testable import HedgeVenues

/// Each Binance message type, decoded from real recorded lines.
@Suite struct BinanceStreamDecoderTests {
    @Test func bookTickerBecomesAQuoteAtItsEventTime() throws {
        let line = try ReplayFixtures.lines("usdm_head.txt")[1]
        var decoder = BinanceStreamDecoder(venue: "binance-usdm", symbols: ["BTCUSDT"])
        let events = try decoder.decode(ReplayFixtures.json(line))
        // {"b":"61800.20","B":"2.507","a":"61800.30","A":"2.510","E":1723161256313}
        #expect(events == [.quote(ReplayFixtures.usdm, Quote(bid: "61800.20", bidSize: "2.507", ask: "61800.30", askSize: "2.510",
                                                             time: Timestamp(milliseconds: 1_723_161_256_313)))])
    }

    @Test func tradeTakesTheAggressorFromTheMakerFlag() throws {
        let line = try ReplayFixtures.lines("usdm_head.txt")[2]
        var decoder = BinanceStreamDecoder(venue: "binance-usdm", symbols: ["BTCUSDT"])
        // "p":"61800.30","q":"0.006","m":false → the buyer took liquidity.
        #expect(try decoder.decode(ReplayFixtures.json(line)) == [.trade(ReplayFixtures.usdm, PublicTrade(
            price: "61800.30", quantity: "0.006", aggressor: .buy, time: Timestamp(milliseconds: 1_723_161_256_322)))])
    }

    @Test func aggTradeFromTheCryptofeedRecording() throws {
        let line = try ReplayFixtures.lines("cryptofeed/20210417_BINANCE_DELIVERY.ws.7.0").first { $0.contains("btcusd_perp@aggTrade\",\"data") }!
        var decoder = BinanceStreamDecoder(venue: "binance-coinm", symbols: ["BTCUSD_PERP"])
        // "p":"60581.0","q":"2","m":true → a seller took liquidity; time E 1618677480179.
        #expect(try decoder.decode(ReplayFixtures.json(line)) == [.trade(ReplayFixtures.coinm, PublicTrade(
            price: "60581.0", quantity: "2", aggressor: .sell, time: Timestamp(milliseconds: 1_618_677_480_179)))])
    }

    /// The recordings hold no markPriceUpdate: this line follows Binance's documented payload.
    @Test func markPriceUpdateGivesMarkAndFunding() throws {
        let message = #"{"stream":"btcusdt@markPrice@1s","data":{"e":"markPriceUpdate","E":1723161256000,"s":"BTCUSDT","p":"61801.10","i":"61795.00","P":"61790.0","r":"0.00010000","T":1723190400000}}"#
        var decoder = BinanceStreamDecoder(venue: "binance-usdm", symbols: ["BTCUSDT"])
        let time = Timestamp(milliseconds: 1_723_161_256_000)
        #expect(try decoder.decode(message) == [
            .mark(ReplayFixtures.usdm, "61801.10", time: time),
            .fundingRate(ReplayFixtures.usdm, rate: "0.0001", nextFundingTime: Timestamp(milliseconds: 1_723_190_400_000), time: time),
        ])
    }

    @Test func spotBookTickerWithoutEventTimeUsesTheShiftedLocalStamp() throws {
        let line = try ReplayFixtures.lines("spot_head.txt").first { $0.contains("@bookTicker") }!
        var decoder = BinanceStreamDecoder(venue: "binance-spot", symbols: ["BTCUSDT"])
        decoder.localClockOffset = .milliseconds(1272)
        let local = Timestamp(nanoseconds: Int64(line.prefix { $0 != " " })!)
        let events = try decoder.decode(ReplayFixtures.json(line), localTime: local)
        #expect(events.first?.time == local + .milliseconds(1272))
        #expect(throws: MarketDataFault.self) { _ = try decoder.decode(ReplayFixtures.json(line)) }
    }

    @Test func unselectedSymbolIsSkippedBeforeItsBody() throws {
        let line = try ReplayFixtures.lines("usdm_head.txt")[1]
        var decoder = BinanceStreamDecoder(venue: "binance-usdm", symbols: ["ETHUSDT"])
        #expect(try decoder.decode(ReplayFixtures.json(line)).isEmpty)
    }

    @Test func unknownEventTypeIsRefused() {
        var decoder = BinanceStreamDecoder(venue: "binance-usdm", symbols: ["BTCUSDT"])
        // (Not a kline: klines are ignored as such, see KlineLinesTests.)
        let message = #"{"stream":"btcusdt@forceOrder","data":{"e":"forceOrder","E":1,"s":"BTCUSDT"}}"#
        #expect { _ = try decoder.decode(message) } throws: { ($0 as? MarketDataFault)?.kind == .unknownMessage }
    }

    @Test func nanPriceIsABadNumberNotAQuote() {
        var decoder = BinanceStreamDecoder(venue: "binance-usdm", symbols: ["BTCUSDT"])
        let message = #"{"stream":"btcusdt@bookTicker","data":{"e":"bookTicker","u":1,"s":"BTCUSDT","b":"NaN","B":"1","a":"61800.30","A":"1","T":1,"E":1}}"#
        #expect { _ = try decoder.decode(message) } throws: { ($0 as? MarketDataFault)?.kind == .badNumber }
    }

    @Test func crossedBookTickerIsRefused() {
        var decoder = BinanceStreamDecoder(venue: "binance-usdm", symbols: ["BTCUSDT"])
        let message = #"{"stream":"btcusdt@bookTicker","data":{"e":"bookTicker","u":1,"s":"BTCUSDT","b":"61801","B":"1","a":"61800.30","A":"1","T":1,"E":1}}"#
        #expect { _ = try decoder.decode(message) } throws: { ($0 as? MarketDataFault)?.kind == .crossedBook }
    }

    /// Lines 1–159 of the USD-M recording hold the REST snapshot (line 55, lastUpdateId
    /// 5123107852948) and depth updates; the update on line 159 ends at u = 5123107879150, the
    /// same id as the bookTicker on line 160, so the rebuilt top must equal that bookTicker.
    @Test func bookFromSnapshotAndUpdatesAgreesWithBookTickerAtTheSameUpdateId() throws {
        let lines = try ReplayFixtures.lines("usdm_head.txt")
        var decoder = BinanceStreamDecoder(venue: "binance-usdm", symbols: ["BTCUSDT"])
        var lastDepthQuote: Quote?
        for line in lines[0..<159] where !line.contains("@bookTicker") {
            for event in try decoder.decode(ReplayFixtures.json(line)) { if let quote = event.quoteValue { lastDepthQuote = quote } }
        }
        #expect(lines[158].contains(#""u":5123107879150"#) && lines[159].contains(#""u":5123107879150"#))
        let top = try #require(decoder.book(of: "BTCUSDT")?.top(time: .zero))
        // bookTicker: "b":"61800.10","B":"0.599","a":"61800.20","A":"5.723"
        #expect(top.bid == "61800.10" && top.bidSize == "0.599" && top.ask == "61800.20" && top.askSize == "5.723")
        #expect(lastDepthQuote?.bid == "61800.10")
    }

    /// Issue 13, defect 3: the REST snapshot (line 55) holds 1,000 levels a side; the venue gets
    /// all of them once, then each update's changes (line 57: 13 bids and 13 asks), never a copy
    /// of the top 20.
    @Test func wholeBookOnceThenEachUpdatesChanges() throws {
        let lines = try ReplayFixtures.lines("usdm_head.txt")
        var decoder = BinanceStreamDecoder(venue: "binance-usdm", symbols: ["BTCUSDT"])
        var events: [MarketEvent] = []
        for line in lines[0..<56] { events += try decoder.decode(ReplayFixtures.json(line)) }
        let wholeBooks = events.compactMap { if case .depth(_, let depth) = $0 { depth } else { nil } }
        #expect(wholeBooks.count == 1)
        // The first buffered update that straddles the snapshot brings the book out whole; the
        // buffered ones after it go out as changes.
        let whole = try #require(wholeBooks.first)
        #expect(whole.bids.count > 900 && whole.asks.count > 900)
        let levels = try #require(decoder.book(of: "BTCUSDT")?.levelCount)
        #expect(levels.bids > 900 && levels.asks > 900)
        let next = try decoder.decode(ReplayFixtures.json(lines[56]))
        #expect(!next.contains { $0.isDepth })
        guard case .bookUpdate(_, let update)? = next.first else { Issue.record("\(next)"); return }
        #expect(update.bids.count == 13 && update.asks.count == 13)
    }

    /// A book event the replay refused (out of order) never reached the venue: the decoder's
    /// next update goes out whole, so the venue's book cannot drift from the recording's.
    @Test func refusedBookEventMakesTheNextUpdateWhole() throws {
        var decoder = BinanceStreamDecoder(venue: "binance-usdm", symbols: ["BTCUSDT"])
        _ = try decoder.decode(#"{"lastUpdateId":100,"bids":[["10","1"]],"asks":[["11","1"]]}"#)
        let first = try decoder.decode(#"{"stream":"btcusdt@depth","data":{"e":"depthUpdate","E":1,"U":95,"u":105,"pu":94,"b":[["10","2"]],"a":[]}}"#)
        #expect(first.first?.isDepth == true)
        let second = try decoder.decode(#"{"stream":"btcusdt@depth","data":{"e":"depthUpdate","E":2,"U":106,"u":107,"pu":105,"b":[["9","1"]],"a":[]}}"#)
        #expect(second.first?.isDepth == false)
        decoder.resendWholeBook(ReplayFixtures.usdm)
        let third = try decoder.decode(#"{"stream":"btcusdt@depth","data":{"e":"depthUpdate","E":3,"U":108,"u":109,"pu":107,"b":[["9","3"]],"a":[]}}"#)
        guard case .depth(_, let whole)? = third.first else { Issue.record("\(third)"); return }
        #expect(whole.bids == [level("10", "2"), level("9", "3")])
    }

    /// Issue 13, defect 4: line 57's update has E 1723161256612 and T 1723161256605; bookTicker
    /// tops published in between are newer than the book it describes, so it is stamped T.
    @Test func depthUpdateIsStampedWithItsTransactionTime() throws {
        let lines = try ReplayFixtures.lines("usdm_head.txt")
        var decoder = BinanceStreamDecoder(venue: "binance-usdm", symbols: ["BTCUSDT"])
        for line in lines[0..<56] { _ = try decoder.decode(ReplayFixtures.json(line)) }
        let events = try decoder.decode(ReplayFixtures.json(lines[56]))
        #expect(!events.isEmpty)
        #expect(events.allSatisfy { $0.time == Timestamp(milliseconds: 1_723_161_256_605) })
    }

    @Test func updateThatSkipsAheadIsAGap() throws {
        var decoder = BinanceStreamDecoder(venue: "binance-usdm", symbols: ["BTCUSDT"])
        _ = try decoder.decode(#"{"lastUpdateId":100,"bids":[["10","1"]],"asks":[["11","1"]]}"#)
        _ = try decoder.decode(#"{"stream":"btcusdt@depth","data":{"e":"depthUpdate","E":1,"U":95,"u":105,"pu":94,"b":[["10","2"]],"a":[]}}"#)
        #expect { _ = try decoder.decode(#"{"stream":"btcusdt@depth","data":{"e":"depthUpdate","E":2,"U":110,"u":120,"pu":109,"b":[],"a":[]}}"#) }
            throws: { ($0 as? MarketDataFault)?.kind == .bookGap }
    }

    @Test func localStampsOfBothRecorderConventions() {
        func stamp(_ text: String) -> Timestamp? {
            Array(text.utf8).withUnsafeBufferPointer { try? BinanceRecording.localStamp($0)?.0 }
        }
        #expect(stamp("1723161255030314667 {}") == Timestamp(nanoseconds: 1_723_161_255_030_314_667))
        #expect(stamp("1618677480.0770838: {}") == Timestamp(nanoseconds: 1_618_677_480_077_083_800))
        #expect(stamp("1618677480: {}") == Timestamp(seconds: 1_618_677_480))
    }
}
