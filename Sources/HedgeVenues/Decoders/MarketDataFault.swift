import HedgeCore

/// Why a recorded or live market-data message was refused. The reader adds file and line.
public struct MarketDataFault: Error, Sendable, Hashable, CustomStringConvertible {
    /// The reason, used to count skipped lines by kind.
    public enum Kind: String, Sendable, Hashable, CaseIterable, Comparable, CustomStringConvertible {
        case malformedJSON = "malformed JSON"
        case unknownMessage = "unknown message type"
        case unknownSymbol = "unknown symbol"
        case badNumber = "bad number"
        case crossedBook = "crossed book"
        case bookGap = "book gap"
        case missingColumn = "missing column"
        case outOfOrder = "out-of-order time"
        case truncatedGzip = "truncated gzip"
        case unreadableFile = "unreadable file"
        case lineTooLong = "line too long"

        public var description: String { rawValue }
        public static func < (lhs: Kind, rhs: Kind) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    public var kind: Kind
    /// What was wrong, in words a user can act on.
    public var detail: String

    public init(_ kind: Kind, _ detail: String) {
        self.kind = kind
        self.detail = detail
    }

    public var description: String { "\(kind): \(detail)" }
}

/// What a decoder did with one message that it did not refuse.
public enum DecodeOutcome: Sendable, Hashable {
    /// Market data for a selected instrument (events may still be empty, e.g. a buffered update).
    case decoded
    /// Market data for an instrument nobody asked for: skipped before parsing the body.
    case notSelected
    /// A control message (subscription ack, kline, header): nothing for the engine.
    case ignored
    /// A candlestick line: nothing for the engine, counted in the report as "ignored kline".
    case kline
    /// A line that another reader of the same file counts (a recording read once per connection).
    case elsewhere
}
