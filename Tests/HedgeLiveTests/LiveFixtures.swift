import Foundation
import HedgeCore
import HedgeVenues
@testable import HedgeLive

/// The fixture's lines as a connector receives them: stream messages, and the REST snapshot.
enum LiveFixtures {
    static var usdmHeadPath: String {
        Bundle.module.path(forResource: "usdm_btcusdt_20240808_head400", ofType: "gz", inDirectory: "Fixtures")!
    }

    /// `(receipt ns, body)` per line, gunzipped with the system's gzip.
    static func usdmHead() throws -> [(Timestamp, [UInt8])] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "gzip -dc '\(usdmHeadPath)'"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return data.split(separator: UInt8(ascii: "\n")).map { line in
            let space = line.firstIndex(of: UInt8(ascii: " "))!
            let stamp = Int64(String(decoding: line[line.startIndex..<space], as: UTF8.self))!
            return (Timestamp(nanoseconds: stamp), Array(line[(space + 1)...]))
        }
    }

    static func isSnapshot(_ body: [UInt8]) -> Bool { BinanceConnector.streamSymbol(body) == nil }
}

/// A connector under test, with everything it asked for kept.
struct ConnectorHarness {
    var connector: BinanceConnector
    var actions: [ConnectorAction] = []

    init(symbols: [String] = ["BTCUSDT"], seed: UInt64 = 7) {
        connector = BinanceConnector(BinanceConnector.Settings(kind: .binanceUSDM, symbols: symbols, seed: seed))
    }

    @discardableResult
    mutating func send(_ input: ConnectorInput) -> [ConnectorAction] {
        let out = connector.handle(input)
        actions += out
        return out
    }

    /// Starts and opens the connection at `time`.
    mutating func open(at time: Timestamp) {
        send(.start(at: time))
        send(.connected(at: time))
    }

    /// Feeds the fixture's lines as they arrived; the snapshot line answers the pending fetch.
    mutating func feed(_ lines: [(Timestamp, [UInt8])]) {
        for (time, body) in lines {
            if LiveFixtures.isSnapshot(body) { send(.snapshot(symbol: "BTCUSDT", body: body, at: time)) }
            else { send(.message(body, at: time)) }
        }
    }

    var delivered: [MarketEvent] {
        actions.flatMap { action -> [MarketEvent] in
            if case .deliver(let events, _) = action { return events }
            return []
        }
    }

    var logs: [String] {
        actions.compactMap { action in
            if case .log(_, let text) = action { return text }
            return nil
        }
    }
}

/// A book rebuilt from `.depth` (replace) and `.bookUpdate` (apply) events, as a venue keeps it.
func rebuiltBook(_ events: [MarketEvent], symbol: String) -> L2Book {
    var book = L2Book()
    for event in events where event.instrument.symbol == symbol { book.apply(event) }
    return book
}

extension L2Book {
    /// Replaces the book with a `.depth`, applies a `.bookUpdate`'s levels; other events change nothing.
    mutating func apply(_ event: MarketEvent) {
        switch event {
        case .depth(_, let depth):
            self = L2Book()
            for level in depth.bids { set(.buy, price: level.price, quantity: level.quantity) }
            for level in depth.asks { set(.sell, price: level.price, quantity: level.quantity) }
        case .bookUpdate(_, let update):
            for level in update.bids { set(.buy, price: level.price, quantity: level.quantity) }
            for level in update.asks { set(.sell, price: level.price, quantity: level.quantity) }
        default: break
        }
    }
}
