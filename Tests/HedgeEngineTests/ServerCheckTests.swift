import Foundation
import Testing
@testable import HedgeEngine

#if canImport(Glibc)
import Glibc
#endif

/// A client checks whom it is talking to before it sends a byte: the socket's directory must
/// belong to the expected uid and be closed to others' writes, and the server (SO_PEERCRED) must
/// run as that directory's owner. Needs root to give a directory to another uid.
@Suite("A client checks the server before talking", .serialized,
       .enabled(if: getuid() == 0, "needs root to give a directory to another uid"))
struct ServerCheckTests {
    typealias Scratch = SocketPathTests.Scratch

    /// A socket anyone can connect to, as a forger would offer it; nothing ever answers.
    final class Listener {
        let fd: Int32
        init(_ path: String) throws {
            fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            var address = try SocketAddress.unix(path)
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            // chmod, not umask: umask is process-wide and other suites bind at the same time.
            try #require(bound == 0 && chmod(path, 0o777) == 0 && listen(fd, 8) == 0)
        }
        deinit { close(fd) }

        /// The bytes each waiting connection sent before it closed; nil when nobody connected.
        func received() -> [UInt8]? {
            let connection = accept(fd, nil, nil)
            guard connection >= 0 else { return nil }
            defer { close(connection) }
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

    static let nobody: uid_t = 65534

    @Test("a socket in a directory of another uid is refused before connecting, naming the path and the owner")
    func squattedDirectoryRefused() throws {
        let scratch = try Scratch()
        let directory = scratch.path("hedgetop-\(Self.nobody)")
        try #require(mkdir(directory, 0o755) == 0 && chmod(directory, 0o755) == 0 && chown(directory, Self.nobody, 65534) == 0)
        let forger = try Listener(directory + "/main.sock")
        let error = try #require(throws: SocketError.self) { try UnixSocket.connect(path: directory + "/main.sock", expecting: .uid(getuid())) }
        #expect(error.description.contains("not connecting to \(directory)/main.sock: its directory \(directory) belongs to uid 65534"), "\(error)")
        #expect(forger.received() == nil, "the client connected to a directory it had refused")
    }

    @Test("a server whose uid is not its directory's owner is refused having received nothing")
    func impostorHearsNothing() throws {
        let scratch = try Scratch()
        let directory = scratch.path("theirs")
        try #require(mkdir(directory, 0o700) == 0 && chmod(directory, 0o700) == 0 && chown(directory, Self.nobody, 65534) == 0)
        let forger = try Listener(directory + "/main.sock")
        let hello = WireHello(readOnly: true, framesPerSecond: 1, client: "test")
        let error = try #require(throws: SocketError.self) { try ControlClient.handshake(path: directory + "/main.sock", hello: hello) }
        #expect(error.description.contains("not talking to the server on \(directory)/main.sock: it runs as uid 0"), "\(error)")
        #expect(error.description.contains("belongs to uid 65534"))
        #expect(forger.received() == [], "the impostor heard something")
    }

    @Test("a socket in a directory others can write to is refused", arguments: [0o777, 0o1777, 0o720])
    func writableDirectoryRefused(mode: Int) throws {
        let scratch = try Scratch()
        let directory = scratch.path("open")
        try #require(mkdir(directory, 0o700) == 0 && chmod(directory, mode_t(mode)) == 0)
        let listener = try Listener(directory + "/main.sock")
        let error = try #require(throws: SocketError.self) { try UnixSocket.connect(path: directory + "/main.sock", expecting: .directoryOwner) }
        #expect(error.description.contains("has mode \(String(mode, radix: 8)), so other users could have put a server there"), "\(error)")
        #expect(listener.received() == nil)
    }

    @Test("our own server in our own private directory is reached, with the kernel's word for its uid")
    func ownServerReached() throws {
        let scratch = try Scratch()
        let listener = try Listener(scratch.path("main.sock"))
        let socket = try UnixSocket.connect(path: scratch.path("main.sock"), expecting: .uid(getuid()))
        #expect(try socket.peerCredentials().uid == getuid())
        socket.shutdown()
        #expect(listener.received() == [])
    }
}
