import Foundation
import HedgeCore

/// One recorded file and how to read it.
public struct ReplaySource: Sendable, Hashable {
    /// The recording's format, and for Binance the venue whose rules apply.
    public enum Format: Sendable, Hashable {
        /// Binance combined streams, either recorder convention, plain or gzip; `venue` is
        /// "binance-usdm", "binance-coinm" or "binance-spot".
        case binance(venue: String)
        /// A Bybit v5 JSON-lines recording (linear and spot connections told apart by address).
        case bybit
        /// The CSV of quotes.
        case quoteCSV
    }

    public var path: String
    public var format: Format

    public init(path: String, format: Format) {
        self.path = path
        self.format = format
    }

    /// Tells the format and venue from the file name, as the recordings in shared/data are named:
    /// `usdm_*`, `cm_*`, `spot_*`, `*_BINANCE_DELIVERY.*`, `*_BINANCE_FUTURES.*`, `*BYBIT*.jsonl`, `*.csv`.
    public init(path: String) throws(ReplayError) {
        let name = (path as NSString).lastPathComponent
        let lower = name.lowercased()
        self.path = path
        if lower.hasSuffix(".csv") || lower.hasSuffix(".csv.gz") { format = .quoteCSV }
        else if lower.contains("bybit") || lower.hasSuffix(".jsonl") || lower.hasSuffix(".jsonl.gz") { format = .bybit }
        else if lower.hasPrefix("usdm") || lower.contains("binance_futures") { format = .binance(venue: "binance-usdm") }
        else if lower.hasPrefix("cm_") || lower.hasPrefix("coinm") || lower.contains("binance_delivery") { format = .binance(venue: "binance-coinm") }
        else if lower.hasPrefix("spot") || lower.contains("_binance.") { format = .binance(venue: "binance-spot") }
        else {
            throw ReplayError(file: name, line: 0, fault: MarketDataFault(.unreadableFile,
                "cannot tell the format and venue from the name; pass ReplaySource(path:format:), e.g. .binance(venue: \"binance-usdm\")"))
        }
    }

    /// The venue a Binance source replays, nil for Bybit and CSV (their rows name it).
    var binanceVenue: String? {
        if case .binance(let venue) = format { return venue }
        return nil
    }

    /// A cryptofeed REST-snapshot file (`*.http.*`): it seeds the books of its `*.ws.*` sibling.
    public var isSnapshotFile: Bool { (path as NSString).lastPathComponent.contains(".http.") }

    /// cryptofeed's `<prefix>.ws.N.M` → `<prefix>`, to pair it with `<prefix>.http.*`.
    var cryptofeedPrefix: String? {
        let name = (path as NSString).lastPathComponent
        for marker in [".ws.", ".http."] { if let range = name.range(of: marker) { return String(name[..<range.lowerBound]) } }
        return nil
    }

    /// The `*.http.*` files next to a `*.ws.*` file.
    public func siblingSnapshotFiles() -> [String] {
        guard let prefix = cryptofeedPrefix, !isSnapshotFile else { return [] }
        let directory = (path as NSString).deletingLastPathComponent
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.isEmpty ? "." : directory)) ?? []
        return names.filter { $0.hasPrefix(prefix + ".http.") }.sorted().map { (directory as NSString).appendingPathComponent($0) }
    }
}
