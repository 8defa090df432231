import Foundation

/// The control socket's protocol between `hedgetop serve` and its watchers (`attach`, `status`).
///
/// Every message is a frame: a 4-byte big-endian length, then that many bytes of UTF-8 JSON, one
/// `WireMessage`. A frame is never empty and never longer than the reader's bound; a frame that
/// breaks either rule, or does not decode, closes that connection and no other.
///
/// The watcher speaks first (`hello`, carrying the protocol version); the server answers
/// `welcome` or `error` (and closes). Then the server sends a full snapshot at once and the newest
/// one at most at the watcher's own rate, as a `delta` from the one the watcher last had
/// (`SnapshotDelta`); the watcher sends commands with its own ids, and each gets exactly one
/// `acknowledgement` carrying that id. A watcher that says `deflate` in its hello gets its
/// snapshot and delta frames deflated on one stream for the connection (`WireDeflater`).
public enum WireProtocol {
    /// Bumped whenever a message changes shape. Both ends must agree exactly.
    /// 2: acknowledgements carry the answering strategy and `namesCommand` apart from their
    /// words; log entries carry `text`, the command they answer and the naming watcher.
    /// 3: after the first snapshot, `delta` frames carry only what changed; non-finite numbers
    /// (a marker's unknown spread) travel as the strings "nan", "inf", "-inf".
    public static let version = 3
    /// Names the protocol in `hello`, so a stray client is told what it reached.
    public static let magic = "hedgetop-control"
    /// The largest frame a watcher accepts from the server (a full snapshot).
    public static let maxServerFrame = 16 << 20
    /// The largest frame the server accepts from a watcher (hello or a command).
    static let maxClientFrame = 64 << 10
    /// A payload's first byte when the rest is deflated (`WireDeflater`); a plain payload is
    /// JSON, which starts with `{`.
    static let deflatedMark: UInt8 = 0
}

/// The watcher's opening message.
public struct WireHello: Codable, Sendable, Hashable {
    public var magic: String
    public var version: Int
    /// The watcher will not send commands (the server also forces this for non-owners).
    public var readOnly: Bool
    /// Snapshots per second the watcher wants at most (1-30).
    public var framesPerSecond: Int
    /// Who is asking, for the server's log: "attach", "status".
    public var client: String
    /// A one-shot look (`status`, `list`), not a watcher: it takes no watcher number or seat.
    /// Absent (nil) for a watcher, so a watcher's hello reads as before.
    public var probe: Bool?
    /// The watcher reads deflated snapshot frames (`WireDeflater`); absent (nil) for a reader of
    /// plain frames only (a probe, a test's raw watcher).
    public var deflate: Bool?

    public init(version: Int = WireProtocol.version, readOnly: Bool, framesPerSecond: Int, client: String, probe: Bool = false) {
        self.magic = WireProtocol.magic
        self.version = version
        self.readOnly = readOnly
        self.framesPerSecond = framesPerSecond
        self.client = client
        self.probe = probe ? true : nil
    }
}

/// The server's answer to a good `hello`.
public struct WireWelcome: Codable, Sendable, Hashable {
    public var version: Int
    /// The server's name (`--name`).
    public var name: String
    /// Whether this watcher may only watch.
    public var readOnly: Bool
    public var serverPID: Int32
    /// Why commands will be refused, when `readOnly`.
    public var readOnlyReason: String?
    /// This watcher's number on the server, as the event log names it ("watcher 2").
    public var watcher: Int?

    public init(version: Int = WireProtocol.version, name: String, readOnly: Bool, serverPID: Int32, readOnlyReason: String?, watcher: Int? = nil) {
        self.version = version
        self.name = name
        self.readOnly = readOnly
        self.serverPID = serverPID
        self.readOnlyReason = readOnlyReason
        self.watcher = watcher
    }
}

/// Why the server closes a connection: a code for scripts, a message that says what to do.
public struct WireError: Codable, Sendable, Hashable, Error, CustomStringConvertible {
    public enum Code: String, Codable, Sendable, Hashable {
        /// The watcher speaks another protocol version.
        case version
        /// The peer's uid (or group) may not use this server.
        case notAllowed
        /// A frame was malformed, oversized or out of place.
        case malformed
        /// The server is stopping.
        case shuttingDown
        /// The server has as many watchers as it takes; trying again later may work.
        case full
        /// The hello did not arrive in time.
        case timeout
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

/// One frame's content. JSON: `{"type": "hello", "hello": {...}}` and so on: the payload sits
/// under the key named by `type`.
public struct WireMessage: Codable, Sendable {
    public enum Kind: String, Codable, Sendable {
        case hello, welcome, error, snapshot, delta, command, acknowledgement
    }

    public var type: Kind
    public var hello: WireHello?
    public var welcome: WireWelcome?
    public var error: WireError?
    public var snapshot: EngineSnapshot?
    /// What changed since the watcher's last snapshot.
    public var delta: SnapshotDelta?
    public var command: EngineCommand?
    public var acknowledgement: CommandAcknowledgement?

    private init(type: Kind) { self.type = type }

