import Foundation
import Testing

/// Stopping with `--on-exit keep` leaves spreads open on purpose: the trader is told which, leg by
/// leg, on standard error and in the log.
@Suite("on-exit keep names what stays open", .serialized)
struct ServeKeepOnExitTests {
    @Test("SIGTERM on a served desk with an open spread prints and logs each kept leg, as status showed it")
    func servedKeepNamesLegs() async throws {
        try await offPool {
            let server = try ServedHedgetop(name: "keeper")
            try server.start()
            defer { server.stop() }
            let opened = try server.waitForStrategy { $0.legs.count == 2 && $0.state == "MONITORING_SPREAD" && $0.openOrders == 0 }
            let legs = try #require(opened.strategies.first?.legs)
            #expect(server.stop() == 0)

            let described = zip(["A", "B"], legs).map { leg, position in
                "leg \(leg) \(position.venue):\(position.symbol) \(position.side == "sell" ? "short" : "long") \(position.quantity)"
            }
            let line = "keeping held open: \(described.joined(separator: ", ")); the next start recovers it"
            let stderr = try String(contentsOfFile: server.standardError, encoding: .utf8)
            #expect(stderr.contains("hedgetop: " + line + "\n"), "stderr:\n\(stderr)\nexpected: \(line)")
            let log = try String(contentsOfFile: server.log, encoding: .utf8)
            #expect(log.contains(line), "log:\n\(log)")
        }
    }

    @Test("run --headless ending with keep prints each kept leg of the open spread")
    func runKeepNamesLegs() throws {
        let run = try HedgetopProcess.run(["run", "--headless", "--duration", "5", "--speed", "20", "--config", "$DIR/held.toml",
                                           "--journal", "$DIR/j.sqlite", "--log-file", "$DIR/run.log"],
                                          files: ["held.toml": ServedHedgetop.heldSpread])
        #expect(run.status == 0, "stderr: \(run.error)")
        let pattern = #"hedgetop: keeping held open: leg A sim:BTCUSDT_\d{6} (long|short) [0-9.]+, leg B sim:BTCUSDT_\d{6} (long|short) [0-9.]+; the next start recovers it\n"#
        #expect(run.error.range(of: pattern, options: .regularExpression) != nil, "stderr:\n\(run.error)")
    }
}
