import Foundation

/// Where a sweep writes and reads its files: `--out DIR` (shard results and each run's replay
/// report), `--json FILE`, `--csv DIR`. Files are opened with O_NOFOLLOW (a symbolic link in a
/// file's place is refused, never followed), mode 0644; directories are made 0755 when missing.
public enum SweepOutputFiles {
    /// Makes sure `directory` is a directory this process can write in, creating it when missing;
    /// `option` names the option in the message.
    public static func prepareDirectory(_ directory: String, option: String) throws(SweepError) {
        var status = stat()
        if lstat(directory, &status) == 0 {
            guard status.st_mode & S_IFMT == S_IFDIR else {
                throw SweepError("\(option) \(directory): not a directory\((status.st_mode & S_IFMT) == S_IFLNK ? " (a symbolic link, never followed)" : ""); give a directory")
            }
        } else {
            do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755]) }
            catch { throw SweepError("\(option) \(directory): cannot create the directory; give a directory you can write") }
        }
        guard access(directory, W_OK | X_OK) == 0 else {
            throw SweepError("\(option) \(directory): cannot write in the directory (\(String(cString: strerror(errno)))); give a directory you can write")
        }
    }

    /// Writes `data` to `path` (replacing it), never through a symbolic link.
    public static func write(_ data: Data, to path: String, option: String) throws(SweepError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            let code = errno
            let why = code == ELOOP ? "it is a symbolic link, which is never followed" : String(cString: strerror(code))
            throw SweepError("\(option): cannot write \(path): \(why)")
        }
        defer { close(descriptor) }
        let bytes = [UInt8](data)
        var written = 0
        while written < bytes.count {
            let result = bytes[written...].withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
            if result < 0 {
                if errno == EINTR { continue }
                throw SweepError("\(option): writing \(path) failed: \(String(cString: strerror(errno)))")
            }
            written += result
        }
    }

    /// Pretty JSON with sorted keys: the same value gives the same bytes.
    public static func json<T: Encodable>(_ value: T) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return (try? encoder.encode(value)) ?? Data()
    }

    /// The file name of a run's replay report in `--out DIR/reports`.
    public static func reportName(_ run: SweepRun) -> String {
        func padded(_ number: Int) -> String { let text = String(number); return String(repeating: "0", count: max(0, 4 - text.count)) + text }
        return (run.fold.map { "fold-\($0)-" } ?? "") + "point-\(padded(run.point.index + 1)).json"
    }

    /// Writes `--json` and `--csv` of a finished sweep (the same for a run and a merge).
    public static func writeResult(_ result: SweepResult, json: String?, csv: String?) throws(SweepError) {
        if let json { try write(Self.json(result), to: json, option: "--json") }
        if let csv {
            try prepareDirectory(csv, option: "--csv")
            for (name, text) in result.csvFiles { try write(Data(text.utf8), to: (csv as NSString).appendingPathComponent(name), option: "--csv") }
        }
    }

    /// Every shard file (`shard-I-of-N.json`) in `directories`, decoded, in the order found.
    public static func readShards(in directories: [String]) throws(SweepError) -> [(path: String, file: SweepShardFile)] {
        var shards: [(path: String, file: SweepShardFile)] = []
        for directory in directories {
            let names: [String]
            do { names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted() }
            catch { throw SweepError("cannot read the directory \(directory): give a directory a sweep wrote with --out") }
            let found = names.filter { $0.hasPrefix("shard-") && $0.hasSuffix(".json") }
            guard !found.isEmpty else { throw SweepError("\(directory) holds no shard file (shard-I-of-N.json): give a directory a sweep wrote with --out") }
            for name in found {
                let path = (directory as NSString).appendingPathComponent(name)
                var status = stat()
                guard lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFREG else {
                    throw SweepError("\(path): not a regular file (a symbolic link is never followed)")
                }
                do {
                    let data = try Data(contentsOf: URL(fileURLWithPath: path))
                    shards.append((path, try JSONDecoder().decode(SweepShardFile.self, from: data)))
                } catch {
                    throw SweepError("\(path): not a readable sweep shard file (\(error.localizedDescription))")
                }
            }
        }
        return shards
    }
}
