import Foundation
import HedgeCore
@testable import HedgeExchange
import HedgeVenues
import Logging
import MetricsScrape
import Synchronization
import Testing
@testable import HedgeLive

/// The connectors over real sockets: the local exchange (in this process) serves a 2024 USD-M
/// recording over Binance's protocols (or a Bybit one over Bybit's) and the shell
/// (`LiveConnection`) runs a connector on it, as `hedgetop run` and `hedgetop record` do.
@Suite("Live connectors over the local exchange", .timeLimit(.minutes(3)))
struct OverLocalExchangeTests {
    /// 3000 lines (12 s) of the 2024-08-08 USD-M BTCUSDT recording, its REST snapshot at line 55;
    /// the local exchange's own fixture.
    static let recording = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("HedgeExchangeTests/Fixtures/usdm_btcusdt_head.gz").path
    static let btc = InstrumentID(venue: "binance-usdm", symbol: "BTCUSDT")
    /// 18 s of a 2026-08-09 Bybit v5 recording (linear BTCUSDT, ETHUSDT, SOLUSDT, DOGEUSDT).
    static let bybitRecording = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("HedgeExchangeTests/Fixtures/bybit_head.jsonl").path

    @Test("The book built over the socket equals replay's at every checkpoint (top 20 levels), across a forced resync")
    func liveBookEqualsReplayBook() async throws {
        // In real time (12 s): on a loaded machine the book may come into sequence seconds late,
        // and the checkpoints after the resync must still be many.
        let exchange = try await LocalExchangeRun.start(speed: 1)
        defer { exchange.stop() }
        let market = exchange.exchange.markets[.binanceUSDM]!
        let replay = try Self.replayCheckpoints()
        let lastDepthTime = try #require(replay.order.last)

        // Once the book is in sequence, the next depth update is never sent: a gap. (Set from the
        // connection's own thread the moment it is live: this test's task may run late.)
        let skipped = Mutex<[Int]>([])
        let sink = CollectingSink(onFirstLive: { skipped.withLock { $0 = market.skipDepth(count: 1, symbol: "BTCUSDT") } })
        let run = exchange.connect(sink: sink)
        defer { run.cancel() }
        try await sink.wait("the last depth update", within: .seconds(90)) { $0.lastUpdateTime == lastDepthTime }

        #expect(skipped.withLock { $0.count } == 1)
        try Self.expectSameBooks(sink, as: replay, moreThan: 60, afterResync: 20)
        #expect(sink.healths.contains { $0.state == .resyncing && $0.detail?.contains("out of sequence") == true })
    }

    @Test("Bybit: the book built over the socket equals replay's at every checkpoint, across a gap that resubscribes")
    func bybitBookEqualsReplayBook() async throws {
        // At half speed (36 s): a loaded machine may bring the book into sequence seconds late,
        // and the checkpoints after the resubscription must still be many.
        let exchange = try await LocalExchangeRun.start(speed: 0.5, bybit: true)
        defer { exchange.stop() }
        let market = exchange.exchange.markets[.bybitLinear]!
        var replayed = Checkpoints()
        let id = InstrumentID(venue: "bybit-linear", symbol: "BTCUSDT")
        var feed = try ReplayFeed(sources: [ReplaySource(path: Self.bybitRecording)], instruments: [id])
        while let event = feed.next() { replayed.apply([event]) }
        let lastDepthTime = try #require(replayed.order.last)

        let skipped = Mutex<[Int]>([])
        let sink = CollectingSink(onFirstLive: { skipped.withLock { $0 = market.skipDepth(count: 1, symbol: "BTCUSDT") } })
        let base = exchange.endpoints.bases[.bybitLinear]!
        let connector = BybitConnector(.init(kind: .bybitLinear, symbols: ["BTCUSDT"], webSocketURL: base.webSocket, restURL: base.rest, seed: 3))
        let run = LocalExchangeRun.run(connector, webSocket: base.webSocket, rest: base.rest, sink: sink, executor: exchange.executor)
        defer { run.cancel() }
        try await sink.wait("the last depth update", within: .seconds(90)) { $0.lastUpdateTime == lastDepthTime }

        #expect(skipped.withLock { $0.count } == 1)
        // More than 12 in common, not 20: the fresh-clone CI on a loaded machine got exactly 20,
        // the book coming into sequence late; every shared one is still compared level by level.
        try Self.expectSameBooks(sink, as: replayed, moreThan: 12, afterResync: 8)
    }

