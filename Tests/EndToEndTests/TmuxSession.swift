import Foundation
import Testing

/// A program running in a private tmux server, driven the way a person would: keys in with
/// `send-keys`, the screen out with `capture-pane -p`.
final class TmuxSession {
    let socket: String
    let directory: URL
    let statusFile: URL

    /// The `hedgetop` binary built beside this test bundle.
    static func hedgetopPath() throws -> String {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        // The XCTest bundle on Linux is a directory; the runner may sit inside it.
        for _ in 0..<3 {
            let candidate = dir.appendingPathComponent("hedgetop").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        throw E2EError("hedgetop binary not found near \(exe.path); run `swift build` first")
    }

    /// Starts hedgetop with `arguments` in a new detached session of `width`×`height`, with
    /// `environment` set.
    convenience init(width: Int, height: Int, environment: [String: String] = [:], arguments: String = "") throws {
        let binary = try Self.hedgetopPath()
        try self.init(width: width, height: height) { directory in
            // Each session its own state directory: its own journal and venue state, never the user's.
            var environment = environment
            if environment["XDG_STATE_HOME"] == nil { environment["XDG_STATE_HOME"] = directory.path }
            let env = environment.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " ")
            let log = directory.appendingPathComponent("hedgetop.log").path
            return "env \(env) \(binary) \(arguments) --log-file \(log)"
        }
    }

    /// Starts the shell command line that `command` makes (given this session's own directory)
    /// in a new detached session of `width`×`height`.
    init(width: Int, height: Int, command: (_ directory: URL) throws -> String) throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") else {
            throw E2EError("tmux is not installed (apt-get install tmux); .ci/run installs it")
        }
        socket = "hedgetop-e2e-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(socket)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        statusFile = directory.appendingPathComponent("status")
        // After the program exits, record its status and whether the tty is back in cooked mode.
        let script = "\(try command(directory)); echo \"exit=$?\" > \(statusFile.path); stty -a >> \(statusFile.path); sleep 60"
        try tmux(["-f", "/dev/null", "new-session", "-d", "-x", "\(width)", "-y", "\(height)", script])
    }

    deinit {
        _ = try? tmux(["kill-server"])
        try? FileManager.default.removeItem(at: directory)
    }

    /// Runs a tmux client command and returns what it printed. Output goes through a file, not
    /// a pipe: a tmux server started by the command inherits it and would hold a pipe open. It
    /// inherits nothing else either (BackgroundProcess): no other descriptor, no blocked signal
    /// (a server started with SIGTERM blocked ignores kill-server).
    @discardableResult
    func tmux(_ arguments: [String]) throws -> String {
        try CommandRun("/usr/bin/tmux", ["-L", socket] + arguments).output
    }

    func screen() throws -> String { try tmux(["capture-pane", "-p"]) }

    func send(_ keys: String...) throws { try tmux(["send-keys"] + keys) }

    func resize(width: Int, height: Int) throws {
        try tmux(["resize-window", "-x", "\(width)", "-y", "\(height)"])
    }

    /// Polls the screen until `condition` holds, for up to `seconds`.
    func waitForScreen(seconds: Double = 15, _ condition: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        var last = ""
        while Date() < deadline {
            last = try screen()
            if condition(last) { return last }
            Thread.sleep(forTimeInterval: 0.2)
        }
        throw E2EError("screen never matched within \(seconds)s; last screen:\n\(last)")
    }

    /// Waits for the program to exit; returns its status line and `stty -a` after it.
    func waitForExit(seconds: Double = 10) throws -> (status: Int, stty: String) {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let text = try? String(contentsOf: statusFile, encoding: .utf8), text.contains("speed") || text.contains("line") {
                let first = text.split(separator: "\n").first ?? ""
                let status = Int(first.replacingOccurrences(of: "exit=", with: "")) ?? -1
                return (status, text)
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw E2EError("hedgetop did not exit within \(seconds)s; screen:\n\((try? screen()) ?? "")")
    }
}

struct E2EError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The state names the screen may show.
let stateNames = ["SCANNING_SPREADS", "SPREAD_DETECTED", "VALIDATING_OPPORTUNITY", "OPENING_LONG_LEG", "OPENING_SHORT_LEG",
                  "MONITORING_SPREAD", "ADJUSTING_POSITIONS", "CLOSING_SPREAD", "COMPLETED", "UNWINDING", "ERROR"]

extension TmuxSession {
    /// The strategies list's row for `name` (the event log may still name older states).
    static func strategyRow(_ name: String, in screen: String) -> String? {
        screen.split(separator: "\n").first { $0.hasPrefix("│" + name + " ") }.map(String.init)
    }
}
