import HedgeCore
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A swift-log handler that appends lines to a file: while the screen is up nothing else may
/// write to the terminal.
public struct FileLogHandler: LogHandler {
    /// The open file, shared by every logger made from it.
    public final class Sink: Sendable {
        public let path: String
        private let file: Mutex<UnsafeMutablePointer<FILE>?>

        /// Opens (creating the directory if needed) `path` for appending; a new log is 0600: it
        /// tells positions and PnL.
        public init(path: String) throws(LogFileError) {
            self.path = path
            if let slash = path.lastIndex(of: "/") {
                let directory = String(path[..<slash])
                if !directory.isEmpty { Self.makeDirectories(directory) }
            }
            let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
            guard fd >= 0, let handle = fdopen(fd, "a") else {
                let reason = String(cString: strerror(errno))
                if fd >= 0 { close(fd) }
                throw LogFileError(message: "cannot open log file \(path): \(reason)")
            }
            self.file = Mutex(handle)
        }

        static func makeDirectories(_ path: String) {
            var current = path.hasPrefix("/") ? "" : "."
            for part in path.split(separator: "/") {
                current += "/" + part
                // 0700 whatever the umask: one that masks the owner's bits would leave a folder
                // its own log cannot be written in.
                guard mkdir(current, 0o700) == 0 else { continue }
                let made = open(current, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                if made >= 0 {
                    fchmod(made, 0o700)
                    close(made)
                }
            }
        }

        func write(_ line: String) {
            file.withLock { handle in
                guard let handle else { return }
                fputs(line, handle)
                fflush(handle)
            }
        }

        deinit {
            file.withLock { handle in
                if let handle { fclose(handle) }
                handle = nil
            }
        }
    }

    private let sink: Sink
    private let label: String
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]

    public init(label: String, sink: Sink) {
        self.label = label
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// The metadata key of a line's data time (a `Timestamp`): the event log's lines carry it, so
    /// the file tells the engine's time (a replay's, or the paper market's under `--speed`), not
    /// the moment the line was written.
    public static let dataTimeKey = "data_time"

    public func log(event: LogEvent) {
        var time = HedgeCoreTime.nowISO()
        if case .stringConvertible(let value)? = event.metadata?[Self.dataTimeKey], let dataTime = value as? Timestamp {
            time = dataTime.description
        }
        sink.write("\(time) \(event.level) \(label): \(event.message)\n")
    }
}

/// Why the log file could not be opened.
public struct LogFileError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}


enum HedgeCoreTime {
    static func nowISO() -> String { Timestamp.wallClockNow().description }
}
