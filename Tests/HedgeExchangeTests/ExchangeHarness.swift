import Foundation
@testable import HedgeExchange
import Logging
import MetricsScrape
import NIOSSL
import WSClient

/// A local exchange started in this process on ports the system picks, for one test.
struct ExchangeHarness: Sendable {
    let exchange: LocalExchange
    let endpoints: ExchangeEndpoints
    let task: Task<Void, any Error>

    static let logger = Logger(label: "test.exchange") { _ in SwiftLogNoOpLogHandler() }

    /// ../shared/data beside the repository, as the replay tests find it.
    static let sharedData: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/data")

    static func fixture(_ name: String) -> String {
        Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil)!.path
    }

    /// The USD-M fixture (3000 lines of the 2024-08-08 recording, its REST snapshot at line 55).
    static var usdm: ExchangeConfiguration.VenueSource { .init(files: [fixture("usdm_btcusdt_head.gz")]) }
    static var spot: ExchangeConfiguration.VenueSource { .init(files: [fixture("spot_btcusdt_head.gz")]) }
    static var bybit: ExchangeConfiguration.VenueSource { .init(files: [fixture("bybit_head.jsonl")]) }

    static func start(_ venues: [ExchangeVenue: ExchangeConfiguration.VenueSource], speed: Double? = nil,
                      configure: (inout ExchangeConfiguration) -> Void = { _ in }) async throws -> ExchangeHarness {
        var configuration = ExchangeConfiguration()
        configuration.venues = venues
        configuration.speed = speed
        configure(&configuration)
        let exchange = try LocalExchange(configuration: configuration, logger: logger)
        let (ready, continuation) = AsyncStream.makeStream(of: ExchangeEndpoints.self)
        // A thread of its own: tests blocking the shared pool would stall its pacing for seconds.
        let task = Task(executorPreference: DedicatedExecutor()) {
            defer { continuation.finish() }
            try await exchange.run { continuation.yield($0) }
        }
        var iterator = ready.makeAsyncIterator()
        guard let endpoints = await iterator.next() else {
            _ = try await task.value
            throw HarnessError("the exchange stopped before it listened")
        }
        return ExchangeHarness(exchange: exchange, endpoints: endpoints, task: task)
    }

    func stop() async {
        task.cancel()
        _ = try? await task.value
    }

    func base(_ venue: ExchangeVenue) -> (webSocket: String, rest: String) { endpoints.bases[venue]! }

    func port(_ listener: Listener) -> UInt16 { UInt16(endpoints.ports[listener]!) }

    /// A GET (or POST) to one of the exchange's ports, over a plain socket.
    func http(_ path: String, method: String = "GET", on listener: Listener, headers: [String] = [], body: String? = nil) async throws -> HTTPReply {
        let port = port(listener)
        return try await offPool { try LoopbackHTTP.request(method, path, port: port, timeout: 30, headers: headers, body: body) }
    }

    /// Connects to `url`, sends `requests`, and collects text messages until `until` says stop
    /// (or the server closes); returns them with the close frame.
    static func collect(_ url: String, send requests: [String] = [], tls: TLSConfiguration? = nil,
                        until stop: @escaping @Sendable ([String]) async -> Bool) async throws -> (messages: [String], close: WebSocketCloseFrame?) {
        let box = MessageBox()
        var configuration = WebSocketClientConfiguration()
        configuration.maxFrameSize = 1 << 22
        // The client on a thread of its own too: a starved reader would see a paced tape end
        // before it has read what a test waits for.
        let close = try await withTaskExecutorPreference(DedicatedExecutor()) {
            try await WebSocketClient.connect(url: url, configuration: configuration, tlsConfiguration: tls, logger: logger) { inbound, outbound, _ in
                for request in requests { try await outbound.write(.text(request)) }
                for try await message in inbound.messages(maxSize: 1 << 22) {
                    guard case .text(let text) = message else { continue }
                    if await stop(box.append(text)) { return }
                }
            }
        }
        return (box.messages, close)
    }
}

/// Messages gathered by a client handler.
final class MessageBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []

    func append(_ text: String) -> [String] {
        lock.lock(); defer { lock.unlock() }
        stored.append(text)
        return stored
    }

    var messages: [String] { lock.lock(); defer { lock.unlock() }; return stored }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
