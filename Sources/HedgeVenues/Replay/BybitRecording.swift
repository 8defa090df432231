import HedgeCore

/// Reads a Bybit JSON-lines recording: `{"t": "header"|"connect"|"send"|"recv"|"http", "conn",
/// "ts", "data": "<raw message as a JSON string>"}`. Only "recv" lines carry market data; each
/// connection's "connect" line says (by its address) whether it is the linear or spot stream.
///
/// A file can hold one connection's lines and then another's, each in venue-time order of its own
/// but not together: such a file is read once per selected connection (`readers`), each reader a
/// stream of its own that the feed merges by venue time.
final class BybitRecording: RecordingReader {
    let lines: RecordingLines
    private(set) var notes: [String] = []
    private let selected: [String: [String]]
    /// When the file is read once per connection: this reader's connection, and all the
    /// connections that have a reader of their own. The first reader also counts every line that
    /// is no connection's market data; the others count only their own connection's.
    private let own: [UInt8]?
    private let split: [[UInt8]]
    private let isFirst: Bool
    /// A decoder per connection name ("BYBIT.ws.2"), made at its "connect" line.
    private var connections: [(name: [UInt8], decoder: BybitStreamDecoder?)] = []
    /// The unescaped inner message, reused from line to line.
    private var message: [UInt8] = []

    /// - Parameter selected: symbols per venue ("bybit-linear": ["BTCUSDT"]).
    init(path: String, selected: [String: [String]]) throws(MarketDataFault) {
        lines = try RecordingLines(path: path)
        self.selected = selected
        own = nil
        split = []
        isFirst = true
        message.reserveCapacity(1 << 16)
    }

    /// One reader of the file for connection `own`, among the readers of `split`.
    private init(path: String, selected: [String: [String]], own: [UInt8], split: [[UInt8]]) throws(MarketDataFault) {
        lines = try RecordingLines(path: path)
        self.selected = selected
        self.own = own
        self.split = split
        isFirst = split.first.map { $0 == own } ?? true
        message.reserveCapacity(1 << 16)
    }

    /// The readers for a file: one when at most one of its connections is selected, else one per
    /// selected connection (the first also counting the lines that are no connection's data).
    static func readers(path: String, selected: [String: [String]]) throws(MarketDataFault) -> [BybitRecording] {
        var chosen: [(name: String, venue: String)] = []
        for connection in try connections(path: path) {
            if let venue = connection.venue, selected[venue] != nil, !chosen.contains(where: { $0.name == connection.name }) {
                chosen.append((connection.name, venue))
            }
        }
        guard chosen.count > 1 else { return [try BybitRecording(path: path, selected: selected)] }
        let split = chosen.map { Array($0.name.utf8) }
        var readers: [BybitRecording] = []
        for name in split { readers.append(try BybitRecording(path: path, selected: selected, own: name, split: split)) }
        let names = chosen.map { "\($0.name) (\($0.venue))" }.joined(separator: ", ")
        readers[0].notes.append("\(readers[0].lines.name): connections \(names) are read as separate streams, each in its own venue-time order, and merged by venue time")
        return readers
    }

    /// The fields of a recording line's envelope: its type (`t`: connect, recv, ...), its
    /// connection, the message it received and, on a connect line, the address.
    struct Envelope {
        var type: Range<Int>?, connection: Range<Int>?, data: JSONCursor.Value?, address: Range<Int>?

        init(reading cursor: inout JSONCursor) throws(MarketDataFault) {
            try cursor.beginObject()
            while let key = try cursor.nextKey() {
                let value = try cursor.readValue()
                if cursor.matches(key, "t") { type = value.range }
                else if cursor.matches(key, "conn") { connection = value.range }
                else if cursor.matches(key, "data") { data = value }
                else if cursor.matches(key, "addr") { address = value.range }
            }
        }
    }

    /// The venue of a connection from its address ("wss://stream.bybit.com/v5/public/linear").
    static func venue(address url: String) -> String? {
        url.hasSuffix("/linear") ? "bybit-linear" : url.hasSuffix("/spot") ? "bybit-spot" : nil
    }

    /// The file's "connect" lines in order: connection name and venue (nil for another stream).
    static func connections(path: String) throws(MarketDataFault) -> [(name: String, venue: String?)] {
        let lines = try RecordingLines(path: path)
        var found: [(name: String, venue: String?)] = []
        while true {
            let next: UnsafeBufferPointer<UInt8>?
            do throws(MarketDataFault) { next = try lines.nextLine() } catch {
                // The readers report the file's own faults at their line.
                if error.kind == .lineTooLong { continue }
                break
            }
            guard let line = next else { break }
            guard line.firstIndex(of: "\"connect\"") != nil else { continue }
            var cursor = JSONCursor(line)
            guard let envelope = try? Envelope(reading: &cursor) else { continue }
            if let type = envelope.type, cursor.matches(type, "connect"), let connection = envelope.connection, let address = envelope.address {
                found.append((cursor.text(connection), venue(address: cursor.text(address))))
            }
        }
        return found
    }

