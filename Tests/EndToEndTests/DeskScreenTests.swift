import Foundation
import Testing

/// Several strategies on one paper market, in a real terminal: the desk strip under the header
/// adds them up, and `s` / `o` sort and filter the strategies list.
@Suite("Desk strip and strategy sorting in tmux", .serialized)
struct DeskScreenTests {
    @Test("three strategies: the desk line totals them; s sorts the list by name, o shows only the open ones")
    func deskLineAndListKeys() throws {
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("hedgetop-desk-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).toml")
        try """
        [limits]
        max_open_spreads = 2

        [[strategies]]
        name = "zulu-calendar"
        kind = "calendar"
        legs = ["sim:far", "sim:near"]
        target_notional = 50000
        entry = "2z"
        exit = "0.5z"

        [[strategies]]
        name = "alpha-wide"
        kind = "calendar"
        legs = ["sim:far", "sim:near"]
        target_notional = 25000
        entry = "3z"
        exit = "1z"

        [[strategies]]
        name = "mike-narrow"
        kind = "calendar"
        legs = ["sim:far", "sim:near"]
        target_notional = 20000
        entry = "1.5z"
        exit = "0.5z"
        """.write(to: config, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: config) }
        let session = try TmuxSession(width: 120, height: 40, environment: ["LANG": "C.UTF-8", "TERM": "xterm-256color"],
                                      arguments: "run --config \(config.path)")
        // The desk strip is the second row: today's net, then open spreads against the limit of 2.
        let first = try session.waitForScreen(seconds: 30) { $0.contains("desk today net") && $0.contains("Strategies 1/3") }
        let deskRow = first.split(separator: "\n", omittingEmptySubsequences: false).dropFirst().first.map(String.init) ?? ""
        #expect(deskRow.contains("desk today net") && deskRow.contains("open ") && deskRow.contains("/2"), "\(deskRow)")

        func rows(_ screen: String) -> [String] {
            ["zulu-calendar", "alpha-wide", "mike-narrow"].compactMap { name in TmuxSession.strategyRow(name, in: screen).map { _ in name } }
                .sorted { screen.range(of: "│" + $0)!.lowerBound < screen.range(of: "│" + $1)!.lowerBound }
        }
        #expect(rows(first) == ["zulu-calendar", "alpha-wide", "mike-narrow"], "\(first)")

        // s: by PnL, by state, by name.
        try session.send("s")
        _ = try session.waitForScreen { $0.contains("· by PnL") }
        try session.send("s")
        _ = try session.waitForScreen { $0.contains("· by state") }
        try session.send("s")
        let byName = try session.waitForScreen { $0.contains("· by name") }
        #expect(rows(byName) == ["alpha-wide", "mike-narrow", "zulu-calendar"], "\(byName)")

        // o: only strategies with a spread open; the title says how many of the three.
        try session.send("o")
        let open = try session.waitForScreen { $0.contains("· open · by name") }
        #expect(open.contains("strategies: open only, "), "\(open)")
        #expect(open.contains(" of 3 · open") || open.contains("no strategy is open"), "\(open)")

        // Both keys are in the help.
        try session.send("?")
        _ = try session.waitForScreen { $0.contains("sorts by PnL") }
        try session.send("Escape")
        _ = try session.waitForScreen { !$0.contains("sorts by PnL") }

        try session.send("q")
        if (try? session.waitForScreen(seconds: 2) { $0.contains("Quit?") }) != nil { try session.send("y") }
        #expect(try session.waitForExit().status == 0)
    }
}
