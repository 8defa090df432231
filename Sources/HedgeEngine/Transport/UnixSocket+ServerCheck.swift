import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Whom a client accepts as the server on a control socket. Checked before anything is sent: a
/// socket in a directory someone else could write to, or a server of another uid than the one
/// the directory says, may be a forger waiting for a trader's commands.
public enum ExpectedServer: Sendable, Hashable {
    /// Whoever owns the socket's directory (`--socket PATH`, which may be another user's server
    /// that lets a group watch).
    case directoryOwner
    /// This uid, who must own the directory too: a server chosen by name lives in the user's own
    /// directory, and a reconnection must reach the same user's server as before.
    case uid(UInt32)
}

extension UnixSocket {
    /// Connects to the socket at `path` after checking its directory (owned by the expected uid,
    /// writable by nobody else) and, before returning, the server's uid from the kernel
    /// (SO_PEERCRED). The connection goes through the directory's descriptor, so the directory
    /// checked is the one connected in. A refusal names the path and the owner.
    public static func connect(path: String, expecting expected: ExpectedServer) throws(SocketError) -> UnixSocket {
        let directory = SocketDirectory.directory(of: path)
        let fd = open(directory, SocketDirectory.pathOnly | O_DIRECTORY | O_CLOEXEC)
        // The connect would fail the same way (no such directory, no access): say it as it would.
        guard fd >= 0 else { throw SocketError.errno("connect to \(path)") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw SocketError.errno("stat \(directory)") }
        let owner = info.st_uid
        if case .uid(let uid) = expected, owner != uid {
            throw SocketError(message: "not connecting to \(path): its directory \(directory) belongs to \(UserName.describe(owner)), not to \(UserName.describe(uid)); another user may have made it to pose as your server (remove it, or choose another --socket)", code: EPERM)
        }
        guard info.st_mode & 0o022 == 0 else {
            throw SocketError(message: "not connecting to \(path): its directory \(directory) (owner \(UserName.describe(owner))) has mode \(String(info.st_mode & 0o7777, radix: 8)), so other users could have put a server there", code: EPERM)
        }
        let name = (path as NSString).lastPathComponent
        let socket = try connect(path: SocketDirectory.procFD ? "/proc/self/fd/\(fd)/\(name)" : path, describedAs: path)
        let server = try socket.peerCredentials()
        guard server.uid == owner else {
            socket.shutdown()
            throw SocketError(message: "not talking to the server on \(path): it runs as \(UserName.describe(server.uid)), but its directory \(directory) belongs to \(UserName.describe(owner))", code: EPERM)
        }
        return socket
    }
}
