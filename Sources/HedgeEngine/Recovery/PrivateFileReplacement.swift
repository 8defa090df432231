import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Replaces a file readable by its owner only (0600) atomically and durably: a temporary file
/// beside it is written and fsynced, renamed over it, and the directory fsynced, so a crash at
/// any instant leaves either the old contents or the new ones. Shared by the files the engine
/// saves between runs (the venue state, the chart history).
public enum PrivateFileReplacement {
    /// Why the file could not be replaced, in words.
    public struct Failure: Error { public var reason: String }

    public static func replace(_ path: String, with data: Data) throws(Failure) {
        let temporary = path + ".tmp"
        // A leftover (a crash mid-write, or anything planted there) is removed, never followed:
        // the new file is created afresh, and a symlink in its place fails the open.
        unlink(temporary)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Failure(reason: "cannot write \(temporary): \(String(cString: strerror(errno)))") }
        var ok = data.withUnsafeBytes { buffer -> Bool in
            var offset = 0
            while offset < buffer.count {
                let written = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written <= 0 { return false }
                offset += written
            }
            return true
        }
        ok = ok && fsync(fd) == 0
        close(fd)
        guard ok, rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            // A full disk must not also keep a half-written copy.
            unlink(temporary)
            throw Failure(reason: "write failed: \(reason)")
        }
        let directory = (path as NSString).deletingLastPathComponent
        let dfd = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 {
            fsync(dfd)
            close(dfd)
        }
    }
}