    @Test("Refused connections: down with the reason within the connect timeout, live again once the venue takes them")
    func refusedConnections() async throws {
        let exchange = try await LocalExchangeRun.start(speed: 1)
        defer { exchange.stop() }
        _ = await exchange.exchange.apply(.refuse(.seconds(600)), to: .binanceUSDM)
        let sink = CollectingSink()
        let start = ContinuousClock.now
        let run = exchange.connect(sink: sink)
        defer { run.cancel() }
        // An answerless close is caught by the connect timeout (5 s; the connector's own test
        // checks it on its clock) at the next tick; a loaded test process ticks later.
        try await sink.wait("down", within: .seconds(60)) { $0.states.contains(.down) }
        let detected = ContinuousClock.now - start
        #expect(detected >= .seconds(5), "down after \(detected)")
        #expect(sink.healths.first { $0.state == .down }?.detail?.contains("no answer within 5.0s") == true, "\(sink.healths)")
        #expect(sink.delivered.isEmpty)
        _ = await exchange.exchange.apply(.refuse(.zero), to: .binanceUSDM)
        try await sink.wait("live", within: .seconds(90)) { $0.states.contains(.live) && !$0.delivered.isEmpty }
        #expect(sink.logs.contains { $0.contains("reconnect") }, "\(sink.logs)")
    }

    @Test("Silence: stale within the heartbeat limit and a tick, live again when messages resume")
    func silenceIsStale() async throws {
        // At a quarter speed the 12 s tape lasts 48 s: on a loaded machine the connection may be
        // live only seconds after the tape started, and messages must still follow the silence.
        let exchange = try await LocalExchangeRun.start(speed: 0.25)
        defer { exchange.stop() }
        let sink = CollectingSink()
        let run = exchange.connect(sink: sink)
        defer { run.cancel() }
        try await sink.wait("live", within: .seconds(60)) { $0.states.contains(.live) }
        let before = sink.healths.count
        _ = await exchange.exchange.apply(.silence(.seconds(5)), to: .binanceUSDM)
        // Stale once 3 s pass without a message, seen at the next 100 ms tick; then live again.
        // Read from the history: a loaded test process may look only after the tape has ended.
        func afterSilence(_ healths: [FeedHealth]) -> (stale: FeedHealth, live: FeedHealth)? {
            let since = healths.dropFirst(before)
            guard let stale = since.firstIndex(where: { $0.state == .stale }),
                  let live = since[stale...].firstIndex(where: { $0.state == .live }) else { return nil }
            return (healths[stale], healths[live])
        }
        try await sink.wait("stale, then live", within: .seconds(60)) { afterSilence($0.healths) != nil }
        let (stale, live) = try #require(afterSilence(sink.healths))
        let quiet = try #require(live.lastMessageAt) - #require(stale.lastMessageAt)
        #expect(quiet >= .seconds(3), "the first message after the silence came \(quiet) after the last before it")
    }

    @Test("A message over the size limit drops the connection, and the venue is down with that reason")
    func oversizedMessage() async throws {
        let exchange = try await LocalExchangeRun.start(speed: 1)
        defer { exchange.stop() }
        let sink = CollectingSink()
        // Every recorded depth diff is over 300 bytes (342 to 9584), every other message under
        // (bookTicker, trade, markPrice: at most 180): each depth diff is oversized.
        let run = exchange.connect(sink: sink, maximumMessage: 300)
        defer { run.cancel() }
        try await sink.wait("down for the oversized message", within: .seconds(90)) { state in
            state.healths.contains { $0.state == .down && $0.detail?.contains("a message larger than 300 bytes") == true }
        }
    }

