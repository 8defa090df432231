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

    @Test("a saved file (venue state, chart history) never writes through a symlink planted as its temporary")
    func replacementIgnoresAPlantedSymlink() throws {
        let scratch = try SocketPathTests.Scratch()
        let path = scratch.path("journal.venues-calendar.charts.json")
        let elsewhere = scratch.path("someone-elses-file")
        try Data("theirs".utf8).write(to: URL(fileURLWithPath: elsewhere))
        #expect(symlink(elsewhere, path + ".tmp") == 0)
        try PrivateFileReplacement.replace(path, with: Data("ours".utf8))
        #expect(try String(contentsOfFile: elsewhere, encoding: .utf8) == "theirs")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "ours")
        #expect(Self.mode(path) == 0o600)
        var info = stat()
        #expect(lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFREG)
    }
}
