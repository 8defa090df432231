import Foundation
import HedgeCore
import Testing
@testable import HedgeEngine

#if canImport(Glibc)
import Glibc
#endif

/// The journal and the logs hold positions and PnL: they are created readable by their owner
/// only, whatever the umask lets through.
@Suite("Journal and log files are private")
struct PrivateFilesTests {
    static func mode(_ path: String) -> mode_t? {
        var info = stat()
        return stat(path, &info) == 0 ? info.st_mode & 0o7777 : nil
    }

    @Test("a new journal, its -wal and its -shm are 0600")
    func journalPrivate() throws {
        let scratch = try SocketPathTests.Scratch()
        let path = scratch.path("journal.sqlite")
        let journal = try Journal(path: path)
        try journal.error("written", strategy: nil, at: .wallClockNow())
        #expect(Self.mode(path) == 0o600)
        #expect(Self.mode(path + "-wal") == 0o600)
        #expect(Self.mode(path + "-shm") == 0o600)
    }

    @Test("a new log file is 0600")
    func logPrivate() throws {
        let scratch = try SocketPathTests.Scratch()
        let path = scratch.path("logs/serve-main.log")
        let sink = try FileLogHandler.Sink(path: path)
        _ = sink
        #expect(Self.mode(path) == 0o600)
    }
}
