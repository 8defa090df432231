import Foundation
import Testing

/// A screen attached to `hedgetop serve` keeps the charts' history when the server is killed and
/// started again: the restarted server sends the series it saved, not charts that start empty.
@Suite("serve restart keeps the charts", .serialized)
struct ServeAttachChartHistoryTests {
    /// Entry markers on the screen: the legend shows one of each; more are drawn on the chart.
    static func entryMarkers(_ screen: String) -> Int {
        screen.filter { $0 == "▼" || $0 == "▲" }.count
    }

    @Test("SIGKILL and restart: the attached screen's spread chart still shows the entry from before the restart")
    func chartsSurviveARestart() async throws {
        try await offPool {
            let server = try ServedHedgetop(name: "charts")
            try server.start()
            defer { server.stop() }
            _ = try server.waitForStrategy { $0.state == "MONITORING_SPREAD" && $0.legs.count == 2 }

            let session = try TmuxSession(width: 120, height: 40, environment: ServeAttachTests.terminal, arguments: "attach --socket \(server.socket)")
            _ = try session.waitForScreen { $0.contains("MONITORING_SPREAD") && $0.contains("long") }
            // The whole history on the chart, so the entry never scrolls out of the window.
            for _ in 0..<4 { try session.send("-") }
            let before = try session.waitForScreen { Self.entryMarkers($0) >= 3 }
            // At --speed 20 a data second is 50 ms: a second of wall time holds several saves.
            Thread.sleep(forTimeInterval: 1)

            #expect(server.stop(signal: SIGKILL) != 0)
            _ = try session.waitForScreen { $0.contains("reconnecting to charts") }
            try server.start()
            _ = try server.waitForStrategy { $0.state == "MONITORING_SPREAD" }

            // The new server's picture (its recovery in the event log): the spread was held
            // throughout, so no new entry was made; the marker on the chart is the saved one.
            let after = try session.waitForScreen { screen in
                !screen.contains("reconnecting") && screen.contains("recovered: both legs hedged")
            }
            #expect(Self.entryMarkers(after) >= 3, "before the restart:\n\(before)\nafter:\n\(after)")
            let log = try String(contentsOfFile: server.log, encoding: .utf8)
            #expect(!log.contains("chart history"), "log:\n\(log.suffix(2000))")
        }
    }
}
