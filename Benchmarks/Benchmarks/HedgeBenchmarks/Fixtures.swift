import Foundation
import HedgeCore
import HedgeEngine
import HedgeVenues

/// Inputs shared by the benchmarks, built from the real recordings in `../shared/data` (read only).
enum Fixtures {
    static let usdm = InstrumentID(venue: "binance-usdm", symbol: "BTCUSDT")
    static let coinm = InstrumentID(venue: "binance-coinm", symbol: "BTCUSD_PERP")
    static let instruments = [usdm, coinm]

    /// `../shared/data` next to the repository, or `HEDGETOP_DATA`.
    static var dataDirectory: String {
        if let override = ProcessInfo.processInfo.environment["HEDGETOP_DATA"] { return override }
        // This file is <repo>/Benchmarks/Benchmarks/HedgeBenchmarks/Fixtures.swift.
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<5 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("shared/data").path
    }

    /// The two raw Binance recordings of 2024-08-08 (gzip, combined-stream JSON).
    static var binanceFiles: [String] {
        ["usdm_btcusdt_20240808.gz", "cm_btcusd_perp_20240808.gz"].map { "\(dataDirectory)/binance/\($0)" }
    }

    static var specs: PerLeg<ContractSpec> {
        PerLeg(a: try! ContractCatalog.builtIn.spec(for: usdm), b: try! ContractCatalog.builtIn.spec(for: coinm))
    }

    /// The basis strategy `hedgetop replay --kind basis` runs (its default thresholds).
    static func basisConfig(name: String = "basis") -> StrategyConfig {
        StrategyConfig(
            name: name, kind: .basis, legs: specs, targetNotional: 50_000,
            entry: .bps(50), exit: .bps(10), minEdgeBps: "1", profitTargetBps: nil,
            stopLossBps: "100", spreadStopBps: nil, maxHolding: .seconds(24 * 3600), cooldown: .seconds(30),
            volatilityStopMultiple: nil, expiryGuard: .seconds(3600), marginGuardRatio: 0.8, maxSlippageBps: "10",
            orderTimeout: .seconds(5), hedgeDeadline: .seconds(10), maxHedgeAttempts: 3, driftTolerance: "0.02",
            sampleInterval: .milliseconds(100), window: 600, warmupSamples: 100)
    }

    static func venues() -> [SimulatedVenue] {
        let specs = specs
        return [SimulatedVenue(name: usdm.venue, contracts: [specs.a]), SimulatedVenue(name: coinm.venue, contracts: [specs.b])]
    }

    /// The bookTicker quotes of both recordings, merged in time order by the replay code.
    static let recordedQuotes: [(InstrumentID, Quote)] = {
        var feed = try! ReplayFeed(paths: binanceFiles, instruments: instruments)
        var quotes: [(InstrumentID, Quote)] = []
        while let event = feed.next() {
            if case .quote(let id, let quote) = event { quotes.append((id, quote)) }
        }
        precondition(!quotes.isEmpty, "no quotes decoded from \(binanceFiles)")
        return quotes
    }()

    /// A quote CSV of at least `minimum` rows: the recorded quotes repeated, each lap shifted
    /// later by the window's length, written once into the temporary directory.
    static func quoteCSV(minimum: Int) -> (path: String, rows: Int) {
        let quotes = recordedQuotes
        let laps = (minimum + quotes.count - 1) / quotes.count
        let rows = laps * quotes.count
        let path = NSTemporaryDirectory() + "hedgetop-bench-quotes-\(rows).csv"
        if FileManager.default.fileExists(atPath: path) { return (path, rows) }
        let first = quotes.first!.1.time.nanoseconds
        let span = quotes.last!.1.time.nanoseconds - first + 1_000_000
        var text = "ts_ns,venue,symbol,bid_px,bid_qty,ask_px,ask_qty\n"
        // Render each recorded row once; laps only change the time stamp.
        let tails = quotes.map { id, q in ",\(id.venue),\(id.symbol),\(q.bid),\(q.bidSize),\(q.ask),\(q.askSize)\n" }
        let partial = path + ".partial"
        FileManager.default.createFile(atPath: partial, contents: nil)
        let handle = FileHandle(forWritingAtPath: partial)!
        for lap in 0..<laps {
            text.reserveCapacity(8 << 20)
            for (index, (_, quote)) in quotes.enumerated() {
                text += String(quote.time.nanoseconds + Int64(lap) * span)
                text += tails[index]
            }
            handle.write(text.data(using: .utf8)!)
            text = ""
        }
        handle.closeFile()
        try! FileManager.default.moveItem(atPath: partial, toPath: path)
        return (path, rows)
    }

    /// An engine over recorded data, run until `until` events (or the end) have been processed.
    static func engineAfterReplay(strategies: Int, events: Int = .max) -> Engine {
        let configs = (0..<strategies).map { basisConfig(name: "basis-\($0)") }
        let feed = try! ReplayFeed(paths: binanceFiles, instruments: instruments)
        let engine = Engine(strategies: configs, venues: venues(), feed: feed, mode: .replay, startedAt: nil)
        var processed = 0
        while processed < events, let next = engine.nextEventTime { processed += engine.run(until: next) }
        return engine
    }
}

/// A feed that replays one CSV `laps` times, each lap shifted later in time, so a long replay
/// needs no enormous file.
struct LappedCSVFeed: MarketFeed {
    let path: String
    let laps: Int
    /// How much data time one pass over the file covers.
    let fileSpan: Int64
    var lap = 0
    var current: ReplayFeed
    var contracts: [ContractSpec] { current.contracts }

    /// Reads the span from the file's first and last rows, so the long replay's process holds
    /// nothing but the replay itself (no decoded recording) and its peak memory is the engine's.
    init(csv: (path: String, rows: Int), laps: Int) {
        path = csv.path
        self.laps = laps
        let handle = FileHandle(forReadingAtPath: path)!
        let head = String(decoding: handle.readData(ofLength: 4096), as: UTF8.self).split(separator: "\n")
        let size = handle.seekToEndOfFile()
        handle.seek(toFileOffset: size - 4096)
        let tail = String(decoding: handle.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n")
        handle.closeFile()
        let first = Int64(head[1].prefix { $0 != "," })!
        let last = Int64(tail[tail.count - 1].prefix { $0 != "," })!
        fileSpan = last - first + 1_000_000
        current = try! ReplayFeed(paths: [path], instruments: Fixtures.instruments)
    }

    mutating func next() -> MarketEvent? {
        while true {
            if let event = current.next() {
                guard lap > 0, case .quote(let id, var quote) = event else { return event }
                quote.time = Timestamp(nanoseconds: quote.time.nanoseconds + Int64(lap) * fileSpan)
                return .quote(id, quote)
            }
            lap += 1
            guard lap < laps else { return nil }
            current = try! ReplayFeed(paths: [path], instruments: Fixtures.instruments)
        }
    }
}
