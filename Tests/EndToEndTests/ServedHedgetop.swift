import Foundation
import Testing

/// `hedgetop serve` as a trader starts it, in a directory of its own: its own state (journal,
/// venue state, log) and runtime directory (the socket), optionally as another user.
final class ServedHedgetop {
    let name: String
    let directory: URL
    /// The binary the server (and `hedgetop(_:)`) runs.
    let binary: String
    /// Runs the server as someone else, e.g. `setpriv --reuid=nobody ...`; empty: as us.
    let runAs: [String]
    /// More options for `serve` (`--max-watchers 1`).
    let extraArguments: [String]
    private var process: BackgroundProcess?
    /// The pid hedgetop itself printed (not that of a `runAs` wrapper).
    private(set) var pid: Int32?
    private var starts = 0

    var runtimeDirectory: String { directory.appendingPathComponent("run").path }
    var stateDirectory: String { directory.appendingPathComponent("state").path }
    /// Where `hedgetop serve --name NAME` puts its socket with this runtime directory.
    var socket: String { runtimeDirectory + "/hedgetop/\(name).sock" }
    /// The default journal of `serve --name NAME`: main's is the embedded desk's, any other its own.
    var journal: String { stateDirectory + "/hedgetop/" + (name == "main" ? "journal.sqlite" : "journal-\(name).sqlite") }
    var log: String { stateDirectory + "/hedgetop/serve-\(name).log" }
    var config: String { directory.appendingPathComponent("\(name).toml").path }

    /// One calendar strategy that opens a spread within a second or two at `--speed 20` and then
    /// holds it: no exit rule fires (the exit is 0 bps from fair value, the stops are off), and
    /// after a close it stays flat for an hour of data time. Only a trader's command closes it.
    static let heldSpread = """
        [market]
        scenario = "calendar"
        seed = 42

        [[strategies]]
        name = "held"
        kind = "calendar"
        legs = ["sim:far", "sim:near"]
        target_notional = 50000
        entry = "1z"
        exit = "0bps"
        profit_target_bps = "off"
        stop_loss_bps = "off"
        spread_stop_bps = "off"
        volatility_stop = "off"
        max_holding = "off"
        cooldown = "1h"
        """

