import Foundation
import Testing

/// Another uid never uses someone's server: the socket's modes stop an ordinary user, and where
/// the kernel lets a different uid through anyway (root, or modes opened by mistake), the peer
/// credentials (SO_PEERCRED) do. Needs root, to run one side as nobody.
@Suite("serve refuses another uid", .serialized,
       .enabled(if: OtherUser.available, "needs root and setpriv or runuser, to run one side as nobody"))
struct ServeOtherUserTests {
    @Test("root gets through nobody's 0700/0600 socket, but the server refuses uid 0 with a clear message")
    func rootRefusedByPeerCredentials() async throws {
        try await offPool {
            let nobody = try #require(OtherUser.ids), runAs = try #require(OtherUser.prefix)
            let server = try ServedHedgetop(name: "theirs", owner: nobody, runAs: runAs)
            try server.start()
            defer { server.stop() }
            var info = stat()
            #expect(stat(server.socket, &info) == 0 && info.st_uid == nobody.uid && info.st_mode & 0o777 == 0o600)
            #expect(stat(server.runtimeDirectory + "/hedgetop", &info) == 0 && info.st_mode & 0o777 == 0o700)

            let refusal = "refused by the server: uid 0 may not use this server (owner uid \(nobody.uid))"
            // The server answers before it reads the hello and closes, so the client's hello often
            // fails to send: the refusal must show every time all the same.
            for _ in 0..<5 {
                let status = try server.hedgetop(["status", "--socket", server.socket])
                #expect(status.status != 0)
                #expect(status.error.contains(refusal), "stderr: \(status.error)")
            }
            // attach is refused the same way, at once: it does not retry a refusal.
            let attach = try server.hedgetop(["attach", "--socket", server.socket])
            #expect(attach.status != 0)
            #expect(attach.error.contains(refusal), "stderr: \(attach.error)")
            #expect(try String(contentsOfFile: server.log, encoding: .utf8).contains("connection refused"))

            // Its owner is still served.
            let own = try server.hedgetop(["status", "--json", "--socket", server.socket], runAs: runAs)
            #expect(own.status == 0, "stderr: \(own.error)")
            #expect(own.output.contains("\"name\":\"theirs\""))
            #expect(server.stop() == 0)
        }
    }

    @Test("nobody cannot reach root's socket (permission denied); with the modes opened, SO_PEERCRED refuses them")
    func otherUserRefused() async throws {
        try await offPool {
            let nobody = try #require(OtherUser.ids), runAs = try #require(OtherUser.prefix)
            let server = try ServedHedgetop(name: "mine", sharedBinary: true)
            try server.start()
            defer { server.stop() }

            let denied = try server.hedgetop(["status", "--socket", server.socket], runAs: runAs)
            #expect(denied.status != 0)
            #expect(denied.error.contains("Permission denied: the socket belongs to another user"), "stderr: \(denied.error)")

            for (path, mode) in [(server.runtimeDirectory, 0o755), (server.runtimeDirectory + "/hedgetop", 0o755), (server.socket, 0o666)] {
                #expect(chmod(path, mode_t(mode)) == 0)
            }
            for _ in 0..<5 {
                let refused = try server.hedgetop(["status", "--socket", server.socket], runAs: runAs)
                #expect(refused.status != 0)
                #expect(refused.error.contains("refused by the server: uid \(nobody.uid) may not use this server (owner uid 0)"), "stderr: \(refused.error)")
            }
            #expect(try server.status().name == "mine")
        }
    }

    @Test("a member of --allow-group passes the client's checks of a 2710 directory it cannot read, and watches read-only")
    func allowedGroupWatches() async throws {
        try await offPool {
            let nobody = try #require(OtherUser.ids), runAs = try #require(OtherUser.prefix)
            let server = try ServedHedgetop(name: "shared", sharedBinary: true, extraArguments: ["--allow-group", "\(nobody.gid)"])
            // The group member must pass through the runtime directory to reach the socket's.
            try #require(chmod(server.runtimeDirectory, 0o711) == 0)
            try server.start()
            defer { server.stop() }
            var info = stat()
            #expect(stat(server.runtimeDirectory + "/hedgetop", &info) == 0 && info.st_mode & 0o7777 == 0o2710 && info.st_gid == nobody.gid)
            #expect(stat(server.socket, &info) == 0 && info.st_mode & 0o777 == 0o660 && info.st_gid == nobody.gid)
            let watched = try server.hedgetop(["status", "--json", "--socket", server.socket], runAs: runAs)
            #expect(watched.status == 0, "stderr: \(watched.error)")
            #expect(watched.output.contains("\"name\":\"shared\""), "stdout: \(watched.output)")
        }
    }
}
