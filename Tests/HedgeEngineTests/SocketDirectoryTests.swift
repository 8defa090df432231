import Foundation
import Logging
import Synchronization
import Testing
@testable import HedgeEngine

#if canImport(Glibc)
import Glibc
#endif

/// The socket's directory decides who could have put a socket there: a server uses only a
/// directory of its own user that nobody else can write to, sets its mode through a descriptor
/// and binds inside it, so no `chmod`/`chown` ever follows a path another user could redirect.
/// Needs root where another uid owns something (chown).
@Suite("Control socket directory", .serialized)
struct SocketDirectoryTests {
    typealias Scratch = SocketPathTests.Scratch

    static let other: (uid: uid_t, gid: gid_t) = (65534, 65534)

    static func server(_ path: String, group: UInt32? = nil) -> ControlServer {
        let (sender, _) = CommandSender.makeChannel()
        return ControlServer(path: path, name: "test", policy: PeerPolicy(allowedGroup: group), commands: sender,
                             logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
    }

    static func info(_ path: String) -> stat? {
        var info = stat()
        return lstat(path, &info) == 0 ? info : nil
    }

    @Test("a socket directory of another user is refused, naming it and its owner, and left as it was",
          .enabled(if: getuid() == 0, "needs root to give a directory to another uid"))
    func otherUsersDirectoryRefused() throws {
        let scratch = try Scratch()
        let directory = scratch.path("run")
        try #require(mkdir(directory, 0o700) == 0 && chmod(directory, 0o700) == 0 && chown(directory, Self.other.uid, Self.other.gid) == 0)
        let error = try #require(throws: SocketError.self) { try Self.server(directory + "/x.sock").start() }
        #expect(error.description.contains("the socket directory \(directory) belongs to uid 65534"), "\(error)")
        #expect(throws: SocketError.self) { try ControlServer.checkPath(directory + "/x.sock") }
        #expect(Self.info(directory + "/x.sock") == nil)
        #expect(Self.info(directory)?.st_uid == Self.other.uid && Self.info(directory).map { $0.st_mode & 0o7777 } == 0o700)
    }

    @Test("a socket directory open to other users is refused and left as it was", arguments: [0o777, 0o755, 0o1777, 0o730])
    func openDirectoryRefused(mode: Int) throws {
        let scratch = try Scratch()
        let directory = scratch.path("run")
        try #require(mkdir(directory, 0o700) == 0 && chmod(directory, mode_t(mode)) == 0)
        let error = try #require(throws: SocketError.self) { try Self.server(directory + "/x.sock").start() }
        #expect(error.description.contains("has mode \(String(mode, radix: 8)), open to other users"), "\(error)")
        #expect(Self.info(directory + "/x.sock") == nil)
        #expect(Self.info(directory).map { Int($0.st_mode & 0o7777) } == mode)
    }

    @Test("a symlink in place of the socket directory is never followed")
    func symlinkedDirectoryRefused() throws {
        let scratch = try Scratch()
        let real = scratch.path("real"), link = scratch.path("run")
        try #require(mkdir(real, 0o700) == 0 && chmod(real, 0o700) == 0 && symlink(real, link) == 0)
        let error = try #require(throws: SocketError.self) { try Self.server(link + "/x.sock").start() }
        #expect(error.description.contains("the socket directory \(link) is a symbolic link, not a directory"), "\(error)")
        #expect(Self.info(real + "/x.sock") == nil)
    }

    @Test("with an allowed group the directory is 2710 and the socket 0660, both of that group, from the moment they exist",
          .enabled(if: getuid() == 0, "needs root to hand a directory to a group it is not in"))
    func groupModes() throws {
        let scratch = try Scratch()
        let path = scratch.path("run") + "/x.sock"
        let server = Self.server(path, group: UInt32(Self.other.gid))
        try server.start()
        defer { server.stop() }
        let directory = try #require(Self.info(scratch.path("run"))), socket = try #require(Self.info(path))
        #expect(directory.st_mode & 0o7777 == 0o2710 && directory.st_gid == Self.other.gid)
        #expect(socket.st_mode & 0o7777 == 0o660 && socket.st_gid == Self.other.gid && socket.st_mode & S_IFMT == S_IFSOCK)
    }

    /// Watches `directory` and, the moment `name` appears in it, renames `decoy` over it: the
    /// attack of a user who can write the socket's directory.
    final class SocketSwapper: Sendable {
        let swaps = Mutex(0)
        let running = Mutex(true)

        init(directory: String, name: String, decoy: String) {
            let fd = inotify_init1(Int32(IN_CLOEXEC))
            _ = inotify_add_watch(fd, directory, UInt32(IN_CREATE))
            let target = directory + "/" + name
            let thread = Thread { [self] in
                defer { close(fd) }
                var buffer = [UInt8](repeating: 0, count: 4096)
                while self.running.withLock({ $0 }) {
                    var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                    guard poll(&poller, 1, 20) > 0 else { continue }
                    let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                    var offset = 0
                    while count > 0, offset + 16 <= count {
                        let length = buffer.withUnsafeBytes { Int($0.load(fromByteOffset: offset + 12, as: UInt32.self)) }
                        let raw = buffer[(offset + 16)..<min(count, offset + 16 + length)]
                        let created = String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                        if created == name, rename(decoy, target) == 0 { self.swaps.withLock { $0 += 1 } }
                        offset += 16 + length
                    }
                }
            }
            thread.start()
        }

        func stop() { running.withLock { $0 = false } }
    }

    @Test("a racer that swaps the new socket for a symlink gets nothing re-moded or re-grouped: no chmod or chown follows a path",
          .enabled(if: getuid() == 0, "needs root to hand the socket to a group it is not in"))
    func socketSwapRaceChangesNothing() throws {
        let scratch = try Scratch()
        let target = scratch.path("precious.txt")
        try "precious\n".write(toFile: target, atomically: false, encoding: .utf8)
        try #require(chmod(target, 0o644) == 0)
        let before = try #require(Self.info(target))
        let directory = scratch.path("run"), path = directory + "/x.sock", decoy = directory + "/decoy"
        try #require(mkdir(directory, 0o700) == 0 && chmod(directory, 0o700) == 0)
        let swapper = SocketSwapper(directory: directory, name: "x.sock", decoy: decoy)
        defer { swapper.stop() }
        for _ in 0..<40 {
            try #require(symlink(target, decoy) == 0)
            let server = Self.server(path, group: UInt32(Self.other.gid))
            try? server.start()
            // Give the racer time to act on this start before the next decoy is laid.
            Thread.sleep(forTimeInterval: 0.01)
            server.stop()
            unlink(decoy)
            unlink(path)
            let after = try #require(Self.info(target))
            #expect(after.st_mode == before.st_mode && after.st_gid == before.st_gid && after.st_uid == before.st_uid)
        }
        #expect(swapper.swaps.withLock { $0 } > 0, "the racer never swapped the socket: the test proved nothing")
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "precious\n")
    }
}
