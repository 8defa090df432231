import Foundation
import HedgeCore
import HedgeVenues
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// `hedgetop record`: writes what a connector receives as the files `hedgetop replay` reads.
/// Binance: one gzip file per symbol (its bookTicker, depth, trade and mark-price streams) per
/// UTC day, `usdm_btcusdt_20261202.gz` (`cm_`, `spot_`), each line `<receipt ns> <raw message>`,
/// the REST depth snapshot as a line of its own (no "stream" key) when the book starts and after
/// every resync, and a `{"hedgetop":"reconnect",...}` marker at each reconnect, which replay
/// reads past. The lines are exactly what the live decoder was fed, in that order, so a replay
/// of the file builds the same books.
public final class Recorder: LiveSink {
    private struct State {
        var files: [String: GzipLineFile] = [:]
        /// Bybit: the current connection's envelope name and address, repeated at the top of a new day's file.
        var bybitConnection: (name: String, url: String)?
        var lastFlush = Timestamp.zero
        var failure: String?
        /// Lines written per file name, over the whole run (closed files too).
        var written: [String: Int] = [:]
        var healths: [String: FeedHealth] = [:]
    }

    public let directory: String
    private let symbols: [String]
    private let state = Mutex(State())
    private let report: @Sendable (String) -> Void

    /// - Parameter report: where messages for the user go (standard error).
    public init(directory: String, symbols: [String], report: @escaping @Sendable (String) -> Void) throws(LiveFailure) {
        self.directory = directory
        self.symbols = symbols.map { $0.uppercased() }
        self.report = report
        try Self.prepare(directory)
    }

    /// Creates the directory owner-only (0700) when missing; refuses a symlink or another user's.
    static func prepare(_ directory: String) throws(LiveFailure) {
        var status = stat()
        if lstat(directory, &status) != 0 {
            guard mkdir(directory, 0o700) == 0 else {
                throw LiveFailure("cannot create \(directory): \(String(cString: strerror(errno)))")
            }
            return
        }
        guard status.st_mode & S_IFMT == S_IFDIR else { throw LiveFailure("\(directory) is not a directory (a symlink is refused)") }
        guard status.st_uid == getuid() else { throw LiveFailure("\(directory) belongs to another user: refused") }
    }

    /// The file name of a symbol's streams on a UTC day.
    public static func fileName(venue: LiveVenueKind, symbol: String, day: Timestamp) -> String {
        let civil = CivilTime(day).isoString(millisecond: false)
        let date = civil.prefix(10).replacingOccurrences(of: "-", with: "")
        return "\(venue.recordingPrefix)_\(symbol.lowercased())_\(date).gz"
    }

    public func record(_ line: RecordedLine, venue: LiveVenueKind) {
        if !venue.isBinance {
            recordBybit(line, venue: venue)
            return
        }
        let targets: [String]
        switch line.kind {
        case .snapshot(let symbol): targets = [symbol]
        case .marker: targets = symbols
        case .connected: return
        case .message:
            guard let symbol = BinanceConnector.streamSymbol(line.body), symbols.contains(symbol) else { return }
            targets = [symbol]
        }
        state.withLock { state in
            guard state.failure == nil else { return }
            do throws(LiveFailure) {
                for symbol in targets {
                    let name = Self.fileName(venue: venue, symbol: symbol, day: line.receivedAt)
                    let file: GzipLineFile
                    if let open = state.files[name] { file = open } else {
                        // A new UTC day: the previous day's file of this symbol is finished.
                        let prefix = "\(venue.recordingPrefix)_\(symbol.lowercased())_"
                        for (other, old) in state.files where other.hasPrefix(prefix) {
                            old.close()
                            state.files[other] = nil
                        }
                        file = try GzipLineFile(path: (directory as NSString).appendingPathComponent(name))
                        state.files[name] = file
                        report("hedgetop: recording \(symbol) to \(file.path)")
                    }
                    try file.write(line)
                    state.written[name, default: 0] += 1
                }
            } catch {
                state.failure = error.message
                report("hedgetop: \(error.message); recording stopped")
            }
            if line.receivedAt - state.lastFlush > .seconds(1) {
                for file in state.files.values { file.flush() }
                state.lastFlush = line.receivedAt
            }
        }
    }

    /// Bybit: one JSON-lines file per venue per UTC day (`bybit_linear_20261202.jsonl.gz`), in
    /// the envelope replay reads: a `connect` line with the address (linear or spot), then a
    /// `recv` line per message, the raw message as a JSON string.
    private func recordBybit(_ line: RecordedLine, venue: LiveVenueKind) {
        let seconds = Double(line.receivedAt.nanoseconds) / 1e9
        state.withLock { state in
            guard state.failure == nil else { return }
            let envelope: String
            switch line.kind {
            case .connected(let url, let connection):
                state.bybitConnection = ("hedgetop.ws.\(connection)", url)
                envelope = Self.connectLine(name: "hedgetop.ws.\(connection)", url: url, seconds: seconds)
            case .message:
                guard let connection = state.bybitConnection else { return }
                envelope = #"{"t":"recv","conn":"\#(connection.name)","ts":\#(seconds),"data":\#(Self.jsonString(line.body))}"#
            case .marker, .snapshot:
                return
            }
            do throws(LiveFailure) {
                let name = Self.bybitFileName(venue: venue, day: line.receivedAt)
                let file: GzipLineFile
                if let open = state.files[name] { file = open } else {
                    for old in state.files.values { old.close() }
                    state.files = [:]
                    file = try GzipLineFile(path: (directory as NSString).appendingPathComponent(name))
                    state.files[name] = file
                    report("hedgetop: recording \(venue.rawValue) to \(file.path)")
                    if case .message = line.kind, let connection = state.bybitConnection {
                        try file.writeRaw(Self.connectLine(name: connection.name, url: connection.url, seconds: seconds))
                    }
                }
                try file.writeRaw(envelope)
                state.written[name, default: 0] += 1
            } catch {
                state.failure = error.message
                report("hedgetop: \(error.message); recording stopped")
            }
            if line.receivedAt - state.lastFlush > .seconds(1) {
                for file in state.files.values { file.flush() }
                state.lastFlush = line.receivedAt
            }
        }
    }

    static func connectLine(name: String, url: String, seconds: Double) -> String {
        #"{"t":"connect","conn":"\#(name)","ts":\#(seconds),"addr":\#(jsonString(Array(url.utf8)))}"#
    }

    public static func bybitFileName(venue: LiveVenueKind, day: Timestamp) -> String {
        let date = CivilTime(day).isoString(millisecond: false).prefix(10).replacingOccurrences(of: "-", with: "")
        return "\(venue.recordingPrefix)_\(date).jsonl.gz"
    }

    /// Bytes as a JSON string literal.
    static func jsonString(_ bytes: [UInt8]) -> String {
        var out = "\""
        for scalar in String(decoding: bytes, as: UTF8.self).unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }

    public func deliver(_ events: [MarketEvent], receivedAt: Timestamp) {}

    public func log(_ level: ConnectorLogLevel, _ message: String, venue: LiveVenueKind) {
        report("hedgetop: \(message)")
    }

    public func health(_ health: FeedHealth) {
        state.withLock { $0.healths[health.venue] = health }
    }

    /// Lines written per file name so far.
    public var counts: [String: Int] {
        state.withLock { $0.written }
    }

    /// Why recording stopped, if it did.
    public var failure: String? { state.withLock { $0.failure } }

    /// Finishes every file (the gzip trailers are written).
    public func close() {
        state.withLock { state in
            for file in state.files.values { file.close() }
            state.files = [:]
        }
    }
}
