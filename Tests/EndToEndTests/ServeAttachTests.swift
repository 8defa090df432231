import Foundation
import Testing

/// `hedgetop serve` with `attach`, `status` and `list` as separate programs, the screens in tmux:
/// what a trader sees who starts the strategies on a server and watches them from elsewhere.
@Suite("serve and attach as programs", .serialized)
struct ServeAttachTests {
    static let terminal = ["LANG": "C.UTF-8", "TERM": "xterm-256color"]

    @Test("attach shows the live screen and closes a spread; a read-only watcher is refused visibly; status and list see it")
    func attachSteersReadOnlyWatches() async throws {
        try await offPool {
            let server = try ServedHedgetop(name: "desk")
            try server.start()
            defer { server.stop() }
            let opened = try server.waitForStrategy { $0.state == "MONITORING_SPREAD" && $0.legs.count == 2 }
            #expect(opened.name == "desk" && opened.mode == "paper" && opened.pid == server.pid)
            #expect(opened.venues == ["sim": true])

            #expect(opened.version == 2)
            let legs = try #require(opened.strategies.first?.legs)
            #expect(Set(legs.map(\.side)) == ["buy", "sell"] && legs.allSatisfy { $0.venue == "sim" && !$0.quantity.hasPrefix("-") })

            let list = try server.hedgetop(["list"])
            #expect(list.status == 0)
            #expect(list.output.contains("desk\tpid \(server.pid ?? -1)\t\(server.socket)"), "list printed:\n\(list.output)")
            let listOne = try server.hedgetop(["list", "--socket", server.socket])
            #expect(listOne.status == 0 && listOne.output == "desk\tpid \(server.pid ?? -1)\t\(server.socket)\n", "list --socket printed:\n\(listOne.output)")

            // attach has no headless mode: without a terminal it says what to use instead.
            let headless = try server.hedgetop(["attach", "--socket", server.socket])
            #expect(headless.status == 1)
            #expect(headless.error == "hedgetop: attach needs a terminal (standard input and output); use `hedgetop status` for a one-shot summary\n",
                    "stderr: \(headless.error)")

            // No name, no `main`, one server running: status uses it and says so on stderr; the
            // text rounds for people (spread to 0.1 bps, money to the cent).
            let unnamed = try server.hedgetop(["status"])
            #expect(unnamed.status == 0 && unnamed.error.contains("no server called main; using desk, the only one running"), "stderr: \(unnamed.error)")
            let line = try #require(unnamed.output.split(separator: "\n").first { $0.contains("held:") }.map(String.init))
            #expect(line.range(of: #"spread [+-]?\d+\.\d bps, net PnL [+-]?[\d,]+\.\d\d USD"#, options: .regularExpression) != nil, "status printed: \(line)")

            let steering = try TmuxSession(width: 120, height: 40, environment: Self.terminal, arguments: "attach --socket \(server.socket)")
            let live = try steering.waitForScreen { $0.contains("held") && $0.contains("MONITORING_SPREAD") && $0.contains("long") }
            #expect(live.contains("PAPER") && live.contains("BTCUSDT_"))
            #expect(!live.contains("reconnecting"))

            // A second watcher, read-only: it sees the same strategy, and a command key is refused
            // on its status line; the engine never gets the command (the strategy is not paused).
            let watching = try TmuxSession(width: 120, height: 40, environment: Self.terminal,
                                           arguments: "attach --read-only --socket \(server.socket)")
            let readOnly = try watching.waitForScreen { $0.contains("held") && $0.contains("MONITORING_SPREAD") }
            #expect(readOnly.contains(" READ-ONLY ") && readOnly.contains("q detach  read-only: commands refused"), "screen:\n\(readOnly)")
            try watching.send("p")
            _ = try watching.waitForScreen { $0.contains("read-only: commands refused (this watcher attached with --read-only)") }
            try watching.send("c")
            let refused = try watching.waitForScreen { $0.contains("read-only: commands refused (") }
            #expect(!refused.contains("Close spread?"))
            #expect(try server.status().strategies.first?.paused == false)

            // Close from the steering watcher: the dialog names both legs, y sends it, the engine's
            // answer shows, and the strategy goes flat.
            let flat = try server.closeThroughScreen(steering, answer: "held: close accepted: closing both legs")
            #expect(["CLOSING_SPREAD", "COMPLETED"].contains(flat.strategies.first?.state ?? ""), "\(flat)")
            _ = try watching.waitForScreen { $0.contains("COMPLETED") }
            #expect(try server.journalRows("SELECT reason FROM cycles WHERE closed_at IS NOT NULL").first?.contains("manual close") == true)

            // Detaching leaves the server trading: q detaches at once with status 0.
            try steering.send("q")
            #expect(try steering.waitForExit().status == 0)
            #expect(try server.status().strategies.first?.name == "held")

            // The server stops cleanly (SIGTERM): it says goodbye, and the watcher says so.
            #expect(server.stop() == 0)
            let stopped = try watching.waitForScreen { $0.contains("server stopped, last data") }
            #expect(stopped.contains("sim ?") && !stopped.contains("sim ●"), "screen:\n\(stopped)")
            #expect(stopped.contains("server desk stopped; reconnecting when it starts again"), "screen:\n\(stopped)")
        }
    }

    @Test("SIGKILL while attached: attach shows reconnecting; a restart on the stale socket recovers the open spread and attach carries on")
    func restartAfterSigkill() async throws {
        try await offPool {
            let server = try ServedHedgetop(name: "desk")
            try server.start()
            defer { server.stop() }
            let before = try #require(try server.waitForStrategy { $0.state == "MONITORING_SPREAD" && $0.legs.count == 2 }.strategies.first)

            let session = try TmuxSession(width: 120, height: 40, environment: Self.terminal, arguments: "attach --socket \(server.socket)")
            _ = try session.waitForScreen { $0.contains("MONITORING_SPREAD") && $0.contains("long") }

            #expect(server.stop(signal: SIGKILL) != 0)
            #expect(FileManager.default.fileExists(atPath: server.socket), "SIGKILL leaves the socket file behind")
            let cut = try session.waitForScreen { $0.contains("reconnecting to desk") && $0.contains("reconnecting… last data") }
            #expect(cut.contains("sim ?") && !cut.contains("sim ●"), "screen:\n\(cut)")
            // Commands are refused at once while cut off: no dialog to answer first.
            try session.send("c")
            let refused = try session.waitForScreen { $0.contains("reconnecting: commands refused until the server is back") }
            #expect(!refused.contains("Close spread?"))
            let status = try server.hedgetop(["status", "--socket", server.socket])
            #expect(status.status != 0 && status.error.contains("no server is listening"), "stderr: \(status.error)")

            // The same journal, venue state and socket path: the stale socket is replaced and the
            // open spread comes back, the same cycle with the same legs.
            try server.start()
            let after = try #require(try server.waitForStrategy { $0.state == "MONITORING_SPREAD" }.strategies.first)
            #expect(after.legs == before.legs)
            #expect(after.completedCycles == 0)
            #expect(try server.journalRows("SELECT COUNT(*) FROM cycles WHERE opened_at IS NOT NULL AND closed_at IS NULL") == ["1"])
            let log = try String(contentsOfFile: server.log, encoding: .utf8)
            #expect(log.contains("recovery: rebuilt: leg A") && log.contains("cycle open"), "log:\n\(log.suffix(2000))")

            // attach reconnected by itself: the live screen again, the recovery in its event log,
            // and its commands reach the new engine.
            _ = try session.waitForScreen { screen in
                !screen.contains("reconnecting") && screen.contains("MONITORING_SPREAD") && screen.contains("recovered: both legs hedged")
            }
            // One line in the event log for the pause, naming the watcher that sent it.
            try session.send("p")
            let paused = try session.waitForScreen { $0.contains("held pause accepted") }
            #expect(paused.contains("managed (watcher "), "screen:\n\(paused)")
            #expect(try server.waitForStrategy { $0.paused }.strategies.first?.legs == before.legs)
            #expect(server.stop() == 0)
        }
    }

    @Test("a second serve under a name already served is refused and creates no journal, lock or venue state")
    func refusedStartCreatesNothing() async throws {
        try await offPool {
            let server = try ServedHedgetop(name: "twice")
            try server.start()
            defer { server.stop() }
            let other = server.directory.appendingPathComponent("other")
            try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
            let journal = other.appendingPathComponent("j2.sqlite").path
            let second = try server.hedgetop(["serve", "--name", "twice", "--socket", server.socket, "--scenario", "basis", "--journal", journal])
            #expect(second.status != 0)
            #expect(second.error.contains("already listening") && second.error.contains("not trading"), "stderr: \(second.error)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: other.path) == [])
            // The first server is untouched and still answers on its socket.
            #expect(try server.status().strategies.first?.name == "held")
        }
    }
}
