import Foundation
import Testing

/// Another user gets to the socket's directory first: with XDG_RUNTIME_DIR unset the fallback is
/// /tmp/hedgetop-UID, which anyone can create. `serve` refuses it, and `status`, `attach` and
/// `list` refuse to talk to whatever listens there, before sending a byte. The victim is nobody,
/// the squatter daemon: both are ordinary uids, and no real user's /tmp/hedgetop-UID is touched.
@Suite("a squatted socket directory", .serialized,
       .enabled(if: OtherUser.available && SquattedFallback.squatter != nil, "needs root, setpriv or runuser, and the users nobody and daemon"))
struct SocketSquattingTests {
    @Test("serve refuses /tmp/hedgetop-UID made first by another user (XDG_RUNTIME_DIR unset), naming it and its owner, and trades nothing")
    func squattedFallbackRefused() throws {
        let scene = try SquattedFallback()
        try scene.squat(mode: 0o777)
        let serve = try scene.asVictim(["serve", "--name", "main", "--speed", "20"], seconds: 30)
        #expect(serve.status == 1)
        #expect(serve.error.contains("the socket directory \(scene.fallback) belongs to \(scene.squatterName), not to you (uid \(scene.victim.uid) (nobody))"),
                "stderr: \(serve.error)")
        #expect(serve.error.contains("not trading") && !serve.output.contains("listening"), "stdout: \(serve.output)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: scene.fallback).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: scene.state + "/hedgetop/journal.sqlite"), "serve opened its journal before refusing")
    }

    @Test("status, attach and list by name refuse a server in a squatted /tmp/hedgetop-UID without connecting, naming the directory and its owner")
    func forgerByNameRefused() throws {
        let scene = try SquattedFallback()
        try scene.squat(mode: 0o755)
        let forger = try ForgedServer(scene.fallback + "/main.sock")
        let refusal = "its directory \(scene.fallback) belongs to \(scene.squatterName), not to uid \(scene.victim.uid) (nobody)"
        for arguments in [["status"], ["status", "main"], ["status", "--json", "main"], ["attach", "main"]] {
            let run = try scene.asVictim(arguments)
            #expect(run.status == 1, "\(arguments)")
            #expect((run.error + run.output).contains(refusal), "\(arguments): stderr \(run.error) stdout \(run.output)")
        }
        let list = try scene.asVictim(["list"])
        #expect(list.output.contains(refusal), "stdout: \(list.output)")
        #expect(forger.received() == nil, "a client connected to the forger")
    }

    @Test("with --socket, a server whose uid is not its directory's owner hears nothing and status says why")
    func impostorHearsNothing() throws {
        let scene = try SquattedFallback()
        let directory = scene.directory + "/run"
        try #require(mkdir(directory, 0o700) == 0 && chmod(directory, 0o700) == 0 && chown(directory, scene.victim.uid, scene.victim.gid) == 0)
        // Root can bind in anyone's directory: the directory says nobody, the kernel says root.
        let forger = try ForgedServer(directory + "/main.sock")
        let run = try scene.asVictim(["status", "--socket", directory + "/main.sock"])
        #expect(run.status == 1)
        #expect(run.error.contains("not talking to the server on \(directory)/main.sock: it runs as uid 0 (root), but its directory \(directory) belongs to uid \(scene.victim.uid) (nobody)"),
                "stderr: \(run.error)")
        #expect(forger.received() == [], "the impostor heard something")
    }
}

/// nobody's fallback socket directory, /tmp/hedgetop-65534, free at the start and removed at
/// the end, and a copy of the binary nobody can run.
final class SquattedFallback {
    /// daemon: the user who squats.
    static var squatter: (uid: uid_t, gid: gid_t)? {
        guard let entry = getpwnam("daemon") else { return nil }
        return (entry.pointee.pw_uid, entry.pointee.pw_gid)
    }

    let directory: String
    let binary: String
    let state: String
    let victim: (uid: uid_t, gid: gid_t)
    let fallback: String
    var squatterName: String { "uid \(Self.squatter!.uid) (daemon)" }

    init() throws {
        victim = try #require(OtherUser.ids)
        fallback = "/tmp/hedgetop-\(victim.uid)"
        try? FileManager.default.removeItem(atPath: fallback)
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("hedgetop-squat-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        binary = directory + "/hedgetop"
        state = directory + "/state"
        try ServedHedgetop.copyExecutable(try TmuxSession.hedgetopPath(), to: binary)
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        guard chown(state, victim.uid, victim.gid) == 0 else { throw E2EError("chown \(state): \(String(cString: strerror(errno)))") }
    }

    deinit {
        try? FileManager.default.removeItem(atPath: directory)
        try? FileManager.default.removeItem(atPath: fallback)
    }

    /// The squatter makes the victim's fallback directory first.
    func squat(mode: mode_t) throws {
        let squatter = try #require(Self.squatter)
        try #require(mkdir(fallback, 0o700) == 0 && chmod(fallback, 0o700) == 0)
        try #require(chmod(fallback, mode) == 0 && chown(fallback, squatter.uid, squatter.gid) == 0)
    }

    /// Runs hedgetop as nobody with XDG_RUNTIME_DIR unset: its sockets are under /tmp/hedgetop-UID.
    func asVictim(_ arguments: [String], seconds: Double = 20) throws -> CommandRun {
        var environment = ProcessInfo.processInfo.environment
        environment["XDG_RUNTIME_DIR"] = nil
        environment["XDG_STATE_HOME"] = state
        let command = try #require(OtherUser.prefix) + [binary] + arguments
        return try CommandRun(command[0], Array(command.dropFirst()), environment: environment, seconds: seconds)
    }
}

/// A socket anyone may connect to, run by root from the test: what a forger offers. It never
/// answers; it only says what it was sent.
final class ForgedServer {
    let fd: Int32

    init(_ path: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in path.utf8.enumerated() { buffer[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        // Open to everyone by chmod, not umask: umask is process-wide and other suites bind at the same time.
        guard bound == 0, chmod(path, 0o777) == 0, listen(fd, 8) == 0 else { throw E2EError("cannot listen on \(path): \(String(cString: strerror(errno)))") }
    }

    deinit { close(fd) }

    /// What the first connection sent before it closed; nil when nobody connected.
    func received() -> [UInt8]? {
        let connection = accept(fd, nil, nil)
        guard connection >= 0 else { return nil }
        defer { close(connection) }
        _ = fcntl(connection, F_SETFL, 0)
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        _ = setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var bytes: [UInt8] = [], buffer = [UInt8](repeating: 0, count: 512)
        while true {
            let got = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            guard got > 0 else { return bytes }
            bytes += buffer.prefix(got)
        }
    }
}
