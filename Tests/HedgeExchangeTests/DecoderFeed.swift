import HedgeCore
@testable import HedgeExchange
@testable import HedgeVenues

/// The project's own replay decoders fed text as a connector would feed them.
struct BinanceFeed {
    var decoder: BinanceStreamDecoder
    var events: [MarketEvent] = []

    init(venue: String, symbol: String) { decoder = BinanceStreamDecoder(venue: venue, symbols: [symbol]) }

    mutating func feed(_ text: String) throws(MarketDataFault) {
        var bytes = Array(text.utf8)
        var fault: MarketDataFault?
        bytes.withUnsafeMutableBufferPointer { buffer in
            do throws(MarketDataFault) { _ = try decoder.decode(UnsafeBufferPointer(buffer), into: &events) } catch { fault = error }
        }
        if let fault { throw fault }
    }

    mutating func snapshot(_ text: String, symbol: String) throws(MarketDataFault) {
        var bytes = Array(text.utf8)
        var fault: MarketDataFault?
        bytes.withUnsafeMutableBufferPointer { buffer in
            do throws(MarketDataFault) { _ = try decoder.decodeSnapshot(UnsafeBufferPointer(buffer), symbol: symbol, into: &events) } catch { fault = error }
        }
        if let fault { throw fault }
    }

    /// The top `levels` of the book, for comparing two books.
    func top(_ symbol: String, levels: Int = 20) -> BookDepth? {
        decoder.book(of: symbol)?.depth(levels: levels, time: Timestamp(nanoseconds: 0))
    }

    /// The book replay builds from a whole recording file (its snapshot line included).
    static func replayed(_ path: String, venue: String, symbol: String) throws -> BinanceFeed {
        var feed = BinanceFeed(venue: venue, symbol: symbol)
        for line in try RecordingFile.lines(of: path) {
            guard let space = line.firstIndex(of: " ") else { continue }
            try feed.feed(String(line[line.index(after: space)...]))
        }
        return feed
    }
}

/// Bybit's decoder likewise.
struct BybitFeed {
    var decoder: BybitStreamDecoder
    var events: [MarketEvent] = []

    init(venue: String) { decoder = BybitStreamDecoder(venue: venue) }

    mutating func feed(_ text: String) throws(MarketDataFault) {
        var bytes = Array(text.utf8)
        var fault: MarketDataFault?
        bytes.withUnsafeMutableBufferPointer { buffer in
            do throws(MarketDataFault) { _ = try decoder.decode(UnsafeBufferPointer(buffer), into: &events) } catch { fault = error }
        }
        if let fault { throw fault }
    }
}

/// The recorded combined-stream JSON of a Binance fixture, in order (the snapshot line left out).
func recordedStreamLines(_ path: String) throws -> [String] {
    try RecordingFile.lines(of: path).compactMap { line in
        guard let space = line.firstIndex(of: " ") else { return nil }
        let json = line[line.index(after: space)...]
        return json.hasPrefix("{\"stream\"") ? String(json) : nil
    }
}
