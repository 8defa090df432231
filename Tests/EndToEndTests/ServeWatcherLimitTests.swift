import Foundation
import Testing

/// A crowd of connections neither starves the server of threads nor is turned away by the
/// kernel unseen: connections queue while the server is busy, and those beyond --max-watchers
/// are told why.
@Suite("serve bounds its watchers", .serialized)
struct ServeWatcherLimitTests {
    @Test("200 connections made while the server is stopped all queue: the listen backlog is not 16")
    func burstQueues() throws {
        let server = try ServedHedgetop(name: "burst")
        try server.start()
        defer { server.stop() }
        let pid = try #require(server.pid)
        kill(pid, SIGSTOP)
        var descriptors: [Int32] = []
        var queued = 0
        defer { for fd in descriptors { close(fd) } }
        for _ in 0..<200 {
            let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            descriptors.append(fd)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { buffer in
                for (index, byte) in server.socket.utf8.enumerated() { buffer[index] = byte }
            }
            let result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            if result == 0 { queued += 1 }
        }
        kill(pid, SIGCONT)
        #expect(queued == 200, "only \(queued) of 200 connections could queue")
        for fd in descriptors { close(fd) }
        descriptors = []
        // The server takes them all, refuses those beyond its seats, and still answers.
        #expect(try server.waitForStrategy { _ in true }.name == "burst")
    }

    // Issue 18 item 11: status and list are probes, not watchers, so a server whose watcher seats
    // are taken still answers them (before, status was refused here with "already has 1 watchers").
    @Test("with --max-watchers 1 and the seat taken, status still answers: a probe is not a watcher")
    func fullServerSaysSo() throws {
        let server = try ServedHedgetop(name: "single", extraArguments: ["--max-watchers", "1"])
        try server.start()
        defer { server.stop() }
        // A connection that has not said hello holds the one seat for up to 5 s.
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in server.socket.utf8.enumerated() { buffer[index] = byte }
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        try #require(connected == 0)
        Thread.sleep(forTimeInterval: 0.3)
        let status = try server.hedgetop(["status", "--socket", server.socket])
        #expect(status.status == 0, "stderr: \(status.error)")
        #expect(!status.error.contains("already has 1 watchers"), "stderr: \(status.error)")
        let list = try server.hedgetop(["list", "--socket", server.socket])
        #expect(list.output.contains("pid "), "\(list.output)")
        #expect(try !String(contentsOfFile: server.log, encoding: .utf8).contains("no seat left"))
    }
}
