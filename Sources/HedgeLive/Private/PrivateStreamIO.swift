import HedgeCore

/// What a private-stream state machine is told, stamped with the receipt clock; the I/O shell
/// turns sockets and HTTP answers into these.
public enum PrivateStreamInput: Sendable {
    /// Start: set up the first connection.
    case start(at: Timestamp)
    /// The WebSocket opened.
    case connected(at: Timestamp)
    /// One text frame.
    case message([UInt8], at: Timestamp)
    /// The connection closed or could not open; a close the machine asked for is not reported.
    case closed(reason: String, at: Timestamp)
    /// The answer to request `id`.
    case answer(id: Int, VenueHTTPResponse, at: Timestamp)
    /// Request `id` got no answer.
    case requestFailed(id: Int, TransportFailure, at: Timestamp)
    /// Time passes: keepalives, pings and timeouts are checked.
    case tick(at: Timestamp)
}

/// What a private-stream state machine asks its shell to do.
public enum PrivateStreamAction: Sendable, Hashable {
    /// Open a WebSocket to `url`.
    case connect(url: String)
    /// Send a text frame.
    case send(String)
    /// Send a REST request; its answer comes back as `.answer(id:)` or `.requestFailed(id:)`.
    case request(id: Int, VenueHTTPRequest)
    /// Close the current WebSocket.
    case close(reason: String)
    /// Account events for the engine.
    case deliver([PrivateEvent])
    /// Something a trader should read. Never carries the secret (nor a signature).
    case log(ConnectorLogLevel, String)
}

/// A private stream's logic as a value: what `PrivateStreamConnection` drives.
public protocol PrivateStreamMachine: Sendable {
    var venue: LiveVenueKind { get }
    mutating func handle(_ input: PrivateStreamInput) -> [PrivateStreamAction]
}
