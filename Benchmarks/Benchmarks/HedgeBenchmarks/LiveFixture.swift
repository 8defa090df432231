import Foundation
import HedgeCore
import HedgeLive

/// The USD-M recording's lines as a live connection receives them, for the connector benchmark.
enum LiveFixture {
    /// `(receipt ns, raw message)` per line of `usdm_btcusdt_20240808.gz` (93,954 lines).
    static let usdmLines: [(Timestamp, [UInt8])] = {
        let path = "\(Fixtures.dataDirectory)/binance/usdm_btcusdt_20240808.gz"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "gzip -dc '\(path)'"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try! process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return data.split(separator: UInt8(ascii: "\n")).map { line in
            let space = line.firstIndex(of: UInt8(ascii: " "))!
            return (Timestamp(nanoseconds: Int64(String(decoding: line[line.startIndex..<space], as: UTF8.self))!), Array(line[(space + 1)...]))
        }
    }()

    /// Feeds every line (the snapshot line answering the connector's fetch); returns the events delivered.
    static func runBinanceConnector(_ lines: [(Timestamp, [UInt8])]) -> Int {
        var connector = BinanceConnector(.init(kind: .binanceUSDM, symbols: ["BTCUSDT"]))
        _ = connector.handle(.start(at: lines[0].0))
        _ = connector.handle(.connected(at: lines[0].0))
        var delivered = 0
        for (time, body) in lines {
            let isSnapshot = body.starts(with: Array(#"{"lastUpdateId""#.utf8))
            let actions = connector.handle(isSnapshot ? .snapshot(symbol: "BTCUSDT", body: body, at: time) : .message(body, at: time))
            for action in actions { if case .deliver(let events, _) = action { delivered += events.count } }
        }
        return delivered
    }
}