    @Test("record over the socket, then replay of what it wrote: the same quotes, in order")
    func recordThenReplay() async throws {
        let exchange = try await LocalExchangeRun.start(speed: nil)
        defer { exchange.stop() }
        let directory = NSTemporaryDirectory() + "hedgetop-record-socket-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let recorder = try Recorder(directory: directory, symbols: ["BTCUSDT"]) { _ in }
        let sink = CollectingSink(also: recorder)
        let served = try Self.streamLines(Self.recording)
        // The file's last line, not its last bookTicker: every served line is expected below, and
        // 17 depth and trade lines follow the last bookTicker.
        let lastServed = try #require(served.last)
        let run = exchange.connect(sink: sink)
        try await sink.wait("the last served line", within: .seconds(90)) { $0.records.contains(lastServed) }
        run.cancel()
        await run.value
        recorder.close()

        let names = try FileManager.default.contentsOfDirectory(atPath: directory)
        // Named by the day of receipt (today), as a live recording is.
        #expect(names.count == 1 && names[0].hasPrefix("usdm_btcusdt_2") && names[0].hasSuffix(".gz"), "\(names)")
        let path = directory + "/" + names[0]
        // The venue's quotes (bookTicker) arrive live and come out of the replay alike, in order.
        // (The quotes made from the rebuilt book's top depend on where the REST snapshot falls
        // among the diffs: live by arrival, in replay by its receipt stamp among the event times.)
        let tickers = try Self.bookTickerQuotes(path)
        #expect(tickers.count == served.filter { $0.hasPrefix(#"{"stream":"btcusdt@bookTicker""#) }.count)
        #expect(Self.isSubsequence(tickers, of: sink.quotes), "live")
        #expect(Self.isSubsequence(tickers, of: Self.quotes(try Self.replayed(path))), "replayed")
        // At full speed the connector is subscribed before the first message, so the recording holds
        // every message the exchange served from the file, byte for byte and in order (and the
        // exchange's own markPrice stream beside them).
        let recorded = try Self.streamLines(path).filter { !$0.contains("@markPrice") }
        #expect(recorded.count == served.count)
        #expect(recorded == served)
    }

    @Test("A venue answering HTTP 451 or 403 (region blocked) is down saying so, and retried slowly",
          arguments: [451, 403])
    func regionBlocked(status: Int) async throws {
        let server = try CannedHTTPServer(status: status)
        defer { server.stop() }
        let sink = CollectingSink()
        let run = LocalExchangeRun.connect(webSocket: "ws://127.0.0.1:\(server.port)", rest: "http://127.0.0.1:\(server.port)",
                                           sink: sink, executor: DedicatedExecutor())
        defer { run.cancel() }
        try await sink.wait("down", within: .seconds(60)) { $0.states.contains(.down) }
        let detail = sink.healths.first { $0.state == .down }?.detail ?? ""
        #expect(detail.contains("HTTP \(status)") && detail.contains("region blocked"), "\(detail)")
        #expect(sink.logs.contains { $0.contains("60") }, "retried after 60 s: \(sink.logs)")
    }

    @Test("An unknown symbol is down with the venue's words; the exchange's other symbols are not affected")
    func unknownSymbol() async throws {
        let exchange = try await LocalExchangeRun.start(speed: 1)
        defer { exchange.stop() }
        let sink = CollectingSink()
        let run = exchange.connect(sink: sink, symbols: ["NOPEUSDT"])
        defer { run.cancel() }
        try await sink.wait("down", within: .seconds(60)) { $0.states.contains(.down) }
        let detail = sink.healths.first { $0.state == .down }?.detail ?? ""
        #expect(detail.contains("unknown symbol") && detail.contains("-1121"), "\(detail)")
        let other = CollectingSink()
        let good = exchange.connect(sink: other)
        defer { good.cancel() }
        try await other.wait("live", within: .seconds(60)) { $0.states.contains(.live) }
    }

    @Test("DNS and TLS failures are down with their reason")
    func dnsAndTLS() async throws {
        let dns = CollectingSink()
        let unresolved = LocalExchangeRun.connect(webSocket: "wss://venue.invalid", rest: "https://venue.invalid", sink: dns, executor: DedicatedExecutor())
        defer { unresolved.cancel() }
        // TLS to a server that speaks plain HTTP: the handshake fails.
        let server = try CannedHTTPServer(status: 200)
        defer { server.stop() }
        let tls = CollectingSink()
        let plain = LocalExchangeRun.connect(webSocket: "wss://127.0.0.1:\(server.port)", rest: "https://127.0.0.1:\(server.port)", sink: tls, executor: DedicatedExecutor())
        defer { plain.cancel() }
        try await dns.wait("down", within: .seconds(60)) { $0.states.contains(.down) }
        try await tls.wait("down", within: .seconds(60)) { $0.states.contains(.down) }
        let unresolvedDetail = dns.healths.first { $0.state == .down }?.detail ?? ""
        #expect(unresolvedDetail.contains("cannot resolve venue.invalid"), "\(unresolvedDetail)")
        let tlsDetail = tls.healths.first { $0.state == .down }?.detail ?? ""
        #expect(tlsDetail.contains("TLS failure with 127.0.0.1"), "\(tlsDetail)")
    }

