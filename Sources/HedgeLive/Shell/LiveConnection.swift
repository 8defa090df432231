import HedgeCore
import HedgeEngine
import HedgeVenues
import Logging
import NIOCore
import NIOSSL
import Synchronization
import WSClient

/// The thin I/O shell around a connector: opens the WebSocket and REST requests the connector
/// asks for, feeds back what happens (stamped with the wall clock), ticks it every 100 ms for
/// its deadlines, and passes its results to a sink. WebSocket pings are answered with pongs by
/// the client itself (Binance pings every few minutes and closes a connection that does not answer).
public struct LiveConnection<C: MarketConnector>: Sendable {
    public let endpoint: LiveEndpoint
    public let sink: any LiveSink
    public var tick: Duration = .milliseconds(100)
    /// Larger WebSocket messages close the connection (a depth diff is a few KiB).
    public var maximumMessage = 4 << 20
    /// Where the connection's own tasks run (nil: the shared pool); a test gives them a thread
    /// of their own, so tests blocking the pool cannot stall the socket.
    public var executor: (any TaskExecutor)?
    let logger: Logger

    public init(endpoint: LiveEndpoint, sink: any LiveSink, logger: Logger = Logger(label: "hedgetop.live")) {
        self.endpoint = endpoint
        self.sink = sink
        self.logger = logger
    }

    /// An input, and the socket it came from (nil: not from a socket).
    private struct Tagged: Sendable {
        var generation: Int?
        var input: ConnectorInput
    }

    /// Runs `connector` until the task is cancelled.
    public func run(_ start: C) async {
        var connector = start
        let kind = connector.kind
        let rest: RESTClient
        let tls: TLSConfiguration
        do {
            tls = try endpoint.tlsConfiguration()
            rest = try RESTClient(endpoint: endpoint)
        } catch {
            sink.log(.warning, "\(kind.rawValue) down: \(error)", venue: kind)
            sink.health(FeedHealth(venue: kind.rawValue, state: .down, detail: "\(error)"))
            return
        }
        let (inputs, input) = AsyncStream.makeStream(of: Tagged.self)
        let interval = tick
        let ticker = Task(executorPreference: executor) {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                input.yield(Tagged(generation: nil, input: .tick(at: .wallClockNow())))
            }
        }
        var generation = 0
        var socket: Task<Void, Never>?
        var outbound: AsyncStream<String>.Continuation?
        var fetches: [Task<Void, Never>] = []
        var publisher = HealthPublisher(sink: sink, interval: tick)
        input.yield(Tagged(generation: nil, input: .start(at: .wallClockNow())))
        await withTaskCancellationHandler {
            for await tagged in inputs {
                if let from = tagged.generation, from != generation { continue }
                let actions = connector.handle(tagged.input)
                for action in actions {
                    switch action {
                    case .connect(let url):
                        socket?.cancel()
                        outbound?.finish()
                        generation += 1
                        let (messages, writer) = AsyncStream.makeStream(of: String.self)
                        outbound = writer
                        socket = openSocket(url: url, tls: tls, rest: rest, generation: generation, outbound: messages, input: input)
                    case .send(let text):
                        outbound?.yield(text)
                    case .fetchSnapshot(let symbol, let url):
                        let current = generation
                        fetches.removeAll { $0.isCancelled }
                        fetches.append(Task(executorPreference: executor) {
                            do throws(LiveFailure) {
                                let body = try await rest.get(url)
                                input.yield(Tagged(generation: current, input: .snapshot(symbol: symbol, body: body, at: .wallClockNow())))
                            } catch {
                                input.yield(Tagged(generation: current, input: .snapshotFailed(symbol: symbol, reason: error.message, fatal: error.fatal, at: .wallClockNow())))
                            }
                        })
                    case .close:
                        generation += 1
                        socket?.cancel()
                        socket = nil
                        outbound?.finish()
                        outbound = nil
                    case .deliver(let events, let receivedAt):
                        sink.deliver(events, receivedAt: receivedAt)
                    case .record(let line):
                        sink.record(line, venue: kind)
                    case .log(let level, let message):
                        sink.log(level, message, venue: kind)
                    }
                }
                publisher.publish(connector, at: .wallClockNow())
                if Task.isCancelled { break }
            }
        } onCancel: {
            input.finish()
        }
        ticker.cancel()
        socket?.cancel()
        for fetch in fetches { fetch.cancel() }
        await rest.shutdown()
    }

    private func openSocket(url: String, tls: TLSConfiguration, rest: RESTClient, generation: Int, outbound: AsyncStream<String>,
                            input: AsyncStream<Tagged>.Continuation) -> Task<Void, Never> {
        LiveSocket.open(url: url, tls: tls, rest: rest, maximumMessage: maximumMessage, logger: logger, executor: executor, outbound: outbound) { event in
            let now = Timestamp.wallClockNow()
            switch event {
            case .connected: input.yield(Tagged(generation: generation, input: .connected(at: now)))
            case .message(let bytes): input.yield(Tagged(generation: generation, input: .message(bytes, at: now)))
            case .closed(let reason, let fatal): input.yield(Tagged(generation: generation, input: .closed(reason: reason, fatal: fatal, at: now)))
            }
        }
    }
}

/// Hands the connector's health to the sink when its state or reason changes, and otherwise at
/// most once per tick: the latency percentiles sort the window, too dear after every message of
/// a busy depth stream (they held a debug build's feed seconds behind).
struct HealthPublisher {
    let sink: any LiveSink
    let interval: Duration
    private var last: FeedHealth?
    private var lastAt: Timestamp?

    init(sink: any LiveSink, interval: Duration) {
        self.sink = sink
        self.interval = interval
    }

    mutating func publish(_ connector: some MarketConnector, at now: Timestamp) {
        let cheap = connector.health(at: now, latency: false)
        if let last, let lastAt, last.state == cheap.state, last.detail == cheap.detail, now - lastAt < interval { return }
        let full = connector.health(at: now)
        sink.health(full)
        last = full
        lastAt = now
    }
}