    /// A server called `name` with the held-spread configuration; nothing runs until `start()`.
    /// With `owner`, the directory is theirs. With `owner` or `sharedBinary`, the binary is a copy
    /// beside it, so another user can run it wherever the build directory is.
    /// With `beside`, it shares that server's directory (its state and runtime directories, as two
    /// servers of one user do) and runs `strategyName` instead of `held`.
    init(name: String, owner: (uid: uid_t, gid: gid_t)? = nil, runAs: [String] = [], sharedBinary: Bool = false,
         beside other: ServedHedgetop? = nil, strategyName: String = "held", extraArguments: [String] = []) throws {
        self.name = name
        self.runAs = runAs
        self.extraArguments = extraArguments
        directory = other?.directory ?? FileManager.default.temporaryDirectory.appendingPathComponent("hedgetop-serve-\(UUID().uuidString.prefix(8))")
        let copied = owner != nil || sharedBinary
        binary = copied ? directory.appendingPathComponent("hedgetop").path : try TmuxSession.hedgetopPath()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        try FileManager.default.createDirectory(atPath: runtimeDirectory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
        try Self.heldSpread.replacingOccurrences(of: "name = \"held\"", with: "name = \"\(strategyName)\"")
            .write(toFile: config, atomically: true, encoding: .utf8)
        if copied { try Self.copyExecutable(try TmuxSession.hedgetopPath(), to: binary) }
        if let owner {
            for path in [directory.path, runtimeDirectory, stateDirectory, config, binary] {
                guard chown(path, owner.uid, owner.gid) == 0 else { throw E2EError("chown \(path): \(String(cString: strerror(errno)))") }
            }
        }
    }

    /// Copies a program through a descriptor closed on exec: a child spawned meanwhile by a test
    /// running in parallel must not hold it open for writing, or running the copy fails with
    /// "Text file busy" (ETXTBSY).
    /// Copies the binary by another process (`install`): a file this multi-threaded test process
    /// held open for writing could be inherited by a child another test forks at that moment,
    /// and exec of the copy would then fail with ETXTBSY ("Text file busy").
    static func copyExecutable(_ source: String, to destination: String) throws {
        let run = try CommandRun("/usr/bin/install", ["-m", "0755", source, destination])
        guard run.status == 0 else { throw E2EError("cannot copy \(source) to \(destination): \(run.error)") }
    }

    deinit {
        stop(signal: SIGKILL)
        try? FileManager.default.removeItem(at: directory)
    }

    /// Starts `hedgetop serve` at `speed` × real time (again, on the same journal and socket,
    /// when it ran before) and waits until it says it is listening.
    func start(seconds: Double = 20, speed: Int = 20) throws {
        let deadline = Date().addingTimeInterval(seconds)
        var error = ""
        while Date() < deadline {
            starts += 1
            let out = directory.appendingPathComponent("serve-\(name)-\(starts).out").path, err = standardError
            let arguments = runAs + [binary, "serve", "--name", name, "--socket", socket, "--config", config, "--speed", "\(speed)"] + extraArguments
            let process = try BackgroundProcess(arguments, environment: environment(), output: out, error: err)
            self.process = process
            while Date() < deadline {
                let said = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
                if said.contains("listening on"), let range = said.range(of: #"\(pid (\d+)\)"#, options: .regularExpression) {
                    pid = Int32(said[range].dropFirst(5).dropLast())
                    return
                }
                guard process.isRunning else { break }
                Thread.sleep(forTimeInterval: 0.05)
            }
            error = (try? String(contentsOfFile: err, encoding: .utf8)) ?? ""
            // A fresh copy of the binary can be briefly held open by a child another test forked
            // at that moment (see copyExecutable): try again; anything else is an answer.
            guard error.contains("Text file busy") else { break }
            Thread.sleep(forTimeInterval: 0.2)
        }
        throw E2EError("hedgetop serve did not start listening within \(seconds)s; stderr:\n\(error)")
    }

    /// The latest start's standard error.
    var standardError: String { directory.appendingPathComponent("serve-\(name)-\(starts).err").path }

    /// Sends `signal` to the server and waits for it to end; returns its exit status (128 + the
    /// signal if one ended it; nil if it was not running).
    @discardableResult
    func stop(signal: Int32 = SIGTERM, seconds: Double = 20) -> Int32? {
        guard let process, process.isRunning else { return nil }
        // The pid hedgetop printed: with `runAs` the spawned process may be a wrapper.
        kill(pid ?? process.pid, signal)
        if let status = process.wait(seconds: seconds) { return status }
        kill(pid ?? process.pid, SIGKILL)
        return process.stop(signal: SIGKILL)
    }

    /// The environment the server runs with; `hedgetop(_:)` uses it too, so `list` sees it.
    func environment() -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["XDG_RUNTIME_DIR"] = runtimeDirectory
        environment["XDG_STATE_HOME"] = stateDirectory
        return environment
    }

    /// Runs another hedgetop command (status, list...) as we run (or as `runAs`) against this server.
    func hedgetop(_ arguments: [String], runAs: [String] = []) throws -> CommandRun {
        let command = runAs + [binary] + arguments
        return try CommandRun(command[0], Array(command.dropFirst()), environment: environment())
    }

    /// `hedgetop status --json`, decoded.
    func status() throws -> ServerStatus {
        let run = try hedgetop(["status", "--json", "--socket", socket])
        guard run.status == 0 else { throw E2EError("hedgetop status failed (\(run.status)): \(run.error)") }
        do {
            return try JSONDecoder().decode(ServerStatus.self, from: Data(run.output.utf8))
        } catch {
            throw E2EError("hedgetop status --json printed something that is not its JSON (\(error)):\n\(run.output)")
        }
    }

