import HedgeCore

/// Reads a Bybit JSON-lines recording: `{"t": "header"|"connect"|"send"|"recv"|"http", "conn",
/// "ts", "data": "<raw message as a JSON string>"}`. Only "recv" lines carry market data; each
/// connection's "connect" line says (by its address) whether it is the linear or spot stream.
final class BybitRecording: RecordingReader {
    let lines: RecordingLines
    let notes: [String] = []
    private let selected: [String: [String]]
    /// A decoder per connection name ("BYBIT.ws.2"), made at its "connect" line.
    private var connections: [(name: [UInt8], decoder: BybitStreamDecoder?)] = []
    /// The unescaped inner message, reused from line to line.
    private var message: [UInt8] = []

    /// - Parameter selected: symbols per venue ("bybit-linear": ["BTCUSDT"]).
    init(path: String, selected: [String: [String]]) throws(MarketDataFault) {
        lines = try RecordingLines(path: path)
        self.selected = selected
        message.reserveCapacity(1 << 16)
    }

    func readLine(into events: inout [MarketEvent]) throws(MarketDataFault) -> DecodeOutcome? {
        guard let line = try lines.nextLine() else { return nil }
        if line.isEmpty { return .ignored }
        var cursor = JSONCursor(line)
        try cursor.beginObject()
        var type: Range<Int>?, connection: Range<Int>?, data: JSONCursor.Value?, address: Range<Int>?
        while let key = try cursor.nextKey() {
            let value = try cursor.readValue()
            if cursor.matches(key, "t") { type = value.range }
            else if cursor.matches(key, "conn") { connection = value.range }
            else if cursor.matches(key, "data") { data = value }
            else if cursor.matches(key, "addr") { address = value.range }
        }
        guard let type else { throw MarketDataFault(.malformedJSON, "a recording line without \"t\"") }
        if cursor.matches(type, "connect"), let connection, let address {
            let url = cursor.text(address)
            let venue = url.hasSuffix("/linear") ? "bybit-linear" : url.hasSuffix("/spot") ? "bybit-spot" : nil
            let decoder = venue.flatMap { venue in selected[venue].map { BybitStreamDecoder(venue: venue, symbols: $0) } }
            connections.append((Array(cursor.slice(connection)), decoder))
            return .ignored
        }
        guard cursor.matches(type, "recv") else { return .ignored }
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
