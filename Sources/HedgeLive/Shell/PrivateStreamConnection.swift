import HedgeCore
import Logging
import NIOSSL

/// Where a private stream's results go: account events for the engine, and the log.
public protocol PrivateStreamSink: Sendable {
    func deliver(_ events: [PrivateEvent], venue: LiveVenueKind)
    func log(_ level: ConnectorLogLevel, _ message: String, venue: LiveVenueKind)
}

/// The thin I/O shell around a private-stream machine, as `LiveConnection` is for market data:
/// opens the WebSocket (`LiveSocket`, the same code) and sends the REST requests the machine
/// asks for through an order transport (the listen key's, the venue's time), feeds back what
/// happens stamped with the wall clock, and ticks it every 100 ms for its deadlines.
public struct PrivateStreamConnection<M: PrivateStreamMachine>: Sendable {
    public let endpoint: LiveEndpoint
    public let transport: any OrderTransport
    public let sink: any PrivateStreamSink
    public var tick: Duration = .milliseconds(100)
    /// Account messages are small; larger ones close the connection.
    public var maximumMessage = 1 << 20
    /// Where the connection's own tasks run (nil: the shared pool).
    public var executor: (any TaskExecutor)?
    let logger: Logger

    public init(endpoint: LiveEndpoint, transport: any OrderTransport, sink: any PrivateStreamSink,
                logger: Logger = Logger(label: "hedgetop.live.private")) {
        self.endpoint = endpoint
        self.transport = transport
        self.sink = sink
        self.logger = logger
    }

    /// An input, and the socket it came from (nil: not from a socket).
    private struct Tagged: Sendable {
        var generation: Int?
        var input: PrivateStreamInput
    }

    /// Runs `machine` until the task is cancelled.
    public func run(_ start: M) async {
        var machine = start
        let venue = machine.venue
        let rest: RESTClient
        let tls: TLSConfiguration
        do {
            tls = try endpoint.tlsConfiguration()
            rest = try RESTClient(endpoint: endpoint)
        } catch {
            sink.log(.warning, "\(venue.rawValue) private stream down: \(error)", venue: venue)
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
        /// Requests in flight by id, forgotten when their answer is handled.
        var requests: [Int: Task<Void, Never>] = [:]
        let transport = transport
        input.yield(Tagged(generation: nil, input: .start(at: .wallClockNow())))
        await withTaskCancellationHandler {
            for await tagged in inputs {
                if let from = tagged.generation, from != generation { continue }
                switch tagged.input {
                case .answer(let id, _, _), .requestFailed(let id, _, _): requests[id] = nil
                default: break
                }
                for action in machine.handle(tagged.input) {
                    switch action {
                    case .connect(let url):
                        socket?.cancel()
                        outbound?.finish()
                        generation += 1
                        let current = generation
                        let (messages, writer) = AsyncStream.makeStream(of: String.self)
                        outbound = writer
                        socket = LiveSocket.open(url: url, tls: tls, rest: rest, maximumMessage: maximumMessage, logger: logger,
                                                 executor: executor, outbound: messages) { event in
                            let now = Timestamp.wallClockNow()
                            switch event {
                            case .connected: input.yield(Tagged(generation: current, input: .connected(at: now)))
                            case .message(let bytes): input.yield(Tagged(generation: current, input: .message(bytes, at: now)))
                            case .closed(let reason, _): input.yield(Tagged(generation: current, input: .closed(reason: reason, at: now)))
                            }
                        }
                    case .send(let text):
                        outbound?.yield(text)
                    case .request(let id, let request):
                        requests[id] = Task(executorPreference: executor) {
                            do throws(TransportFailure) {
                                let response = try await transport.send(request)
                                input.yield(Tagged(generation: nil, input: .answer(id: id, response, at: .wallClockNow())))
                            } catch {
                                input.yield(Tagged(generation: nil, input: .requestFailed(id: id, error, at: .wallClockNow())))
                            }
                        }
                    case .close:
                        generation += 1
                        socket?.cancel()
                        socket = nil
                        outbound?.finish()
                        outbound = nil
                    case .deliver(let events):
                        sink.deliver(events, venue: venue)
                    case .log(let level, let message):
                        sink.log(level, message, venue: venue)
                    }
                }
                if Task.isCancelled { break }
            }
        } onCancel: {
            input.finish()
        }
        ticker.cancel()
        socket?.cancel()
        for request in requests.values { request.cancel() }
        await rest.shutdown()
    }
}
