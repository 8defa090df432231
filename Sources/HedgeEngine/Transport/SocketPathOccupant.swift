import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// What is at a control socket's path, looked at without following a symlink. A server may only
/// replace a stale socket of its own user that nobody answers; anything else at the path is
/// somebody's file (or another server) and is left alone.
public enum SocketPathOccupant: Sendable, Equatable {
    /// Nothing: a server may bind here.
    case nothing
    /// A socket of this user with nobody listening (a server that died): safe to remove.
    case staleSocket
    /// A socket a server answers on.
    case liveSocket
    /// A socket of another user (uid), never touched.
    case foreignSocket(uid: UInt32)
    /// A socket of this user that a connect fails on for another reason (errno text).
    case unreachableSocket(String)
    /// Not a socket: "a regular file", "a symbolic link", "a directory", "a FIFO", ….
    case notASocket(String)

    /// Looks at `path` (lstat, then a connect for a socket of ours).
    public static func inspect(_ path: String, uid: UInt32 = getuid()) -> SocketPathOccupant {
        var info = stat()
        guard lstat(path, &info) == 0 else { return errno == ENOENT ? .nothing : .unreachableSocket(String(cString: strerror(errno))) }
        let kind = info.st_mode & S_IFMT
        guard kind == S_IFSOCK else { return .notASocket(describe(kind)) }
        guard info.st_uid == uid else { return .foreignSocket(uid: info.st_uid) }
        do {
            let socket = try UnixSocket.connect(path: path)
            socket.shutdown()
            return .liveSocket
        } catch {
            switch error.code {
            case ECONNREFUSED: return .staleSocket
            case ENOENT: return .nothing
            default: return .unreachableSocket(String(cString: strerror(error.code)))
            }
        }
    }

    /// Whether a server may bind at this path (after removing a stale socket).
    var mayListen: Bool { self == .nothing || self == .staleSocket }

    /// Why a server may not listen at `path`; nil when it may.
    public func refusal(path: String) -> SocketError? {
        switch self {
        case .nothing, .staleSocket:
            return nil
        case .liveSocket:
            return SocketError(operation: "a server is already listening on \(path)", code: EADDRINUSE)
        case .foreignSocket(let uid):
            return SocketError(message: "\(path) is a socket of another user (uid \(uid)); not replacing it", code: EPERM)
        case .unreachableSocket(let reason):
            return SocketError(message: "\(path) is a socket that cannot be checked (\(reason)); not replacing it", code: EEXIST)
        case .notASocket(let kind):
            return SocketError(message: "\(path) is \(kind), not a socket; not replacing it (choose another --socket path)", code: EEXIST)
        }
    }

    static func describe(_ kind: mode_t) -> String {
        switch kind {
        case S_IFREG: "a regular file"
        case S_IFLNK: "a symbolic link"
        case S_IFDIR: "a directory"
        case S_IFIFO: "a FIFO"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        default: "a file of another kind"
        }
    }
}
