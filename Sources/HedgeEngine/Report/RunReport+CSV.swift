import Foundation
import HedgeCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why `--csv DIR` could not write its files, in words that say what to do.
public struct ReportCSVError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// `--csv DIR`: the fills, the cycles and the equity curves as CSV (RFC 4180: a header line,
/// CRLF line ends, fields with a comma, quote or line break quoted, quotes doubled), one row per
/// fill, cycle or point, every strategy's rows in one file with a strategy column. Money is
/// written exactly as in the JSON; times in nanoseconds since the epoch and in ISO 8601 UTC.
extension RunReport {
    public static let csvFileNames = ["fills.csv", "cycles.csv", "equity.csv"]

    /// The three files' contents, by name.
    public var csvFiles: [(name: String, text: String)] {
        var fills = [["strategy", "cycle", "time_ns", "time", "order_id", "leg", "instrument", "purpose", "side", "quantity",
                      "notional", "vwap", "levels", "fee", "fee_asset", "liquidity", "decision_price", "slippage_bps"]]
        var cycles = [["strategy", "cycle", "opened_ns", "opened", "closed_ns", "closed", "entry_spread_bps", "exit_spread_bps",
                       "hold_seconds", "legs_pnl_usd", "fees_usd", "funding_usd", "net_usd", "reason"]]
        var equity = [["strategy", "time_ns", "time", "net_usd"]]
        for strategy in strategies {
            for fill in strategy.fills {
                fills.append([strategy.name, fill.cycle.map(String.init) ?? "", "\(fill.time.nanoseconds)", "\(fill.time)", fill.orderID,
                              "\(fill.leg)", fill.instrument, fill.purpose, fill.side.rawValue, "\(fill.quantity)", "\(fill.notional)",
                              "\(fill.vwap)", "\(fill.levels)", "\(fill.fee)", fill.feeAsset, fill.liquidity.rawValue,
                              fill.decisionPrice.map { "\($0)" } ?? "", fill.slippageBps.map { "\($0)" } ?? ""])
            }
            for cycle in strategy.cycleResults {
                cycles.append([strategy.name, "\(cycle.number)", "\(cycle.openedAt.nanoseconds)", "\(cycle.openedAt)",
                               cycle.closedAt.map { "\($0.nanoseconds)" } ?? "", cycle.closedAt.map { "\($0)" } ?? "",
                               "\(cycle.entrySpreadBps)", cycle.exitSpreadBps.map { "\($0)" } ?? "", cycle.holdSeconds.map { "\($0)" } ?? "",
                               cycle.legsPnL.map { "\($0)" } ?? "", cycle.fees.map { "\($0)" } ?? "", cycle.funding.map { "\($0)" } ?? "",
                               cycle.net.map { "\($0)" } ?? "", cycle.reason ?? ""])
            }
            for point in strategy.equity {
                equity.append([strategy.name, "\(point.time.nanoseconds)", "\(point.time)", "\(point.net)"])
            }
        }
        return [("fills.csv", Self.csv(fills)), ("cycles.csv", Self.csv(cycles)), ("equity.csv", Self.csv(equity))]
    }

    /// Rows as RFC 4180 text.
    static func csv(_ rows: [[String]]) -> String {
        rows.map { row in
            row.map { field in
                guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
                return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            }.joined(separator: ",") + "\r\n"
        }.joined()
    }

    /// Writes the CSV files into `directory`, creating it (and its parents) when missing. A file
    /// is opened with O_NOFOLLOW: a symbolic link in its place is refused, never followed.
    public func writeCSV(to directory: String) throws(ReportCSVError) {
        try Self.prepareCSVDirectory(directory)
        try writeCSVFiles(to: directory)
    }

    /// Makes sure `directory` is a directory this process can write in, creating it when missing:
    /// called before a replay starts, so a bad `--csv` fails at once.
    public static func prepareCSVDirectory(_ directory: String) throws(ReportCSVError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw ReportCSVError(message: "--csv \(directory): not a directory; give a directory for fills.csv, cycles.csv and equity.csv") }
        } else {
            do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755]) }
            catch { throw ReportCSVError(message: "--csv \(directory): cannot create the directory (\(Self.reason(error))); give a directory you can write") }
        }
        guard access(directory, W_OK | X_OK) == 0 else {
            throw ReportCSVError(message: "--csv \(directory): cannot write in the directory (\(String(cString: strerror(errno)))); give a directory you can write")
        }
    }

    private func writeCSVFiles(to directory: String) throws(ReportCSVError) {
        for (name, text) in csvFiles {
            let path = (directory as NSString).appendingPathComponent(name)
            let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else {
                let code = errno
                let why = code == ELOOP ? "it is a symbolic link, which is never followed" : String(cString: strerror(code))
                throw ReportCSVError(message: "--csv \(directory): cannot write \(name): \(why); give a directory you can write")
            }
            defer { close(descriptor) }
            let bytes = Array(text.utf8)
            var written = 0
            while written < bytes.count {
                let result = bytes[written...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
                if result < 0 {
                    if errno == EINTR { continue }
                    throw ReportCSVError(message: "--csv \(directory): writing \(name) failed: \(String(cString: strerror(errno)))")
                }
                written += result
            }
        }
    }

    private static func reason(_ error: any Error) -> String {
        if let cocoa = error as? CocoaError, let underlying = cocoa.userInfo[NSUnderlyingErrorKey] as? NSError {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return "\(error.localizedDescription)"
    }
}