    /// Polls `status` until `condition` holds for the first strategy, for up to `seconds`.
    @discardableResult
    func waitForStrategy(seconds: Double = 30, _ condition: (ServerStatus.Strategy) -> Bool) throws -> ServerStatus {
        let deadline = Date().addingTimeInterval(seconds)
        var last: ServerStatus?
        while Date() < deadline {
            last = try? status()
            if let strategy = last?.strategies.first, condition(strategy) { return last! }
            Thread.sleep(forTimeInterval: 0.2)
        }
        throw E2EError("status never matched within \(seconds)s; last: \(last.map { "\($0)" } ?? "no answer")")
    }

    /// Rows of a query on the server's journal (sqlite3's `a|b` lines).
    func journalRows(_ query: String) throws -> [String] {
        let run = try CommandRun("/usr/bin/sqlite3", [journal, query])
        guard run.status == 0 else { throw E2EError("sqlite3 failed: \(run.error)") }
        return run.output.split(separator: "\n").map(String.init)
    }
}

extension ServedHedgetop {
    /// Closes the served desk's one open spread ("held") through an attached screen, as a trader
    /// does: `c`, a dialog naming both legs, `y`, the engine's answer on screen, the strategy flat
    /// with one cycle done and COMPLETED in its row, the command journaled. Returns the flat status.
    func closeThroughScreen(_ session: TmuxSession, answer: String) throws -> ServerStatus {
        try session.send("c")
        let dialog = try session.waitForScreen { $0.contains("Close spread?") }
        #expect(dialog.contains("long") && dialog.contains("short"), "dialog:\n\(dialog)")
        try session.send("y")
        _ = try session.waitForScreen { $0.contains(answer) }
        let flat = try waitForStrategy { $0.legs.isEmpty && $0.completedCycles == 1 }
        _ = try session.waitForScreen { TmuxSession.strategyRow("held", in: $0)?.contains("COMPLETED") == true }
        #expect(try journalRows("SELECT accepted, message FROM commands") == ["1|held: close accepted: closing both legs"])
        return flat
    }
}

/// What `hedgetop status --json` prints.
struct ServerStatus: Decodable, CustomStringConvertible {
    /// An open leg; equal when it holds the same position (marks move, entries do not).
    struct Position: Decodable, Equatable, CustomStringConvertible {
        var venue: String
        var symbol: String
        var side: String
        var quantity: String
        var entryPrice: String

        var description: String { "\(venue):\(symbol) \(side) \(quantity) @ \(entryPrice)" }
    }

    struct Strategy: Decodable {
        var name: String
        var state: String
        var paused: Bool
        var netPnL: String
        var completedCycles: Int
        var legs: [Position]
        var openOrders: Int
    }

    var version: Int
    var name: String
    var pid: Int32
    var socket: String
    var mode: String
    /// The snapshot's data time (ISO 8601, milliseconds).
    var time: String
    var strategies: [Strategy]
    var venues: [String: Bool]

    var description: String {
        "\(name) pid \(pid): " + strategies.map { "\($0.name) \($0.state) legs \($0.legs) cycles \($0.completedCycles)" }.joined(separator: "; ")
    }
}

/// Another, unprivileged user to run commands as, when we are root and a tool to switch exists.
enum OtherUser {
    static let name = "nobody"

    /// nobody's uid and gid.
    static var ids: (uid: uid_t, gid: gid_t)? {
        guard let entry = getpwnam(name) else { return nil }
        return (entry.pointee.pw_uid, entry.pointee.pw_gid)
    }

    /// The command prefix that runs a program as nobody: setpriv, else runuser.
    static var prefix: [String]? {
        guard let (uid, gid) = ids else { return nil }
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") {
            return ["/usr/bin/setpriv", "--reuid=\(uid)", "--regid=\(gid)", "--clear-groups"]
        }
        for runuser in ["/usr/sbin/runuser", "/sbin/runuser"] where FileManager.default.isExecutableFile(atPath: runuser) {
            return [runuser, "-u", name, "--"]
        }
        return nil
    }

    /// Whether these tests can switch user: only root may, and only with setpriv or runuser.
    static var available: Bool { getuid() == 0 && prefix != nil }
}
