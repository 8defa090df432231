import ArgumentParser
import Foundation
import HedgeCore
import HedgeEngine

extension Hedgetop {
    /// Past cycles and their PnL, from the journal.
    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print past cycles and their PnL from the journal.")

        @Option(help: "The journal file (default: $XDG_STATE_HOME/hedgetop/journal.sqlite).")
        var journal: String?

        @Option(help: "The journal of the server `hedgetop serve --name NAME` (journal-NAME.sqlite beside the default; main's is the default).")
        var name: String?

        @Option(help: "A configuration file: its journal.path is read (--journal wins).")
        var config: String?

        @Flag(help: "Print JSON instead of a table (times as ISO-8601 UTC, e.g. 2021-04-17T16:38:01.329Z).")
        var json = false

        func validate() throws {
            if name != nil && journal != nil { throw ValidationError("--name and --journal both name a journal; pass one") }
            if let name, name.isEmpty || name.contains("/") { throw ValidationError("--name must be a plain name, got '\(name)'") }
        }

        func run() async throws {
            var configured: String?
            if let config {
                let file = HedgetopConfig.load(path: config)
                do { try file.validated() } catch {
                    printConfigErrors(error)
                    throw ExitCode.failure
                }
                configured = file.journalPath
            }
            let path = journal ?? name.map { defaultJournalPath(name: $0) } ?? configured ?? defaultJournalPath()
            // Never a silently empty history: a missing file is an error, not a new journal.
            guard FileManager.default.fileExists(atPath: path) else {
                printError("hedgetop: no journal at \(path); pass --journal PATH")
                throw ExitCode.failure
            }
            let cycles: [Journal.CycleRow]
            do {
                cycles = try Journal(readingAt: path).cycles()
            } catch {
                printError("hedgetop: \(error)")
                throw ExitCode.failure
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(cycles.map(HistoryRecord.init)), as: UTF8.self))
                return
            }
            print(historyTable(cycles))
        }

        func historyTable(_ cycles: [Journal.CycleRow]) -> String {
            guard !cycles.isEmpty else { return "no cycles in the journal yet" }
            var lines = ["strategy            opened (UTC)              entry bps   closed (UTC)              exit bps       net USD  reason"]
            var total = FixedDecimal.zero
            for cycle in cycles {
                func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
                    let room = max(0, width - text.count)
                    return right ? String(repeating: " ", count: room) + text : text + String(repeating: " ", count: room)
                }
                let opened = cycle.openedAt.map { CivilTime($0).isoString(millisecond: false) } ?? "—"
                let closed = cycle.closedAt.map { CivilTime($0).isoString(millisecond: false) } ?? "open"
                lines.append(pad(cycle.strategy, 20) + pad(opened, 26)
                             + pad(cycle.entrySpreadBps?.formatted(places: 1) ?? "—", 9, right: true) + "   " + pad(closed, 26)
                             + pad(cycle.exitSpreadBps?.formatted(places: 1) ?? "—", 8, right: true)
                             + pad(cycle.netPnL?.formatted(places: 2, plusSign: true) ?? "—", 14, right: true) + "  " + (cycle.reason ?? ""))
                if let net = cycle.netPnL, let sum = try? total + net { total = sum }
            }
            lines.append("\(cycles.count) cycles, net \(total.formatted(places: 2, plusSign: true)) USD")
            return lines.joined(separator: "\n")
        }
    }
}
