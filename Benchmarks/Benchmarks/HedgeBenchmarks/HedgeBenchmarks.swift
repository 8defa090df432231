import Benchmark
import Foundation
import HedgeCore
import HedgeEngine
import HedgeLive
import HedgeTerminal
import HedgeVenues

// Run: cd Benchmarks && swift package benchmark     (see Benchmarks/README.md)

/// Quotes per second, as a custom metric (larger is better; not divided by the scaling factor).
let quotesPerSecond = BenchmarkMetric.custom("quotes/s", polarity: .prefersLarger, useScalingFactor: false)
let messagesPerSecond = BenchmarkMetric.custom("messages/s", polarity: .prefersLarger, useScalingFactor: false)
let changedCells = BenchmarkMetric.custom("changed cells/frame", polarity: .prefersSmaller, useScalingFactor: false)
let estimatedBytes = BenchmarkMetric.custom("est. bytes/frame", polarity: .prefersSmaller, useScalingFactor: false)
let watcherBytesPerSecond = BenchmarkMetric.custom("watcher bytes/s", polarity: .prefersSmaller, useScalingFactor: false)
let plainDeltaBytesPerSecond = BenchmarkMetric.custom("plain-delta bytes/s", polarity: .prefersSmaller, useScalingFactor: false)
let fullBytesPerSecond = BenchmarkMetric.custom("full-snapshot bytes/s", polarity: .prefersSmaller, useScalingFactor: false)
let snapshotMicros = BenchmarkMetric.custom("snapshot() µs/frame", polarity: .prefersSmaller, useScalingFactor: false)

nonisolated(unsafe) var machine: HedgingStateMachine!
nonisolated(unsafe) var clockNow = Timestamp.zero
nonisolated(unsafe) var venue: SimulatedVenue!
nonisolated(unsafe) var engine: Engine!
nonisolated(unsafe) var snapshots: [EngineSnapshot] = []
nonisolated(unsafe) var csv: (path: String, rows: Int) = ("", 0)

