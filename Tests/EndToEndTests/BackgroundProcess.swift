import Foundation

/// A program started with posix_spawn and reaped here, its output in files.
///
/// Not Foundation's `Process`: on Linux it reaps every child from one thread, with a blocking
/// waitpid as soon as the child closes the descriptor it inherited, so a daemon that closes its
/// descriptors at start (sshd) blocks the reaping of every other child for as long as it runs.
/// And nothing of the test process but what it is given: the test's pool threads block most
/// signals, a child would inherit that (a tmux server then ignores kill-server), so the child
/// starts with none blocked; and no descriptor beyond 0-2 (a socket another test holds, its
/// HTTP server say, would stay open in a child that outlives it, such as a tmux server).
final class BackgroundProcess {
    let pid: pid_t
    private var waitStatus: Int32?

    /// Starts `arguments[0]` (an absolute path) with `environment` (default: ours), standard
    /// input from /dev/null, standard output and error appended to `output` and `error`.
    init(_ arguments: [String], environment: [String: String]? = nil, output: String, error: String) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, error, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        // glibc 2.34 has the call; Swift's Glibc module does not declare it.
        if let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") {
            typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
            _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        let environment = environment ?? ProcessInfo.processInfo.environment
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in envp { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, arguments[0], &actions, &attributes, argv, envp)
        guard spawned == 0 else { throw E2EError("cannot start \(arguments[0]): \(String(cString: strerror(spawned)))") }
        self.pid = pid
    }

    deinit {
        if isRunning { kill(pid, SIGKILL) }
        _ = wait(seconds: 5)
    }

    var isRunning: Bool {
        guard waitStatus == nil else { return false }
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid { waitStatus = status }
        return waitStatus == nil
    }

    /// Waits up to `seconds` for the program to end; its exit status, 128 + the signal that
    /// ended it, or nil if it still runs.
    func wait(seconds: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        guard let status = waitStatus else { return nil }
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    /// Sends `signal` and waits up to `seconds` for the end; then SIGKILL if it still runs.
    @discardableResult
    func stop(signal: Int32 = SIGTERM, seconds: Double = 20) -> Int32? {
        guard isRunning else { return nil }
        kill(pid, signal)
        if let status = wait(seconds: seconds) { return status }
        kill(pid, SIGKILL)
        return wait(seconds: 5)
    }
}

/// A command run to its end, its output through files (a pipe can hang on an inherited end).
struct CommandRun {
    var status: Int32
    var output: String
    var error: String

    init(_ executable: String, _ arguments: [String], environment: [String: String]? = nil, seconds: Double = 60) throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("hedgetop-cmd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let out = scratch.appendingPathComponent("out").path, err = scratch.appendingPathComponent("err").path
        let process = try BackgroundProcess([executable] + arguments, environment: environment, output: out, error: err)
        guard let status = process.wait(seconds: seconds) else {
            process.stop(signal: SIGKILL)
            throw E2EError("\(executable) \(arguments.joined(separator: " ")) did not finish within \(seconds)s")
        }
        self.status = status
        output = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        error = (try? String(contentsOfFile: err, encoding: .utf8)) ?? ""
    }
}
