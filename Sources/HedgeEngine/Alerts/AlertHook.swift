import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The trader's own alert command (`serve --on-alert CMD`): `/bin/sh -c CMD` with the alert's
/// JSON on standard input, in a process group of its own so a timeout kills the whole pipeline
/// (`curl` under `sh` included). Blocking: `AlertNotifier` runs it on a thread of its own, never
/// on the engine's path.
public struct AlertHook: Sendable {
    public var command: String
    /// Killed (the whole group, SIGKILL) when it has not finished by then.
    public var timeout: Duration

    /// How much of the command's output is kept for the log; the rest is counted, not read into memory.
    public static let outputLimit = 300
    public static let defaultTimeout: Duration = .seconds(10)

    public init(command: String, timeout: Duration = defaultTimeout) {
        self.command = command
        self.timeout = timeout
    }

    /// How a run ended.
    public enum Outcome: Sendable, Hashable {
        case exited(status: Int32)
        case signalled(Int32)
        case timedOut
        case failedToStart(String)
    }

    /// A run's end and the start of what it printed (standard output and error together), made
    /// safe to log: control characters and invalid UTF-8 shown escaped, cut at `outputLimit`.
    public struct Run: Sendable, Hashable {
        public var outcome: Outcome
        public var output: String
        /// Bytes printed beyond the part kept.
        public var outputDropped: Int
    }

    /// Runs the command with `input` on its standard input; returns when it exits or is killed.
    public func run(input: [UInt8]) -> Run {
        // A command that exits without reading its input makes our write raise SIGPIPE, which
        // would end hedgetop: blocked on this thread meanwhile, the write fails with EPIPE
        // instead, and a SIGPIPE left pending is taken before the old mask comes back.
        var pipeSignal = sigset_t(), previous = sigset_t()
        sigemptyset(&pipeSignal)
        sigaddset(&pipeSignal, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &pipeSignal, &previous)
        defer {
            var pending = sigset_t()
            sigpending(&pending)
            if sigismember(&pending, SIGPIPE) == 1 && sigismember(&previous, SIGPIPE) == 0 {
                var none = timespec(tv_sec: 0, tv_nsec: 0)
                _ = sigtimedwait(&pipeSignal, nil, &none)
            }
            pthread_sigmask(SIG_SETMASK, &previous, nil)
        }
        return spawnAndWait(input: input)
    }

    private func spawnAndWait(input: [UInt8]) -> Run {
        var stdinPipe: [Int32] = [-1, -1], outPipe: [Int32] = [-1, -1]
        guard pipe(&stdinPipe) == 0 else { return Run(outcome: .failedToStart("pipe: \(String(cString: strerror(errno)))"), output: "", outputDropped: 0) }
        guard pipe(&outPipe) == 0 else {
            close(stdinPipe[0]); close(stdinPipe[1])
            return Run(outcome: .failedToStart("pipe: \(String(cString: strerror(errno)))"), output: "", outputDropped: 0)
        }
        // Our ends are not inherited, and never block us.
        for fd in [stdinPipe[1], outPipe[0]] {
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdinPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 2)
        // Nothing else of ours (the control socket, the journal) reaches the command.
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
        // Default dispositions: serve ignores SIGPIPE and SIGHUP, the command should not.
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))
        let words: [String] = ["/bin/sh", "-c", command]
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/sh", &actions, &attributes, argv, environ)
        close(stdinPipe[0])
        close(outPipe[1])
        guard spawned == 0 else {
            close(stdinPipe[1]); close(outPipe[0])
            return Run(outcome: .failedToStart("/bin/sh: \(String(cString: strerror(spawned)))"), output: "", outputDropped: 0)
        }
        var collector = OutputCollector()
        var pending = input[...]
        var stdinOpen = true
        let deadline = ContinuousClock.now + timeout
        var status: Int32 = 0
        var outcome: Outcome?
        while outcome == nil {
            if stdinOpen {
                if pending.isEmpty {
                    close(stdinPipe[1]); stdinOpen = false
                } else {
                    let written = pending.withUnsafeBytes { write(stdinPipe[1], $0.baseAddress, $0.count) }
                    if written > 0 { pending = pending.dropFirst(written) } else if written < 0, errno != EAGAIN, errno != EINTR {
                        // The command closed its input without reading it all (EPIPE): its choice.
                        close(stdinPipe[1]); stdinOpen = false
                    }
                }
            }
            collector.drain(outPipe[0])
            if waitpid(pid, &status, WNOHANG) == pid {
                let signal = status & 0x7f
                outcome = signal == 0 ? .exited(status: (status >> 8) & 0xff) : .signalled(signal)
            } else if ContinuousClock.now >= deadline {
                kill(-pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                outcome = .timedOut
            } else {
                usleep(5_000)
            }
        }
        // What it printed before it ended; a child it left behind keeps no hold on us.
        collector.drain(outPipe[0])
        if stdinOpen { close(stdinPipe[1]) }
        close(outPipe[0])
        return Run(outcome: outcome!, output: collector.text, outputDropped: collector.dropped)
    }
}

/// The start of a command's output, bounded, and how much more there was.
private struct OutputCollector {
    var kept: [UInt8] = []
    var dropped = 0

    mutating func drain(_ fd: Int32) {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard count > 0 else { return }
            let room = max(0, AlertHook.outputLimit - kept.count)
            kept += buffer[0..<min(room, count)]
            dropped += max(0, count - room)
        }
    }

    /// Printable: invalid UTF-8 becomes U+FFFD, control characters (escape sequences, newlines)
    /// are written as \u{..} so a log line stays one line and cannot steer a terminal.
    var text: String {
        String(decoding: kept, as: UTF8.self).unicodeScalars.map { scalar in
            scalar.properties.generalCategory == .control || scalar.properties.generalCategory == .format
                ? "\\u{\(String(scalar.value, radix: 16))}" : String(scalar)
        }.joined()
    }
}
