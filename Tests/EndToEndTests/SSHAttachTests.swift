import Foundation
import Testing

/// What the README promises: start the strategies on a server, then watch and steer them from an
/// SSH session. A real sshd on 127.0.0.1, a real `ssh -t`, the screen read in tmux.
@Suite("attach over SSH", .serialized,
       .enabled(if: LocalSSHServer.available, "needs root, /usr/sbin/sshd and ssh (.ci/run installs openssh-server and openssh-client)"))
struct SSHAttachTests {
    @Test("attach run through ssh -t shows the live screen; a close typed there is acknowledged, done and journaled")
    func closeThroughSSH() async throws {
        try await offPool {
            let sshd = try LocalSSHServer()
            try sshd.start()
            defer { sshd.stop() }
            let server = try ServedHedgetop(name: "remote")
            try server.start()
            defer { server.stop() }
            try server.waitForStrategy { $0.state == "MONITORING_SPREAD" && $0.legs.count == 2 }

            // The remote command runs in sshd's environment, not ours: say everything it needs.
            let remote = ["env", "PATH=/usr/bin:/bin", "TERM=xterm-256color", "LANG=C.UTF-8", "XDG_RUNTIME_DIR=\(server.runtimeDirectory)",
                          "XDG_STATE_HOME=\(server.directory.path)/ssh-state", server.binary, "attach", "--socket", server.socket,
                          "--log-file", server.directory.path + "/attach-over-ssh.log"].joined(separator: " ")
            let session = try TmuxSession(width: 120, height: 40) { _ in sshd.command(running: remote) }
            let live: String
            do {
                live = try session.waitForScreen(seconds: 30) { $0.contains("held") && $0.contains("MONITORING_SPREAD") && $0.contains("long") }
            } catch {
                throw E2EError("\(error)\nsshd's log:\n\(sshd.log)")
            }
            #expect(live.contains("PAPER") && live.contains("BTCUSDT_"))
            #expect(sshd.log.contains("Accepted publickey for root from 127.0.0.1"))

            let flat = try server.closeThroughScreen(session, answer: "close accepted: closing both legs")
            #expect(flat.strategies.first?.paused == false)

            // q ends attach and with it the SSH session (its status is attach's); the server trades on.
            try session.send("q")
            #expect(try session.waitForExit(seconds: 15).status == 0)
            #expect(try server.status().strategies.first?.name == "held")
            #expect(server.stop() == 0)
        }
    }
}