let benchmarks: @Sendable () -> Void = {
    let micro = Benchmark.Configuration(metrics: [.wallClock, .mallocCountTotal, .throughput],
                                        timeUnits: .nanoseconds, scalingFactor: .kilo, maxDuration: .seconds(3))
    let whole = Benchmark.Configuration(metrics: [.wallClock, .mallocCountTotal, .peakMemoryResident, quotesPerSecond],
                                        timeUnits: .milliseconds, warmupIterations: 1, maxDuration: .seconds(20), maxIterations: 5)

    // MARK: - One quote through the state machine

    Benchmark("StateMachine.quote scanning", configuration: micro) { benchmark in
        var machine = machine!
        var now = clockNow
        for i in benchmark.scaledIterations {
            now = now + .milliseconds(1)
            let leg: Leg = i & 1 == 0 ? .a : .b
            let wiggle = Int64(i % 7) * 10_000_000  // up to 0.06 USD
            let mid = leg == .a ? 60_000 * FixedDecimal.one : 60_006 * FixedDecimal.one
            let quote = Quote(bid: FixedDecimal(units: mid - 5_000_000 + wiggle), bidSize: 3, ask: FixedDecimal(units: mid + 5_000_000 + wiggle), askSize: 4, time: now)
            blackHole(machine.handle(.quote(leg, quote), at: now))
        }
        clockNow = now
        precondition(machine.stateName == .scanning)
    } setup: {
        machine = HedgingStateMachine(config: Fixtures.basisConfig(), startedAt: Timestamp(seconds: 1_723_161_255))
        clockNow = Timestamp(seconds: 1_723_161_255)
    }

    Benchmark("StateMachine.quote monitoring", configuration: micro) { benchmark in
        var machine = machine!
        var now = clockNow
        for i in benchmark.scaledIterations {
            now = now + .milliseconds(1)
            let leg: Leg = i & 1 == 0 ? .a : .b
            let wiggle = Int64(i % 7) * 1_000_000
            let mid = leg == .a ? 60_060 * FixedDecimal.one : 60_000 * FixedDecimal.one
            let quote = Quote(bid: FixedDecimal(units: mid - 1_000_000 + wiggle), bidSize: 10, ask: FixedDecimal(units: mid + 1_000_000 + wiggle), askSize: 10, time: now)
            blackHole(machine.handle(.quote(leg, quote), at: now))
        }
        clockNow = now
        precondition(machine.stateName == .monitoring, "left MONITORING: \(machine.stateName) \(machine.lastReason)")
    } setup: {
        (machine, clockNow) = MonitoringDesk.opened()
    }

    // MARK: - Simulated venue

    Benchmark("SimulatedVenue.execute market order beyond the top (top + one tick worse)", configuration: micro) { benchmark in
        var venue = venue!
        for i in benchmark.scaledIterations {
            // Alternate buy and sell so the position stays bounded; 2.5 BTC is more than the 1 BTC shown.
            let side: Side = i & 1 == 0 ? .buy : .sell
            let order = OrderRequest(id: "o", leg: .a, instrument: Fixtures.usdm, side: side, quantity: "2.5", purpose: .open)
            blackHole(venue.execute(order, at: Timestamp(seconds: 1_723_161_255)))
        }
    } setup: {
        venue = SimulatedVenue(name: Fixtures.usdm.venue, contracts: [Fixtures.specs.a])
        let time = Timestamp(seconds: 1_723_161_255)
        // Five levels a side; the venue of this revision reads only the top of a quote.
        let bids = (0..<5).map { BookLevel(price: FixedDecimal(units: (60_000 * 100 - Int64($0) * 10) * 1_000_000), quantity: 1) }
        let asks = (0..<5).map { BookLevel(price: FixedDecimal(units: (60_000 * 100 + 10 + Int64($0) * 10) * 1_000_000), quantity: 1) }
        venue.onMarket(.depth(Fixtures.usdm, BookDepth(bids: bids, asks: asks, time: time)))
        venue.onMarket(.quote(Fixtures.usdm, BookDepth(bids: bids, asks: asks, time: time).top!))
    }

    // MARK: - One message through its decoder (DecodeBenchmarks.swift)

    decodeBenchmarks()

    // MARK: - Replay end to end

    Benchmark("Replay CSV 1M quotes: ReplayFeed alone", configuration: whole) { benchmark in
        let start = ContinuousClock.now
        var feed = try! ReplayFeed(paths: [csv.path], instruments: Fixtures.instruments)
        var count = 0
        while feed.next() != nil { count += 1 }
        precondition(count == csv.rows && feed.failure == nil, "\(count) of \(csv.rows): \(String(describing: feed.failure))")
        benchmark.measurement(quotesPerSecond, Int(Double(count) / (ContinuousClock.now - start).secondsDouble))
    } setup: {
        csv = Fixtures.quoteCSV(minimum: 1_000_000)
    }

    Benchmark("Replay CSV 1M quotes: ReplayFeed + Engine, one basis strategy", configuration: whole) { benchmark in
        let start = ContinuousClock.now
        let feed = try! ReplayFeed(paths: [csv.path], instruments: Fixtures.instruments)
        let engine = Engine(strategies: [Fixtures.basisConfig()], venues: Fixtures.venues(), feed: feed, mode: .replay, startedAt: nil)
        var count = 0
        while let next = engine.nextEventTime { count += engine.run(until: next) }
        precondition(count >= csv.rows, "\(count) of \(csv.rows)")
        benchmark.measurement(quotesPerSecond, Int(Double(csv.rows) / (ContinuousClock.now - start).secondsDouble))
    } setup: {
        csv = Fixtures.quoteCSV(minimum: 1_000_000)
    }

    // MARK: - Live connector (no network: the recording's raw messages, as a socket would hand them)

    Benchmark("LiveConnector Binance USD-M: raw messages through BinanceConnector", configuration: whole) { benchmark in
        let start = ContinuousClock.now
        let delivered = LiveFixture.runBinanceConnector(LiveFixture.usdmLines)
        benchmark.measurement(messagesPerSecond, Int(Double(LiveFixture.usdmLines.count) / (ContinuousClock.now - start).secondsDouble))
        precondition(delivered > 0)
    } setup: {
        _ = LiveFixture.usdmLines
    }

    Benchmark("Replay Binance JSON .gz (2 files): ReplayFeed alone", configuration: whole) { benchmark in
        let start = ContinuousClock.now
        var feed = try! ReplayFeed(paths: Fixtures.binanceFiles, instruments: Fixtures.instruments)
        var quotes = 0
        while let event = feed.next() { if case .quote = event { quotes += 1 } }
        benchmark.measurement(quotesPerSecond, Int(Double(quotes) / (ContinuousClock.now - start).secondsDouble))
        benchmark.measurement(.custom("events", useScalingFactor: false), feed.statistics.eventsEmitted)
    }

    Benchmark("Replay Binance JSON .gz (2 files): ReplayFeed + Engine, one basis strategy", configuration: whole) { benchmark in
        let start = ContinuousClock.now
        let feed = try! ReplayFeed(paths: Fixtures.binanceFiles, instruments: Fixtures.instruments)
        let engine = Engine(strategies: [Fixtures.basisConfig()], venues: Fixtures.venues(), feed: feed, mode: .replay, startedAt: nil)
        while let next = engine.nextEventTime { engine.run(until: next) }
        let quotes = Fixtures.recordedQuotes.count
        benchmark.measurement(quotesPerSecond, Int(Double(quotes) / (ContinuousClock.now - start).secondsDouble))
    } setup: {
        _ = Fixtures.recordedQuotes
    }

    // MARK: - Memory over a long replay

    Benchmark("Replay 10M quotes (CSV × 10 laps) through the Engine: peak resident",
              configuration: .init(metrics: [.wallClock, .peakMemoryResident, quotesPerSecond], timeUnits: .seconds,
                                   warmupIterations: 0, maxDuration: .seconds(1), maxIterations: 1)) { benchmark in
        let start = ContinuousClock.now
        let feed = LappedCSVFeed(csv: csv, laps: 10)
        let engine = Engine(strategies: [Fixtures.basisConfig()], venues: Fixtures.venues(), feed: feed, mode: .replay, startedAt: nil)
        var count = 0
        while let next = engine.nextEventTime { count += engine.run(until: next) }
        precondition(count >= 10 * csv.rows)
        benchmark.measurement(quotesPerSecond, Int(Double(10 * csv.rows) / (ContinuousClock.now - start).secondsDouble))
    } setup: {
        csv = Fixtures.quoteCSV(minimum: 1_000_000)
    }

    // MARK: - Snapshots and frames

    for count in [1, 100] {
        Benchmark("Engine.snapshot() with \(count) strateg\(count == 1 ? "y" : "ies")",
                  configuration: .init(metrics: [.wallClock, .mallocCountTotal, .throughput], timeUnits: .microseconds, maxDuration: .seconds(3))) { benchmark in
            for _ in benchmark.scaledIterations { blackHole(engine.snapshot()) }
        } setup: {
            engine = Fixtures.engineAfterReplay(strategies: count, events: 60_000)
        }
    }

    // A few strategies changed between snapshots (paused or resumed by a command each, which
    // also logs and acknowledges): the rest are published again as they were. The command's
    // own cost is inside the figure.
    Benchmark("Engine.snapshot() with 100 strategies, 4 changed by commands",
              configuration: .init(metrics: [.wallClock, .mallocCountTotal, .throughput], timeUnits: .microseconds, maxDuration: .seconds(3))) { benchmark in
        var id: UInt64 = 1_000
        for iteration in benchmark.scaledIterations {
            for strategy in [3, 29, 55, 81] {
                id += 1
                engine.apply(EngineCommand(id: id, strategy: "basis-\(strategy)", action: iteration % 2 == 0 ? .pause : .resume), at: engine.now)
            }
            blackHole(engine.snapshot())
        }
    } setup: {
        engine = Fixtures.engineAfterReplay(strategies: 100, events: 60_000)
        _ = engine.snapshot()
    }

    // What one watcher (`attach`) is sent: 100 basis strategies on the recorded data, a frame
    // every 250 ms of data time (4 frames/s at 1×), the first whole and the rest deltas from the
    // frame before, deflated on the connection's stream as the server sends them (the whole
    // first frame is not counted: it goes once). Also the same deltas plain, the frames whole,
    // and snapshot()'s time per frame in this run.
    Benchmark("Socket bytes/s to one watcher, 100 strategies at 4 frames/s (deltas)",
              configuration: .init(metrics: [watcherBytesPerSecond, plainDeltaBytesPerSecond, fullBytesPerSecond, snapshotMicros],
                                   maxDuration: .seconds(60), maxIterations: 1)) { benchmark in
        let frames = 120
        let deflater = WireDeflater()!
        var time = engine.now
        var sent = engine.snapshot()
        _ = try! WireMessage.snapshot(sent).frame(deflatingWith: deflater)
        var deltaBytes = 0, plainBytes = 0, fullBytes = 0
        var building = Duration.zero
        for _ in 0..<frames {
            time = time + .milliseconds(250)
            engine.run(until: time)
            let began = ContinuousClock.now
            let newest = engine.snapshot()
            building += began.duration(to: .now)
            let delta = WireMessage.delta(SnapshotDelta(from: sent, to: newest))
            deltaBytes += try! delta.frame(deflatingWith: deflater).count
            plainBytes += try! delta.frame().count
            fullBytes += try! WireMessage.snapshot(newest).frame().count
            sent = newest
        }
        let seconds = Double(frames) / 4
        benchmark.measurement(watcherBytesPerSecond, Int(Double(deltaBytes) / seconds))
        benchmark.measurement(plainDeltaBytesPerSecond, Int(Double(plainBytes) / seconds))
        benchmark.measurement(fullBytesPerSecond, Int(Double(fullBytes) / seconds))
        benchmark.measurement(snapshotMicros, Int(building.secondsDouble * 1e6 / Double(frames)))
    } setup: {
        // Two minutes in: the charts are full and the rolling statistics warmed up.
        engine = Fixtures.engineAfterReplay(strategies: 100, events: 0)
        engine.run(until: engine.startedAt + .seconds(120))
    }

    for (width, height) in [(200, 60), (120, 40)] {
        Benchmark("Dashboard.render \(width)×\(height), 10 strategies",
                  configuration: .init(metrics: [.wallClock, .mallocCountTotal, .throughput], timeUnits: .microseconds, maxDuration: .seconds(3))) { benchmark in
            let dashboard = Dashboard(glyphs: .unicode)
            let input = ScreenInput()
            for _ in benchmark.scaledIterations {
                blackHole(dashboard.render(snapshots[0], input: input, width: width, height: height))
            }
        } setup: {
            snapshots = FrameFixture.snapshots(frames: 1)
        }

        Benchmark("Frame diff \(width)×\(height) at 4 frames/s of data time (steady state)",
                  configuration: .init(metrics: [changedCells, estimatedBytes], maxDuration: .seconds(2), maxIterations: 100)) { benchmark in
            let frames = FrameFixture.diffs(snapshots, width: width, height: height)
            for frame in frames {
                benchmark.measurement(changedCells, frame.cells)
                benchmark.measurement(estimatedBytes, frame.bytes)
            }
        } setup: {
            snapshots = FrameFixture.snapshots(frames: 41)
        }
    }
}
