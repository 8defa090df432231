import Foundation
import Testing

/// The journal is never written by what only reads it: `history` opens it read-only, and a
/// journal from a newer schema is refused untouched.
@Suite("Journal read-only", .serialized)
struct JournalReadOnlyTests {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("hedgetop-readonly-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func hedgetop(_ arguments: [String], prefix: [String] = []) throws -> (status: Int32, output: String, error: String) {
        let process = Process()
        let program = try TmuxSession.hedgetopPath()
        process.executableURL = URL(fileURLWithPath: prefix.first ?? program)
        process.arguments = prefix.isEmpty ? arguments : Array(prefix.dropFirst()) + [program] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile(), error = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self), String(decoding: error, as: UTF8.self))
    }

    /// The file's bytes and modification time, to show it was not written.
    func fingerprint(_ path: String) throws -> (Data, Date?) {
        (try Data(contentsOf: URL(fileURLWithPath: path)),
         try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date)
    }

    @Test("history reads a journal in a read-only directory and creates no file beside it (as root and as nobody)")
    func historyReadOnly() throws {
        defer {
            chmod(directory.appendingPathComponent("ro").path, 0o755)
            try? FileManager.default.removeItem(at: directory)
        }
        let source = directory.appendingPathComponent("journal.sqlite").path
        let run = try hedgetop(["run", "--headless", "--scenario", "basis", "--seed", "42", "--speed", "40", "--duration", "3",
                                "--journal", source, "--log-file", directory.appendingPathComponent("log").path])
        #expect(run.status == 0, "stderr: \(run.error)")
        let readOnly = directory.appendingPathComponent("ro")
        try FileManager.default.createDirectory(at: readOnly, withIntermediateDirectories: true)
        let journal = readOnly.appendingPathComponent("journal.sqlite").path
        // A whole copy, whatever the run left in its -wal.
        let copy = Process()
        copy.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        copy.arguments = [source, "VACUUM INTO '\(journal)'"]
        try copy.run()
        copy.waitUntilExit()
        #expect(chmod(journal, 0o444) == 0 && chmod(readOnly.path, 0o555) == 0)
        let before = try fingerprint(journal)
        var runs = [try hedgetop(["history", "--journal", journal])]
        if getuid() == 0, let nobody = OtherUser.prefix { runs.append(try hedgetop(["history", "--journal", journal], prefix: nobody)) }
        for history in runs {
            #expect(history.status == 0, "stderr: \(history.error)")
            #expect(history.output.contains("cycles, net") || history.output.contains("no cycles in the journal yet"), "\(history.output)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: readOnly.path) == ["journal.sqlite"])
            let after = try fingerprint(journal)
            #expect(after.0 == before.0 && after.1 == before.1)
        }
    }

    @Test("a journal from a newer schema is refused, and its file is left byte for byte as it was")
    func newerSchemaUntouched() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let journal = directory.appendingPathComponent("newer.sqlite").path
        let sqlite = Process()
        sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        sqlite.arguments = [journal, "CREATE TABLE future (x); PRAGMA user_version = 99;"]
        try sqlite.run()
        sqlite.waitUntilExit()
        let before = try fingerprint(journal)
        Thread.sleep(forTimeInterval: 0.05)
        for arguments in [["run", "--headless", "--duration", "2", "--journal", journal, "--log-file", directory.appendingPathComponent("log").path],
                          ["history", "--journal", journal]] {
            let refused = try hedgetop(arguments)
            #expect(refused.status != 0)
            #expect(refused.error.contains("written by a newer hedgetop (schema 99"), "stderr: \(refused.error)")
            let after = try fingerprint(journal)
            #expect(after.0 == before.0 && after.1 == before.1, "\(arguments[0]) changed the newer journal")
            for suffix in ["-wal", "-shm"] { #expect(!FileManager.default.fileExists(atPath: journal + suffix), "\(arguments[0]) created \(suffix)") }
        }
    }
}
