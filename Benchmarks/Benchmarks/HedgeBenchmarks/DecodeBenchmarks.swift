import Benchmark
import Foundation
import HedgeCore
import HedgeVenues

/// One venue message of each kind through its decoder, as replay and the live connectors decode
/// them: bookTicker, depthUpdate with 20 and 200 levels, trade, markPriceUpdate (Binance), and
/// Bybit tickers and orderbook deltas. Each run decodes `DecodeFixture.count` messages; the
/// per-message time is the median divided by that count (the `ns/message` metric).
func decodeBenchmarks() {
    let configuration = Benchmark.Configuration(metrics: [.wallClock, .mallocCountTotal, nanosecondsPerMessage],
                                                timeUnits: .microseconds, warmupIterations: 3, maxDuration: .seconds(3))
    let cases: [(String, @Sendable () -> DecodeFixture)] = [
        ("Binance bookTicker", { .binance(venue: "binance-usdm", DecodeFixture.binanceBookTicker) }),
        ("Binance depthUpdate, 20 levels", { .binanceDepth(levels: 20) }),
        ("Binance depthUpdate, 200 levels", { .binanceDepth(levels: 200) }),
        ("Binance trade", { .binance(venue: "binance-usdm", DecodeFixture.binanceTrade) }),
        ("Binance markPriceUpdate", { .binance(venue: "binance-usdm", DecodeFixture.binanceMarkPrice) }),
        ("Bybit tickers delta", { .bybitTickers() }),
        ("Bybit orderbook.200 delta", { .bybitOrderbook() }),
    ]
    for (name, make) in cases {
        Benchmark("Decode \(name)", configuration: configuration) { benchmark in
            let fixture = make()
            benchmark.startMeasurement()
            let start = ContinuousClock.now
            let decoded = fixture.run()
            let elapsed = ContinuousClock.now - start
            benchmark.stopMeasurement()
            precondition(decoded == DecodeFixture.count, "\(name): \(decoded) of \(DecodeFixture.count) decoded")
            benchmark.measurement(nanosecondsPerMessage, Int(Double(elapsed.nanosecondsClamped) / Double(DecodeFixture.count)))
        }
    }
}

let nanosecondsPerMessage = BenchmarkMetric.custom("ns/message", polarity: .prefersSmaller, useScalingFactor: false)

/// Messages of one kind and a decoder ready for them (a depth book already synced).
struct DecodeFixture {
    static let count = 2_000

    var messages: [[UInt8]]
    var decode: (UnsafeBufferPointer<UInt8>, inout [MarketEvent]) -> Bool

    /// Decodes every message once; the number decoded.
    func run() -> Int {
        var events: [MarketEvent] = []
        events.reserveCapacity(8)
        var decoded = 0
        for message in messages {
            events.removeAll(keepingCapacity: true)
            if message.withUnsafeBufferPointer({ decode($0, &events) }) { decoded += 1 }
        }
        return decoded
    }

    // Messages as the 2024-08-08 recordings and Bybit's v5 documentation give them.
    static let binanceBookTicker = #"{"stream":"btcusdt@bookTicker","data":{"e":"bookTicker","u":5036373452567,"s":"BTCUSDT","b":"61800.20","B":"2.507","a":"61800.30","A":"2.510","T":1723161256313,"E":1723161256313}}"#
    static let binanceTrade = #"{"stream":"btcusdt@trade","data":{"e":"trade","E":1723161256421,"T":1723161256420,"s":"BTCUSDT","t":5325146891,"p":"61800.20","q":"0.003","X":"MARKET","m":true}}"#
    static let binanceMarkPrice = #"{"stream":"btcusdt@markPrice@1s","data":{"e":"markPriceUpdate","E":1723161257000,"s":"BTCUSDT","p":"61803.81475362","P":"61820.12570540","i":"61835.38042553","r":"0.00010000","T":1723190400000}}"#

    static func binance(venue: String, _ message: String) -> DecodeFixture {
        var decoder = BinanceStreamDecoder(venue: venue, symbols: ["BTCUSDT"])
        return DecodeFixture(messages: Array(repeating: Array(message.utf8), count: count)) { bytes, events in
            (try? decoder.decode(bytes, into: &events)) == .decoded
        }
    }

