import Logging
import NIOCore
import NIOSSL
import Synchronization
import WSClient

/// One WebSocket connection as the shells use it (market data and private streams alike): text
/// frames from `outbound` are sent, what happens is reported in order (opened, each message,
/// the close and why in a trader's words), and oversized messages end the connection.
enum LiveSocket {
    enum Event: Sendable {
        case connected
        case message([UInt8])
        /// `fatal`: retrying soon cannot help (a region block seen on the upgrade).
        case closed(reason: String, fatal: Bool)
    }

    static func open(url: String, tls: TLSConfiguration, rest: RESTClient, maximumMessage maximum: Int, logger: Logger,
                     executor: (any TaskExecutor)?, outbound: AsyncStream<String>,
                     report: @escaping @Sendable (Event) -> Void) -> Task<Void, Never> {
        return Task(executorPreference: executor) {
            // Frames up to four times the limit pass the frame decoder (which would close without
            // a word), so the check below is what trips, and can say why.
            var configuration = WebSocketClientConfiguration(maxFrameSize: maximum.multipliedReportingOverflow(by: 4).overflow ? maximum : maximum * 4)
            configuration.closeTimeout = .seconds(2)
            /// The size of the message over the limit that ended the connection.
            let oversized = Mutex<Int?>(nil)
            let client = WebSocketClient(url: url, configuration: configuration, tlsConfiguration: tls, logger: logger) { inbound, writer, _ in
                report(.connected)
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
                    report(.message(bytes))
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
            report(.closed(reason: reason, fatal: fatal))
        }
    }

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