    public static func hello(_ value: WireHello) -> WireMessage { var m = WireMessage(type: .hello); m.hello = value; return m }
    public static func welcome(_ value: WireWelcome) -> WireMessage { var m = WireMessage(type: .welcome); m.welcome = value; return m }
    public static func error(_ value: WireError) -> WireMessage { var m = WireMessage(type: .error); m.error = value; return m }
    public static func snapshot(_ value: EngineSnapshot) -> WireMessage { var m = WireMessage(type: .snapshot); m.snapshot = value; return m }
    public static func delta(_ value: SnapshotDelta) -> WireMessage { var m = WireMessage(type: .delta); m.delta = value; return m }
    public static func command(_ value: EngineCommand) -> WireMessage { var m = WireMessage(type: .command); m.command = value; return m }
    public static func acknowledgement(_ value: CommandAcknowledgement) -> WireMessage {
        var m = WireMessage(type: .acknowledgement); m.acknowledgement = value; return m
    }

    /// The payload as one frame, deflated on `deflater`'s stream: the mark, then the deflated JSON.
    public func frame(deflatingWith deflater: WireDeflater) throws -> [UInt8] {
        WireFrame.deflated(try frame(), with: deflater)
    }

    /// The payload as one frame: length prefix and JSON.
    public func frame() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return WireFrame.encode(Array(try encoder.encode(self)))
    }

    /// Decodes a frame's payload; a payload whose `type` lacks its content is malformed.
    public static func decode(_ payload: [UInt8]) throws(WireError) -> WireMessage {
        let message: WireMessage
        do {
            let decoder = JSONDecoder()
            decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            message = try decoder.decode(WireMessage.self, from: Data(payload))
        } catch {
            throw WireError(.malformed, "a frame did not decode as a message: \(error)")
        }
        let complete = switch message.type {
        case .hello: message.hello != nil
        case .welcome: message.welcome != nil
        case .error: message.error != nil
        case .snapshot: message.snapshot != nil
        case .delta: message.delta != nil
        case .command: message.command != nil
        case .acknowledgement: message.acknowledgement != nil
        }
        guard complete else { throw WireError(.malformed, "a \(message.type.rawValue) frame without its \(message.type.rawValue)") }
        return message
    }

    /// Reads only `hello.magic` and `hello.version` from a first frame, so a watcher of another
    /// version (whose messages may have another shape) still gets a clear answer.
    static func helloVersion(_ payload: [UInt8]) -> (magic: String, version: Int)? {
        struct Probe: Decodable {
            struct Hello: Decodable {
                var magic: String
                var version: Int
            }
            var hello: Hello
        }
        guard let probe = try? JSONDecoder().decode(Probe.self, from: Data(payload)) else { return nil }
        return (probe.hello.magic, probe.hello.version)
    }
}

/// Length-prefixed frames: 4 bytes big-endian length, then the payload.
enum WireFrame {
    /// A plain frame's payload deflated on `deflater`'s stream, in a frame of its own.
    static func deflated(_ frame: [UInt8], with deflater: WireDeflater) -> [UInt8] {
        var payload = [WireProtocol.deflatedMark]
        payload.append(contentsOf: deflater.compress(Array(frame.dropFirst(4))))
        return encode(payload)
    }

    /// Prefixes `payload` with its length.
    public static func encode(_ payload: [UInt8]) -> [UInt8] {
        let count = UInt32(payload.count)
        var bytes: [UInt8] = [UInt8(count >> 24), UInt8((count >> 16) & 0xff), UInt8((count >> 8) & 0xff), UInt8(count & 0xff)]
        bytes.append(contentsOf: payload)
        return bytes
    }

    /// The payload length a 4-byte header announces, checked against `limit`: zero or more than
    /// the limit is an error that closes the connection.
    static func payloadLength(header: [UInt8], limit: Int) throws(WireError) -> Int {
        precondition(header.count == 4)
        let length = Int(header[0]) << 24 | Int(header[1]) << 16 | Int(header[2]) << 8 | Int(header[3])
        guard length > 0 else { throw WireError(.malformed, "an empty frame") }
        guard length <= limit else { throw WireError(.malformed, "a frame of \(length) bytes, over the bound of \(limit)") }
        return length
    }
}

/// Accumulates bytes as they arrive and hands out whole frames' payloads, for readers that do
/// not read exactly (and for tests).
struct WireFrameDecoder: Sendable {
    public let limit: Int
    private var buffer: [UInt8] = []

    public init(limit: Int) { self.limit = limit }

    public mutating func append(_ bytes: some Sequence<UInt8>) { buffer.append(contentsOf: bytes) }

    /// The next whole payload, nil when more bytes are needed; throws on a bad length.
    public mutating func next() throws(WireError) -> [UInt8]? {
        guard buffer.count >= 4 else { return nil }
        let length = try WireFrame.payloadLength(header: Array(buffer[0..<4]), limit: limit)
        guard buffer.count >= 4 + length else { return nil }
        let payload = Array(buffer[4..<(4 + length)])
        buffer.removeFirst(4 + length)
        return payload
    }
}