    /// A 1,000-level book from a snapshot, then `count` updates in sequence, each changing
    /// `levels` levels spread through the book (half bids, half asks; some removals).
    static func binanceDepth(levels: Int) -> DecodeFixture {
        var decoder = BinanceStreamDecoder(venue: "binance-usdm", symbols: ["BTCUSDT"])
        func price(_ tick: Int) -> String { String(format: "%.1f", 61_800.0 + Double(tick) / 10) }
        let bids = (1...1_000).map { "[\"\(price(-$0))\",\"\(Double($0 % 7 + 1) / 1000)\"]" }.joined(separator: ",")
        let asks = (0..<1_000).map { "[\"\(price($0))\",\"\(Double($0 % 5 + 1) / 1000)\"]" }.joined(separator: ",")
        let snapshot = #"{"lastUpdateId":1000,"E":1723161256000,"T":1723161256000,"bids":[\#(bids)],"asks":[\#(asks)]}"#
        var ignored: [MarketEvent] = []
        _ = Array(snapshot.utf8).withUnsafeBufferPointer { try? decoder.decodeSnapshot($0, symbol: "BTCUSDT", into: &ignored) }
        var random = SeededRandom(seed: 3)
        var messages: [[UInt8]] = []
        for index in 0..<count {
            let first = 1_000 + index * 10
            let change = { (side: Int) -> String in
                let depth = Int(random.next() % 1_000)
                let tick = side == 0 ? -1 - depth : depth
                let size = random.next() % 4 == 0 ? "0.000" : String(format: "%.3f", Double(random.next() % 900 + 1) / 1000)
                return "[\"\(price(tick))\",\"\(size)\"]"
            }
            let b = (0..<(levels / 2)).map { _ in change(0) }.joined(separator: ",")
            let a = (0..<(levels - levels / 2)).map { _ in change(1) }.joined(separator: ",")
            let time = 1_723_161_256_100 + index
            messages.append(Array(#"{"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":\#(time),"T":\#(time),"s":"BTCUSDT","U":\#(first),"u":\#(first + 9),"pu":\#(first - 1),"b":[\#(b)],"a":[\#(a)]}}"#.utf8))
        }
        return DecodeFixture(messages: messages) { bytes, events in
            (try? decoder.decode(bytes, into: &events)) == .decoded
        }
    }

    static func bybitTickers() -> DecodeFixture {
        var decoder = BybitStreamDecoder(venue: "bybit-linear", symbols: ["BTCUSDT"])
        let snapshot = #"{"topic":"tickers.BTCUSDT","type":"snapshot","data":{"symbol":"BTCUSDT","tickDirection":"PlusTick","price24hPcnt":"0.017103","lastPrice":"61800.20","prevPrice24h":"60761.00","highPrice24h":"62118.00","lowPrice24h":"59823.40","prevPrice1h":"61731.00","markPrice":"61803.81","indexPrice":"61835.38","openInterest":"57416.404","openInterestValue":"3548539838.07","turnover24h":"3864117530.6413","volume24h":"63066.6430","nextFundingTime":"1723190400000","fundingRate":"0.0001","bid1Price":"61800.10","bid1Size":"2.507","ask1Price":"61800.20","ask1Size":"0.510"},"cs":24987956059,"ts":1723161256313}"#
        var ignored: [MarketEvent] = []
        _ = Array(snapshot.utf8).withUnsafeBufferPointer { try? decoder.decode($0, into: &ignored) }
        let messages = (0..<count).map { index in
            Array(#"{"topic":"tickers.BTCUSDT","type":"delta","data":{"symbol":"BTCUSDT","bid1Price":"61800.\#(index % 9)0","bid1Size":"2.\#(index % 7)07","ask1Price":"61801.\#(index % 9)0","ask1Size":"0.510","markPrice":"61803.81"},"cs":\#(24987956060 + index),"ts":\#(1723161256313 + index)}"#.utf8)
        }
        return DecodeFixture(messages: messages) { bytes, events in
            (try? decoder.decode(bytes, into: &events)) == .decoded
        }
    }

    /// A 200-level book from a snapshot, then deltas of 10 levels each (Bybit's orderbook.200
    /// pushes every 100 ms; the 2026-08-09 recording's BTCUSDT deltas change about that many).
    static func bybitOrderbook() -> DecodeFixture {
        var decoder = BybitStreamDecoder(venue: "bybit-linear", symbols: ["BTCUSDT"])
        func price(_ tick: Int) -> String { String(format: "%.1f", 61_800.0 + Double(tick) / 10) }
        let bids = (1...200).map { "[\"\(price(-$0))\",\"0.\($0 % 9 + 1)00\"]" }.joined(separator: ",")
        let asks = (0..<200).map { "[\"\(price($0))\",\"0.\($0 % 7 + 1)00\"]" }.joined(separator: ",")
        let snapshot = #"{"topic":"orderbook.200.BTCUSDT","type":"snapshot","ts":1723161256000,"data":{"s":"BTCUSDT","b":[\#(bids)],"a":[\#(asks)],"u":1,"seq":100},"cts":1723161255998}"#
        var ignored: [MarketEvent] = []
        _ = Array(snapshot.utf8).withUnsafeBufferPointer { try? decoder.decode($0, into: &ignored) }
        var random = SeededRandom(seed: 5)
        let messages = (0..<count).map { index in
            let change = { (side: Int) -> String in
                let depth = Int(random.next() % 200)
                let size = random.next() % 4 == 0 ? "0" : "0.\(random.next() % 9 + 1)00"
                return "[\"\(price(side == 0 ? -1 - depth : depth))\",\"\(size)\"]"
            }
            let b = (0..<5).map { _ in change(0) }.joined(separator: ",")
            let a = (0..<5).map { _ in change(1) }.joined(separator: ",")
            return Array(#"{"topic":"orderbook.200.BTCUSDT","type":"delta","ts":\#(1723161256100 + index),"data":{"s":"BTCUSDT","b":[\#(b)],"a":[\#(a)],"u":\#(2 + index),"seq":\#(101 + index)},"cts":\#(1723161256098 + index)}"#.utf8)
        }
        return DecodeFixture(messages: messages) { bytes, events in
            (try? decoder.decode(bytes, into: &events)) == .decoded
        }
    }
}