    /// Whether this reader is one of several and the line is not its own to count.
    private var isOneOfSeveral: Bool { own != nil }

    func readLine(into events: inout [MarketEvent]) throws(MarketDataFault) -> DecodeOutcome? {
        // Lines that are no connection's data are the first reader's to count (and refuse).
        let other: DecodeOutcome? = isFirst ? nil : .elsewhere
        let next: UnsafeBufferPointer<UInt8>?
        do throws(MarketDataFault) { next = try lines.nextLine() } catch {
            if error.kind == .lineTooLong, let other { return other }
            throw error
        }
        guard let line = next else { return nil }
        if line.isEmpty { return other ?? .ignored }
        var cursor = JSONCursor(line)
        let envelope: Envelope
        do throws(MarketDataFault) { envelope = try Envelope(reading: &cursor) } catch {
            if let other { return other }
            throw error
        }
        let (type, connection, data, address) = (envelope.type, envelope.connection, envelope.data, envelope.address)
        guard let type else {
            if let other { return other }
            throw MarketDataFault(.malformedJSON, "a recording line without \"t\"")
        }
        if cursor.matches(type, "connect"), let connection, let address {
            let venue = Self.venue(address: cursor.text(address))
            let decoder = venue.flatMap { venue in selected[venue].map { BybitStreamDecoder(venue: venue, symbols: $0) } }
            connections.append((Array(cursor.slice(connection)), decoder))
            return other ?? .ignored
        }
        guard cursor.matches(type, "recv") else { return other ?? .ignored }
        if isOneOfSeveral, let connection {
            let name = cursor.slice(connection)
            let isOwn = name.elementsEqual(own!)
            // Another selected connection's line is its reader's; an unselected one's is the first reader's.
            if !isOwn && (!isFirst || split.contains(where: { name.elementsEqual($0) })) { return .elsewhere }
        } else if let other {
            return other
        }
        guard let connection, let data, data.kind == .string else {
            throw MarketDataFault(.malformedJSON, "a \"recv\" line needs \"conn\" and a string \"data\"")
        }
        guard let slot = connections.firstIndex(where: { $0.name.elementsEqual(cursor.slice(connection)) }) else {
            throw MarketDataFault(.unknownMessage, "\"recv\" on connection \(cursor.text(connection)) with no \"connect\" line before it")
        }
        guard connections[slot].decoder != nil else { return .notSelected }
        try unescape(cursor.slice(data.range))
        let outcome = try message.withUnsafeBufferPointer { bytes throws(MarketDataFault) in
            try connections[slot].decoder!.decode(bytes, into: &events)
        }
        return outcome
    }

    func bookEventRefused(_ id: InstrumentID) {
        for index in connections.indices { connections[index].decoder?.resendWholeBook(id) }
    }

    /// Decodes a JSON string's escapes into `message`.
    private func unescape(_ text: UnsafeBufferPointer<UInt8>) throws(MarketDataFault) {
        message.removeAll(keepingCapacity: true)
        var index = 0
        while index < text.count {
            let byte = text[index]
            guard byte == UInt8(ascii: "\\") else { message.append(byte); index += 1; continue }
            guard index + 1 < text.count else { throw MarketDataFault(.malformedJSON, "a string ends inside an escape") }
            let escaped = text[index + 1]
            index += 2
            switch escaped {
            case UInt8(ascii: "n"): message.append(0x0A)
            case UInt8(ascii: "t"): message.append(0x09)
            case UInt8(ascii: "r"): message.append(0x0D)
            case UInt8(ascii: "b"): message.append(0x08)
            case UInt8(ascii: "f"): message.append(0x0C)
            case UInt8(ascii: "u"):
                guard index + 4 <= text.count, let scalarValue = UInt32(String(decoding: text.slice(index..<(index + 4)), as: UTF8.self), radix: 16),
                      let scalar = Unicode.Scalar(scalarValue) else {
                    throw MarketDataFault(.malformedJSON, "a bad \\u escape")
                }
                message.append(contentsOf: Array(String(Character(scalar)).utf8))
                index += 4
            default: message.append(escaped)   // \" \\ \/
            }
        }
    }
}