    // MARK: - Replay's side

    /// The JSON of a Binance recording's stream lines (the REST snapshot and markers left out).
    static func streamLines(_ path: String) throws -> [String] {
        try RecordingFile.lines(of: path).compactMap { line in
            guard let space = line.firstIndex(of: " ") else { return nil }
            let json = line[line.index(after: space)...]
            return json.hasPrefix(#"{"stream""#) ? String(json) : nil
        }
    }

    static func replayed(_ path: String) throws -> [MarketEvent] {
        var feed = try ReplayFeed(sources: [ReplaySource(path: path)], instruments: [btc])
        var events: [MarketEvent] = []
        while let event = feed.next() { events.append(event) }
        return events
    }

    /// The quotes of a recording's bookTicker lines alone, decoded by the replay decoder.
    static func bookTickerQuotes(_ path: String) throws -> [Quote] {
        var decoder = BinanceStreamDecoder(venue: "binance-usdm", symbols: ["BTCUSDT"])
        var events: [MarketEvent] = []
        for line in try streamLines(path) where line.hasPrefix(#"{"stream":"btcusdt@bookTicker""#) {
            events += try decode(line.utf8, with: &decoder)
        }
        return quotes(events)
    }

    static func isSubsequence(_ part: [Quote], of whole: [Quote]) -> Bool {
        var index = whole.startIndex
        for quote in part {
            guard let found = whole[index...].firstIndex(of: quote) else { return false }
            index = found + 1
        }
        return true
    }

    static func quotes(_ events: [MarketEvent]) -> [Quote] {
        events.compactMap { if case .quote(_, let quote) = $0 { quote } else { nil } }
    }

    /// The book after every depth update of the whole recording, fed to the replay decoder line by line.
    static func replayCheckpoints() throws -> Checkpoints {
        var decoder = BinanceStreamDecoder(venue: "binance-usdm", symbols: ["BTCUSDT"])
        var checkpoints = Checkpoints()
        for line in try RecordingFile.lines(of: recording) {
            guard let space = line.firstIndex(of: " ") else { continue }
            checkpoints.apply(try decode(line.utf8[line.utf8.index(after: space)...], with: &decoder))
        }
        return checkpoints
    }

    /// One message through the replay decoder, as replay feeds it.
    static func decode(_ message: some Sequence<UInt8>, with decoder: inout BinanceStreamDecoder) throws -> [MarketEvent] {
        var bytes = Array(message)
        var events: [MarketEvent] = []
        var fault: MarketDataFault?
        bytes.withUnsafeMutableBufferPointer { buffer in
            do throws(MarketDataFault) { _ = try decoder.decode(UnsafeBufferPointer(buffer), into: &events) } catch { fault = error }
        }
        if let fault { throw fault }
        return events
    }

    /// The live book equals replay's at every checkpoint both have (update times that occur once
    /// in the recording), of which there are more than `common`, and more than `afterResync` after
    /// the book came back in sequence; the venue was live again after resyncing.
    static func expectSameBooks(_ sink: CollectingSink, as replay: Checkpoints, moreThan common: Int, afterResync: Int) throws {
        let live = sink.checkpoints
        let shared = replay.uniqueTimes.filter { live.books[$0] != nil }
        let resyncedAt = try #require(sink.resyncedAt)
        let after = shared.filter { $0 > resyncedAt }
        #expect(shared.count > common, "only \(shared.count) checkpoints in common")
        #expect(after.count > afterResync, "only \(after.count) checkpoints after the resync")
        for time in shared where live.books[time] != replay.books[time] {
            Issue.record("the books differ at \(time)")
            break
        }
        let states = sink.states
        let resynced = try #require(states.firstIndex(of: .resyncing), "\(states)")
        #expect(states[resynced...].contains(.live), "\(states)")
    }
}

/// A book rebuilt from `.depth` (replace) and `.bookUpdate` (apply) events, its top 20 levels
/// kept after every update, keyed by the update's event time.
struct Checkpoints {
    var book = L2Book()
    var books: [Timestamp: BookDepth] = [:]
    var order: [Timestamp] = []

