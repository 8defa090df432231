import Foundation

/// The `hedgetop` binary run as a command, in a directory of its own (its state directory too,
/// so no test shares a journal with another or with the user's).
struct HedgetopProcess {
    var status: Int32
    var output: String
    var error: String

    /// Runs hedgetop with `arguments` ("$DIR" stands for the run's directory) after writing
    /// `files` into that directory.
    static func run(_ arguments: [String], files: [String: String] = [:]) throws -> HedgetopProcess {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hedgetop-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for (name, text) in files { try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try TmuxSession.hedgetopPath())
        process.arguments = arguments.map { $0.replacingOccurrences(of: "$DIR", with: directory.path) }
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        environment["XDG_STATE_HOME"] = directory.path + "/state"
        process.environment = environment
        let out = directory.appendingPathComponent("out"), err = directory.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        process.waitUntilExit()
        return HedgetopProcess(status: process.terminationStatus, output: try String(contentsOf: out, encoding: .utf8),
                               error: try String(contentsOf: err, encoding: .utf8))
    }
}
