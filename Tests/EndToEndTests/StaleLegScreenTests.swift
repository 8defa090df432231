import Foundation
import Testing

/// A leg whose feed freezes (the fault plan's stale fault) is shown stale on the screen, in a
/// real terminal: on the header, the legs and strategies rows, and the state panel says why
/// nothing opens.
@Suite("Stale leg on the screen in tmux", .serialized)
struct StaleLegScreenTests {
    @Test("the near leg's data stops 3 s in: header, legs row, strategies row and state panel say stale")
    func frozenLegIsMarkedStale() throws {
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("hedgetop-stale-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).toml")
        try """
        [venues.sim]
        stale_after = "2s"

        [[venues.sim.faults]]
        kind = "stale"
        instrument = "sim:near"
        from = "3s"
        until = "10m"
        """.write(to: config, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: config) }
        let session = try TmuxSession(width: 120, height: 40, environment: ["LANG": "C.UTF-8", "TERM": "xterm-256color"],
                                      arguments: "run --config \(config.path)")
        let screen = try session.waitForScreen(seconds: 30) { $0.contains("no entry/adjust") }
        let lines = screen.split(separator: "\n").map(String.init)
        let header = lines.first ?? ""
        #expect(header.contains("sim") && header.contains("stale"), "header: \(header)")
        // The calendar demo trades far (A) against near (B): B is the frozen leg.
        let strategyRow = try #require(TmuxSession.strategyRow("btc-calendar", in: screen), "\(screen)")
        #expect(strategyRow.contains("stale B"), "\(strategyRow)")
        let legRow = try #require(lines.first { $0.contains("│B ") && $0.contains("BTCUSDT_") }, "\(screen)")
        #expect(legRow.contains("stale "), "\(legRow)")
        let otherLeg = try #require(lines.first { $0.contains("│A ") && $0.contains("BTCUSDT_") }, "\(screen)")
        #expect(!otherLeg.contains("stale"), "\(otherLeg)")
        #expect(screen.contains("leg B stale") && screen.contains("no entry/adjust"))
        try session.send("q")
        if (try? session.waitForScreen(seconds: 2) { $0.contains("Quit?") }) != nil { try session.send("y") }
        #expect(try session.waitForExit().status == 0)
    }
}
