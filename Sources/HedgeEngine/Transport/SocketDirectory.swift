import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The directory a server's control socket lives in, held open by descriptor: opened without
/// following a symlink, refused unless it belongs to this user and only this user (and, with an
/// allowed group, that group's traverse bit) has access, and set to its mode through the
/// descriptor. The socket is then bound inside this very directory, so nobody can swap a path
/// component, the socket or a symlink in between: no `chmod` or `chown` ever touches a path.
public final class SocketDirectory: Sendable {
    public let path: String
    public let descriptor: Int32

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// The mode the directory gets: 0700, or 02710 with an allowed group (the setgid bit makes a
    /// socket bound inside take the directory's group, with no `chown` on its path).
    public static func mode(allowedGroup: UInt32?) -> mode_t { allowedGroup == nil ? 0o700 : 0o2710 }

    /// Opens the directory of `socketPath` (creating it 0700 if it is missing and `create` is
    /// set), checks it is ours and private, and sets its mode and group for `allowedGroup`.
    public static func open(forSocket socketPath: String, allowedGroup: UInt32?, create: Bool = true,
                            uid: UInt32 = geteuid()) throws(SocketError) -> SocketDirectory {
        let directory = Self.directory(of: socketPath)
        let (parent, name) = split(directory)
        let parentFD = Glibc.open(parent, Self.pathOnly | O_DIRECTORY | O_CLOEXEC)
        guard parentFD >= 0 else { throw SocketError.errno("open \(parent)") }
        defer { close(parentFD) }
        let created = create && mkdirat(parentFD, name, 0o700) == 0
        let handle = openat(parentFD, name, Self.pathOnly | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard handle >= 0 else {
            let code = errno
            var info = stat()
            if fstatat(parentFD, name, &info, AT_SYMLINK_NOFOLLOW) == 0, info.st_mode & S_IFMT != S_IFDIR {
                throw SocketError(message: "the socket directory \(directory) is \(SocketPathOccupant.describe(info.st_mode & S_IFMT)), not a directory; not using it", code: ENOTDIR)
            }
            throw SocketError(operation: "open \(directory)", code: code)
        }
        let info = try SocketDirectory(path: directory, descriptor: handle).verify(uid: uid, fresh: created)
        // Ours: now opened for real (the mode and group are set through this descriptor).
        let fd = openat(parentFD, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw SocketError.errno("open \(directory)") }
        let opened = SocketDirectory(path: directory, descriptor: fd)
        var again = stat()
        guard fstat(fd, &again) == 0, again.st_ino == info.st_ino, again.st_dev == info.st_dev else {
            throw SocketError(message: "the socket directory \(directory) was replaced while it was checked; not using it", code: EAGAIN)
        }
        let wanted = mode(allowedGroup: allowedGroup)
        if let allowedGroup, info.st_gid != allowedGroup {
            guard fchown(fd, uid_t(UInt32.max), gid_t(allowedGroup)) == 0 else {
                throw SocketError.errno("chown the socket directory \(directory) to group \(allowedGroup)")
            }
        }
        if info.st_mode & 0o7777 != wanted {
            guard fchmod(fd, wanted) == 0 else { throw SocketError.errno("chmod the socket directory \(directory)") }
        }
        return opened
    }

    /// Checks, touching nothing, what `open` would refuse about an existing directory of
    /// `socketPath`; a missing directory passes (`open` creates it).
    public static func check(forSocket socketPath: String, uid: UInt32 = geteuid()) throws(SocketError) {
        let directory = Self.directory(of: socketPath)
        let fd = Glibc.open(directory, Self.pathOnly | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            var info = stat()
            guard lstat(directory, &info) == 0 else { return }
            if info.st_mode & S_IFMT != S_IFDIR {
                throw SocketError(message: "the socket directory \(directory) is \(SocketPathOccupant.describe(info.st_mode & S_IFMT)), not a directory; not using it", code: ENOTDIR)
            }
            throw SocketError(operation: "open \(directory)", code: code)
        }
        _ = try SocketDirectory(path: directory, descriptor: fd).verify(uid: uid, fresh: false)
    }

    /// Refuses a directory of another user, or one that others could have written to (group
    /// members may at most have passed through: a server with --allow-group made it so).
    private func verify(uid: UInt32, fresh: Bool) throws(SocketError) -> stat {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw SocketError.errno("stat \(path)") }
        guard info.st_uid == uid else {
            throw SocketError(message: "the socket directory \(path) belongs to \(UserName.describe(info.st_uid)), not to you (\(UserName.describe(uid))): another user may have made it to take over your server's socket; not using it (remove it, or choose another --socket)", code: EPERM)
        }
        let others = info.st_mode & 0o077
        guard fresh || others == 0 || others == 0o010 else {
            throw SocketError(message: "the socket directory \(path) (owner \(UserName.describe(info.st_uid))) has mode \(String(info.st_mode & 0o7777, radix: 8)), open to other users; it must be 700 (710 with --allow-group): not using it (chmod 700 \(path), or choose another --socket)", code: EPERM)
        }
        return info
    }

    /// The name under which `bind` and `connect` reach `name` inside this directory: through
    /// `/proc/self/fd`, so the directory checked is the one used, whatever happens to its path.
    public func entry(_ name: String) -> String {
        Self.procFD ? "/proc/self/fd/\(descriptor)/\(name)" : path + "/" + name
    }

    /// Removes `name` from this directory (not following a symlink; a missing entry is fine).
    public func remove(_ name: String) { unlinkat(descriptor, name, 0) }

    static let procFD: Bool = access("/proc/self/fd", X_OK) == 0

    /// `O_PATH` (Glibc hides it behind _GNU_SOURCE): a handle to look at a directory and walk
    /// through it, which needs no read permission (a group member of a 2710 directory has none).
    static let pathOnly: Int32 = 0o10000000

    static func directory(of socketPath: String) -> String {
        let directory = (socketPath as NSString).deletingLastPathComponent
        return directory.isEmpty ? "." : directory
    }

    static func split(_ directory: String) -> (parent: String, name: String) {
        let trimmed = directory.count > 1 && directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        guard let slash = trimmed.lastIndex(of: "/") else { return (".", trimmed) }
        let parent = String(trimmed[..<slash])
        return (parent.isEmpty ? "/" : parent, String(trimmed[trimmed.index(after: slash)...]))
    }
}

/// A uid as people read it: "uid 65534 (nobody)".
public enum UserName {
    public static func describe(_ uid: UInt32) -> String {
        guard let entry = getpwuid(uid_t(uid)), let name = entry.pointee.pw_name else { return "uid \(uid)" }
        return "uid \(uid) (\(String(cString: name)))"
    }
}