    /// The update times that occur once, in order: where two books can be compared by time.
    var uniqueTimes: [Timestamp] {
        var seen: [Timestamp: Int] = [:]
        for time in order { seen[time, default: 0] += 1 }
        return order.filter { seen[$0] == 1 }
    }

    mutating func apply(_ events: [MarketEvent]) {
        for event in events {
            book.apply(event)
            guard case .bookUpdate(_, let update) = event else { continue }
            books[update.time] = book.depth(levels: 20, time: .zero)
            order.append(update.time)
        }
    }
}

/// Everything a connection hands its sink, kept for the test to wait on and read.
final class CollectingSink: LiveSink {
    struct State {
        var delivered: [MarketEvent] = []
        var quotes: [Quote] = []
        var checkpoints = Checkpoints()
        var lastUpdateTime: Timestamp?
        var healths: [FeedHealth] = []
        var states: [FeedHealth.State] = []
        var logs: [String] = []
        var resyncedAt: Timestamp?
        /// The recorded lines' bodies, as text.
        var records: Set<String> = []
    }

    private let state = Mutex(State())
    private let also: (any LiveSink)?
    private let onFirstLive: (@Sendable () -> Void)?

    /// - Parameter onFirstLive: called (on the connection's thread) when the venue is first live.
    init(also: (any LiveSink)? = nil, onFirstLive: (@Sendable () -> Void)? = nil) {
        self.also = also
        self.onFirstLive = onFirstLive
    }

    func deliver(_ events: [MarketEvent], receivedAt: Timestamp) {
        also?.deliver(events, receivedAt: receivedAt)
        state.withLock { state in
            state.delivered += events
            for event in events {
                if case .quote(_, let quote) = event { state.quotes.append(quote) }
                if case .bookUpdate(_, let update) = event { state.lastUpdateTime = update.time }
                if case .depth(_, let depth) = event, state.states.contains(.resyncing) { state.resyncedAt = depth.time }
            }
            state.checkpoints.apply(events)
        }
    }

    func record(_ line: RecordedLine, venue: LiveVenueKind) {
        also?.record(line, venue: venue)
        state.withLock { _ = $0.records.insert(String(decoding: line.body, as: UTF8.self)) }
    }

    func log(_ level: ConnectorLogLevel, _ message: String, venue: LiveVenueKind) {
        also?.log(level, message, venue: venue)
        state.withLock { $0.logs.append(message) }
    }

    func health(_ health: FeedHealth) {
        also?.health(health)
        let firstLive = state.withLock { state in
            let first = health.state == .live && !state.states.contains(.live)
            state.healths.append(health)
            if state.states.last != health.state { state.states.append(health.state) }
            return first
        }
        if firstLive { onFirstLive?() }
    }

    func read<T>(_ body: (State) -> T) -> T { state.withLock { body($0) } }

    var delivered: [MarketEvent] { read(\.delivered) }
    var quotes: [Quote] { read(\.quotes) }
    var checkpoints: Checkpoints { read(\.checkpoints) }
    var healths: [FeedHealth] { read(\.healths) }
    var lastHealth: FeedHealth? { read(\.healths.last) }
    var states: [FeedHealth.State] { read(\.states) }
    var logs: [String] { read(\.logs) }
    var resyncedAt: Timestamp? { read(\.resyncedAt) }

