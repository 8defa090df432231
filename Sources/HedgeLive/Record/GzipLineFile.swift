import CZlib
#if canImport(Glibc)
import Glibc
#endif

/// One gzip file of `<ns> <json>` lines being written. Opened for appending (a restart adds a
/// gzip member, which replay reads as the same file), owner-only (0600), never through a
/// symlink; flushed to a sync point now and then so a crash loses at most the last moments.
final class GzipLineFile {
    let path: String
    private var file: gzFile?
    private(set) var lines = 0

    init(path: String) throws(LiveFailure) {
        self.path = path
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw LiveFailure("cannot write \(path): \(String(cString: strerror(errno)))" + (errno == ELOOP ? " (a symlink: refused)" : ""))
        }
        var status = stat()
        guard fstat(fd, &status) == 0, status.st_mode & S_IFMT == S_IFREG, status.st_uid == getuid() else {
            Glibc.close(fd)
            throw LiveFailure("\(path) is not a regular file of this user: refused")
        }
        guard let file = gzdopen(fd, "ab") else {
            Glibc.close(fd)
            throw LiveFailure("cannot start gzip on \(path)")
        }
        self.file = file
    }

    deinit { close() }

    func write(_ line: RecordedLine) throws(LiveFailure) {
        guard let file else { return }
        var bytes = Array(String(line.receivedAt.nanoseconds).utf8)
        bytes.append(UInt8(ascii: " "))
        // A line is one message: a newline inside one (never sent by the venues) would split it.
        bytes.append(contentsOf: line.body.map { $0 == 0x0A || $0 == 0x0D ? UInt8(ascii: " ") : $0 })
        bytes.append(0x0A)
        let written = bytes.withUnsafeBytes { gzwrite(file, $0.baseAddress, UInt32($0.count)) }
        guard written == Int32(bytes.count) else { throw LiveFailure("write to \(path) failed") }
        lines += 1
    }

    /// A whole line of text (a Bybit envelope), newline added.
    func writeRaw(_ text: String) throws(LiveFailure) {
        guard let file else { return }
        var bytes = Array(text.utf8)
        bytes.append(0x0A)
        let written = bytes.withUnsafeBytes { gzwrite(file, $0.baseAddress, UInt32($0.count)) }
        guard written == Int32(bytes.count) else { throw LiveFailure("write to \(path) failed") }
        lines += 1
    }

    /// Everything written so far becomes readable (a gzip sync point).
    func flush() {
        if let file { gzflush(file, Z_SYNC_FLUSH) }
    }

    func close() {
        if let file { gzclose(file) }
        file = nil
    }
}
