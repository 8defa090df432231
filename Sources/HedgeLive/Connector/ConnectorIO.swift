import HedgeCore
import HedgeVenues

/// What a connector state machine is told: everything that happens to the connection, stamped
/// with the receipt clock. The I/O shell turns sockets and HTTP answers into these.
public enum ConnectorInput: Sendable {
    /// Start: open the first connection.
    case start(at: Timestamp)
    /// The WebSocket opened.
    case connected(at: Timestamp)
    /// One text frame.
    case message([UInt8], at: Timestamp)
    /// A REST depth snapshot (Binance) arrived for `symbol`.
    case snapshot(symbol: String, body: [UInt8], at: Timestamp)
    /// A REST depth snapshot could not be had. `fatal`: retrying soon cannot help (HTTP 451/403,
    /// an unknown symbol): the venue is down until a slow retry.
    case snapshotFailed(symbol: String, reason: String, fatal: Bool, at: Timestamp)
    /// The connection closed, or could not open (DNS, TLS, refused, HTTP status on upgrade).
    case closed(reason: String, fatal: Bool, at: Timestamp)
    /// Time passes: deadlines (reconnect, heartbeat, silence, the 24 h limit) are checked.
    case tick(at: Timestamp)
}

/// What a connector asks its I/O shell to do.
public enum ConnectorAction: Sendable, Hashable {
    /// Open a WebSocket to `url`.
    case connect(url: String)
    /// Send a text frame (a subscription, an application ping).
    case send(String)
    /// GET a depth snapshot of `symbol`.
    case fetchSnapshot(symbol: String, url: String)
    /// Close the current WebSocket. The shell does not report this close back as `.closed`:
    /// that input is for closes the connector did not ask for.
    case close(reason: String)
    /// Market events for the engine, decoded from what arrived at `receivedAt` (venue times).
    case deliver([MarketEvent], receivedAt: Timestamp)
    /// A line for a recording: the raw message (or REST body, or a marker) as it arrived.
    case record(RecordedLine)
    /// Something a trader should read in the log and on the screen.
    case log(ConnectorLogLevel, String)
}

public enum ConnectorLogLevel: String, Sendable, Hashable {
    case info, notice, warning
}

/// One line of a recording, before it is written: `<ns> <json>`.
public struct RecordedLine: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// A stream message as it arrived.
        case message
        /// A REST depth snapshot of the symbol (the line without a "stream" key).
        case snapshot(symbol: String)
        /// A marker (a reconnect): replay reads past it.
        case marker
        /// A connection opened to `url` (Bybit recordings name each connection's address).
        case connected(url: String, connection: Int)
    }

    public var kind: Kind
    public var receivedAt: Timestamp
    public var body: [UInt8]

    public init(kind: Kind, receivedAt: Timestamp, body: [UInt8]) {
        self.kind = kind
        self.receivedAt = receivedAt
        self.body = body
    }
}
