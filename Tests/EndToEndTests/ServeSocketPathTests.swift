import Foundation
import Testing

/// `serve --socket PATH` as a new user might mistype it: whatever is at PATH and is not a stale
/// socket stays as it was, and the server exits 1 before it trades.
@Suite("serve never removes what is at its socket path")
struct ServeSocketPathTests {
    @Test("serve --socket on a regular file or a symlink exits 1 with a clear message; both are intact, and status says 'not a socket'")
    func fileAndSymlinkKept() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hedgetop-path-\(UUID().uuidString.prefix(8))").path
        // 0700: a server's socket directory must be private, or it is refused before its path.
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try FileManager.default.createDirectory(atPath: directory + "/state", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = directory + "/f.txt", link = directory + "/link"
        try "precious\n".write(toFile: file, atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: file)
        var environment = ProcessInfo.processInfo.environment
        environment["XDG_STATE_HOME"] = directory + "/state"
        environment["XDG_RUNTIME_DIR"] = directory
        let binary = try TmuxSession.hedgetopPath()

        for (path, kind) in [(file, "a regular file"), (link, "a symbolic link")] {
            let serve = try CommandRun(binary, ["serve", "--name", "x", "--socket", path, "--journal", directory + "/j.sqlite"],
                                       environment: environment)
            #expect(serve.status == 1)
            #expect(serve.error.contains("\(path) is \(kind), not a socket; not replacing it"), "stderr: \(serve.error)")
            #expect(!serve.output.contains("listening"), "stdout: \(serve.output)")
        }
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "precious\n")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == file)
        #expect(!FileManager.default.fileExists(atPath: directory + "/j.sqlite"), "serve opened its journal before refusing the socket path")

        let status = try CommandRun(binary, ["status", "--socket", file], environment: environment)
        #expect(status.status == 1)
        #expect(status.error.contains("\(file) is not a socket (it is a regular file)") && !status.error.contains("hedgetop serve"),
                "stderr: \(status.error)")
        let json = try CommandRun(binary, ["status", "--json", "--socket", file], environment: environment)
        #expect(json.status == 1)
        let object = try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: String]
        #expect(object?["socket"] == file && object?["error"]?.contains("is not a socket") == true, "stdout: \(json.output)")
    }
}
