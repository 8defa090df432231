@testable import HedgeCore
import Testing
@testable import HedgeVenues

/// The CSV row fast path gives exactly what the general path gives, or steps aside.
@Suite struct QuoteRowParserTests {
    static let keys = [Array("csv,A".utf8), Array("binance-usdm,BTCUSDT".utf8)]

    func fast(_ row: String) -> (entry: Int, quote: Quote)? {
        var lastMatch = 0
        var bytes = Array(row.utf8)
        return bytes.withUnsafeMutableBufferPointer { QuoteRowParser.parse(UnsafeBufferPointer($0), keys: Self.keys, lastMatch: &lastMatch) }
    }

    /// The general path's reading of a row: the quote, or nil when it refuses the row.
    func general(_ row: String) -> Quote? {
        let fields = row.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 7, let ns = Int64(fields[0]),
              let bid = try? FixedDecimal(parsing: fields[3]), let bidSize = try? FixedDecimal(parsing: fields[4]),
              let ask = try? FixedDecimal(parsing: fields[5]), let askSize = try? FixedDecimal(parsing: fields[6]) else { return nil }
        let quote = Quote(bid: bid, bidSize: bidSize, ask: ask, askSize: askSize, time: Timestamp(nanoseconds: ns))
        return quote.defect == nil ? quote : nil
    }

    @Test func plainRowIsParsed() throws {
        let parsed = try #require(fast("1723161256313000000,binance-usdm,BTCUSDT,61800.2,2.507,61800.3,2.51"))
        #expect(parsed.entry == 1)
        #expect(parsed.quote == Quote(bid: "61800.2", bidSize: "2.507", ask: "61800.3", askSize: "2.51",
                                      time: Timestamp(nanoseconds: 1_723_161_256_313_000_000)))
    }

    @Test(arguments: [
        "1,csv,B,1,1,2,1",                 // not selected: the general path counts it
        "1,nowhere,A,1,1,2,1",             // unknown venue: the general path names it
        "1,csv,A,-1,1,2,1",                // a sign
        "1,csv,A,1e2,1,200,1",             // an exponent
        "1,csv,A,1.000000001,1,2,1",       // nine decimal places
        "1,csv,A,NaN,1,2,1",
        "1,csv,A,3,1,2,1",                 // crossed
        "1,csv,A,0,1,2,1",                 // not positive
        "1,csv,A,1,1,2",                   // six columns
        "1,csv,A,1,1,2,1,",                // eight columns
        "x,csv,A,1,1,2,1",
        "99999999999999999999,csv,A,1,1,2,1", // beyond Int64
        "1,csv,A,,1,2,1",
        "1,csv,A,.,1,2,1",
        "1,csv,A,12345678901,1,12345678902,1", // eleven whole digits
    ])
    func unusualRowTakesTheGeneralPath(row: String) {
        #expect(fast(row) == nil)
    }

    /// Seeded random rows in and around the plain form: wherever the fast path answers, it agrees
    /// with the general path.
    @Test func agreesWithTheGeneralPath() {
        var random = SeededRandom(seed: 11)
        let pieces = ["0", "1", "9", "12", "61800", "61800.2", "0.001", "2.50000000", "2.500000001", "1234567890",
                      "12345678901", ".5", "5.", "", "-1", "+1", "1e3", "7.123456789", "00012.30"]
        var answered = 0
        for _ in 0..<20_000 {
            func piece() -> String { pieces[Int(random.next() % UInt64(pieces.count))] }
            let time = random.next() % 4 == 0 ? String(random.next() % 1000) : String(1_723_161_256_000_000_000 + Int64(random.next() % 1_000_000_000))
            let row = "\(time),csv,A,\(piece()),\(piece()),\(piece()),\(piece())"
            guard let parsed = fast(row) else { continue }
            answered += 1
            #expect(parsed.entry == 0)
            #expect(parsed.quote == general(row), "\(row)")
        }
        #expect(answered > 500)
    }
}
