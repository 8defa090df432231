import Foundation
import Logging
import Testing
@testable import HedgeEngine

#if canImport(Glibc)
import Glibc
#endif

/// A server never removes what it did not make: only a stale socket of this user, which nobody
/// answers, is replaced; a file, a symlink, a directory or a FIFO at the path is refused intact.
@Suite("Control socket path", .serialized)
struct SocketPathTests {
    /// A private directory (0700, as a server accepts for its socket) for one test, removed afterwards.
    final class Scratch {
        let directory: String
        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("hedgetop-path-\(UUID().uuidString.prefix(8))").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        deinit { try? FileManager.default.removeItem(atPath: directory) }
        func path(_ name: String) -> String { directory + "/" + name }
    }

    static func server(_ path: String) -> ControlServer {
        let (sender, _) = CommandSender.makeChannel()
        return ControlServer(path: path, name: "test", policy: PeerPolicy(), commands: sender,
                             logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
    }

    /// A socket file nobody listens on, as a killed server leaves it.
    static func staleSocket(at path: String) throws {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = try SocketAddress.unix(path)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        close(fd)
        try #require(bound == 0)
    }

    @Test("a regular file at the socket path is refused and keeps its contents")
    func regularFileKept() throws {
        let scratch = try Scratch()
        let path = scratch.path("precious.txt")
        try "precious\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(SocketPathOccupant.inspect(path) == .notASocket("a regular file"))
        let error = try #require(throws: SocketError.self) { try Self.server(path).start() }
        #expect(error.description == "\(path) is a regular file, not a socket; not replacing it (choose another --socket path)")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "precious\n")
    }

    @Test("a symlink at the socket path is refused and still points where it did")
    func symlinkKept() throws {
        let scratch = try Scratch()
        let target = scratch.path("target.txt"), path = scratch.path("link.sock")
        try "target\n".write(toFile: target, atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: target)
        #expect(SocketPathOccupant.inspect(path) == .notASocket("a symbolic link"))
        #expect(throws: SocketError.self) { try Self.server(path).start() }
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: path) == target)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "target\n")
    }

    @Test("a directory at the socket path is refused as a directory, not 'Address already in use'")
    func directoryKept() throws {
        let scratch = try Scratch()
        let path = scratch.path("dir")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        let error = try #require(throws: SocketError.self) { try Self.server(path).start() }
        #expect(error.description.contains("is a directory, not a socket"))
        var info = stat()
        #expect(lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR)
    }

    @Test("a FIFO at the socket path is refused and left in place")
    func fifoKept() throws {
        let scratch = try Scratch()
        let path = scratch.path("fifo")
        try #require(mkfifo(path, 0o600) == 0)
        #expect(SocketPathOccupant.inspect(path) == .notASocket("a FIFO"))
        #expect(throws: SocketError.self) { try ControlServer.checkPath(path) }
        #expect(throws: SocketError.self) { try Self.server(path).start() }
        var info = stat()
        #expect(lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFIFO)
    }

    @Test("a stale socket of ours (nobody answering) is replaced, and the new server answers")
    func staleSocketReplaced() throws {
        let scratch = try Scratch()
        let path = scratch.path("stale.sock")
        try Self.staleSocket(at: path)
        #expect(SocketPathOccupant.inspect(path) == .staleSocket)
        try ControlServer.checkPath(path)
        let server = Self.server(path)
        try server.start()
        defer { server.stop() }
        #expect(SocketPathOccupant.inspect(path) == .liveSocket)
    }

    @Test("a live server's socket is refused as in use, and that server keeps answering")
    func liveSocketRefused() throws {
        let scratch = try Scratch()
        let path = scratch.path("live.sock")
        let first = Self.server(path)
        try first.start()
        defer { first.stop() }
        let error = try #require(throws: SocketError.self) { try Self.server(path).start() }
        #expect(error.code == EADDRINUSE)
        #expect(SocketPathOccupant.inspect(path) == .liveSocket)
    }

    @Test("a socket of another user is never touched, even when nobody answers")
    func foreignSocketRefused() throws {
        let scratch = try Scratch()
        let path = scratch.path("theirs.sock")
        try Self.staleSocket(at: path)
        let someoneElse = getuid() &+ 1
        #expect(SocketPathOccupant.inspect(path, uid: someoneElse) == .foreignSocket(uid: getuid()))
        #expect(SocketPathOccupant.inspect(path, uid: someoneElse).refusal(path: path)?.description.contains("another user") == true)
    }

    @Test("nothing at the path: a server may listen there")
    func nothingThere() throws {
        let scratch = try Scratch()
        #expect(SocketPathOccupant.inspect(scratch.path("none.sock")) == .nothing)
        #expect(SocketPathOccupant.nothing.mayListen && SocketPathOccupant.staleSocket.mayListen)
        #expect(!SocketPathOccupant.liveSocket.mayListen)
    }
}