    /// Polls every 20 ms until `condition` holds; fails with what was seen after `limit`.
    func wait(_ what: String, within limit: Duration, until condition: (State) -> Bool) async throws {
        let deadline = ContinuousClock.now + limit
        while !read(condition) {
            guard ContinuousClock.now < deadline else {
                throw WaitFailure("no \(what) within \(limit): states \(states), logs \(logs.suffix(5))")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}

struct WaitFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The local exchange serving the USD-M recording, on ports the system picks.
/// It and the connections a test opens on it run on a thread of their own: tests blocking the
/// shared pool (two threads on two cores) would otherwise stall the sockets for seconds.
struct LocalExchangeRun: Sendable {
    let exchange: LocalExchange
    let endpoints: ExchangeEndpoints
    let task: Task<Void, any Error>
    let executor: DedicatedExecutor

    /// - Parameter both: serve Binance USD-M and Bybit linear together (a cross-venue desk).
    static func start(speed: Double?, bybit: Bool = false, both: Bool = false, accounts: [ExchangeAccount] = []) async throws -> LocalExchangeRun {
        var configuration = ExchangeConfiguration()
        configuration.accounts = accounts
        // Trading tests open no market stream, and before a stream starts the playback clock the
        // exchange's time stands still: a request signed a second after the client synced would
        // be "ahead of the server's time" (-1021, 10002), as seen on a loaded machine.
        configuration.startAtLaunch = !accounts.isEmpty
        configuration.venues = both ? [.bybitLinear: .init(files: [OverLocalExchangeTests.bybitRecording]),
                                       .binanceUSDM: .init(files: [OverLocalExchangeTests.recording])]
            : bybit ? [.bybitLinear: .init(files: [OverLocalExchangeTests.bybitRecording])]
            : [.binanceUSDM: .init(files: [OverLocalExchangeTests.recording])]
        configuration.speed = speed
        let exchange = try LocalExchange(configuration: configuration, logger: Logger(label: "test.exchange") { _ in SwiftLogNoOpLogHandler() })
        let (ready, continuation) = AsyncStream.makeStream(of: ExchangeEndpoints.self)
        let executor = DedicatedExecutor()
        let task = Task(executorPreference: executor) {
            defer { continuation.finish() }
            try await exchange.run { continuation.yield($0) }
        }
        var iterator = ready.makeAsyncIterator()
        guard let endpoints = await iterator.next() else {
            _ = try await task.value
            throw WaitFailure("the exchange stopped before it listened")
        }
        return LocalExchangeRun(exchange: exchange, endpoints: endpoints, task: task, executor: executor)
    }

    func stop() { task.cancel() }

    /// A USD-M connector (BTCUSDT) on the exchange, run by the shell until the task is cancelled.
    func connect(sink: any LiveSink, symbols: [String] = ["BTCUSDT"], maximumMessage: Int? = nil) -> Task<Void, Never> {
        let base = endpoints.bases[.binanceUSDM]!
        return Self.connect(webSocket: base.webSocket, rest: base.rest, sink: sink, symbols: symbols,
                            maximumMessage: maximumMessage, executor: executor)
    }

    /// A USD-M connector on any endpoint.
    static func connect(webSocket: String, rest: String, sink: any LiveSink, symbols: [String] = ["BTCUSDT"],
                        maximumMessage: Int? = nil, executor: DedicatedExecutor) -> Task<Void, Never> {
        let connector = BinanceConnector(.init(kind: .binanceUSDM, symbols: symbols, webSocketURL: webSocket, restURL: rest, seed: 3))
        return run(connector, webSocket: webSocket, rest: rest, sink: sink, maximumMessage: maximumMessage, executor: executor)
    }

    /// Any connector, run by the shell on `executor` until the task is cancelled.
    static func run<C: MarketConnector>(_ connector: C, webSocket: String, rest: String, sink: any LiveSink,
                                        maximumMessage: Int? = nil, executor: DedicatedExecutor) -> Task<Void, Never> {
        var connection = LiveConnection<C>(
            endpoint: LiveEndpoint(kind: connector.kind, webSocketURL: webSocket, restURL: rest), sink: sink,
            logger: Logger(label: "test.live") { _ in SwiftLogNoOpLogHandler() })
        if let maximumMessage { connection.maximumMessage = maximumMessage }
        connection.executor = executor
        return Task(executorPreference: executor) { await connection.run(connector) }
    }
}

/// A loopback HTTP server that answers every request with one status and closes: a venue's edge
/// refusing us (451, 403), or plain HTTP where TLS was expected.
final class CannedHTTPServer: Sendable {
    let port: UInt16
    private let listener: Int32

    init(status: Int) throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) } }
        guard bound == 0, listen(listener, 16) == 0 else { throw WaitFailure("cannot listen: \(String(cString: strerror(errno)))") }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) } }
        port = UInt16(bigEndian: address.sin_port)
        let answer = Array("HTTP/1.1 \(status) Canned\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}".utf8)
        Thread {
            while true {
                let client = accept(listener, nil, nil)
                guard client >= 0 else { return }
                var buffer = [UInt8](repeating: 0, count: 4096)
                _ = buffer.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
                _ = answer.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                close(client)
            }
        }.start()
    }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }
}
