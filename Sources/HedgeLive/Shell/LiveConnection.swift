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
        let maximum = maximumMessage
        let logger = logger
        let executor = executor
        return Task(executorPreference: executor) {
            // Frames up to four times the limit pass the frame decoder (which would close without
            // a word), so the check below is what trips, and can say why.
            var configuration = WebSocketClientConfiguration(maxFrameSize: maximum.multipliedReportingOverflow(by: 4).overflow ? maximum : maximum * 4)
            configuration.closeTimeout = .seconds(2)
            /// The size of the message over the limit that ended the connection.
            let oversized = Mutex<Int?>(nil)
            let client = WebSocketClient(url: url, configuration: configuration, tlsConfiguration: tls, logger: logger) { inbound, writer, _ in
                input.yield(Tagged(generation: generation, input: .connected(at: .wallClockNow())))
                let sender = Task(executorPreference: executor) {
                    for await text in outbound { try? await writer.write(.text(text)) }
                }
                defer { sender.cancel() }
                for try await message in inbound.messages(maxSize: maximum) {
                    let bytes: [UInt8]
                    switch message {
                    case .text(let text): bytes = Array(text.utf8)
                    case .binary(let buffer): bytes = Array(buffer.readableBytesView)
                    }
                    // The client itself checks the size of fragmented messages only.
                    guard bytes.count <= maximum else {
                        oversized.withLock { $0 = bytes.count }
                        return
                    }
                    input.yield(Tagged(generation: generation, input: .message(bytes, at: .wallClockNow())))
                }
            }
            let limit = maximum >= 1 << 20 && maximum % (1 << 20) == 0 ? "\(maximum >> 20) MiB" : "\(maximum) bytes"
            let reason: String
            var fatal = false
            do {
                let close = try await client.run()
                if let size = oversized.withLock({ $0 }) {
                    reason = "a message larger than \(limit) (\(size) bytes): connection dropped"
                } else {
                    reason = close.map { "closed by the venue (code \($0.closeCode)\($0.reason.map { ", \($0)" } ?? ""))" }
                        ?? "connection lost without a close frame (1006)"
                }
            } catch let error as WebSocketClientError where error == .webSocketUpgradeFailed {
                (reason, fatal) = await Self.upgradeRefusal(url, rest: rest)
            } catch let error as WebSocketClientError where error == .serverSentMessageTooLarge {
                reason = "a message larger than \(limit): connection dropped"
            } catch {
                reason = RESTClient.describe(error, url: url)
            }
            input.yield(Tagged(generation: generation, input: .closed(reason: reason, fatal: fatal, at: .wallClockNow())))
        }
    }
}

extension LiveConnection {
    /// Why a venue answered the upgrade with something other than 101. swift-websocket does not
    /// say which status it got, so the same URL is asked once over HTTP: a region block (451/403)
    /// answers every path alike, and is then fatal (retried slowly), as for REST.
    static func upgradeRefusal(_ url: String, rest: RESTClient) async -> (reason: String, fatal: Bool) {
        let host = RESTClient.host(url)
        var http = url
        if http.hasPrefix("wss://") { http = "https://" + http.dropFirst(6) } else if http.hasPrefix("ws://") { http = "http://" + http.dropFirst(5) }
        do throws(LiveFailure) {
            _ = try await rest.get(http, timeout: .seconds(5))
            return ("the venue refused the WebSocket upgrade at \(host) (its plain GET answers 200: a wrong URL?)", false)
        } catch {
            return ("the venue refused the WebSocket upgrade at \(host): \(error.message)", error.fatal)
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
