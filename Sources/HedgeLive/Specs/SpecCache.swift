import Foundation
import HedgeCore
import HedgeEngine
import HedgeVenues
#if canImport(Glibc)
import Glibc
#endif

/// Contract specs fetched from the venues at start (exchangeInfo, instruments-info) and kept on
/// disk, owner-only (0600 files in a 0700 directory, replaced without following symlinks), so a
/// start without the venue trades on the last specs it saw and says how old they are.
public struct SpecCache: Sendable {
    public let directory: String
    /// How long a start waits for a venue's specs before it uses the cache.
    public var fetchTimeout: Duration

    public init(directory: String, fetchTimeout: Duration = .seconds(5)) {
        self.directory = directory
        self.fetchTimeout = fetchTimeout
    }

    /// `$XDG_CACHE_HOME/hedgetop/specs`, else `~/.cache/hedgetop/specs`.
    public static func defaultDirectory() -> String {
        let environment = ProcessInfo.processInfo.environment
        let base = environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? (NSHomeDirectory() + "/.cache")
        return base + "/hedgetop/specs"
    }

    /// The cache file of a venue; its name tells `ContractCatalog` which venue's shape it is.
    func path(_ kind: LiveVenueKind) -> String {
        let name = switch kind {
        case .binanceUSDM: "binance-usdm.fapi-exchangeInfo.json"
        case .binanceCOINM: "binance-coinm.dapi-exchangeInfo.json"
        case .binanceSpot: "binance-spot.api-exchangeInfo.json"
        case .bybitLinear: "bybit-linear.instruments-info.json"
        case .bybitSpot: "bybit-spot.instruments-info.json"
        }
        return directory + "/" + name
    }

    /// Creates the directory (and its parents) owner-only; refuses one that is a symlink, another
    /// user's, or open to others.
    func prepare() throws(LiveFailure) {
        var status = stat()
        if lstat(directory, &status) != 0 {
            do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700]) }
            catch { throw LiveFailure("cannot create \(directory): \(error.localizedDescription)") }
            guard lstat(directory, &status) == 0 else { throw LiveFailure("cannot create \(directory)") }
        }
        guard status.st_mode & S_IFMT == S_IFDIR else { throw LiveFailure("\(directory) is not a directory (a symlink is refused)") }
        guard status.st_uid == getuid() else { throw LiveFailure("\(directory) belongs to another user: refused") }
        if status.st_mode & 0o077 != 0 { chmod(directory, 0o700) }
    }

    /// Saves a venue's raw answer.
    func save(_ body: [UInt8], for kind: LiveVenueKind) throws(LiveFailure) {
        try prepare()
        do throws(PrivateFileReplacement.Failure) { try PrivateFileReplacement.replace(path(kind), with: Data(body)) }
        catch { throw LiveFailure("cannot save specs to \(path(kind)): \(error.reason)") }
    }

    /// When a venue's specs were saved, if they were: a regular file of ours, never a symlink.
    func savedAt(_ kind: LiveVenueKind) -> Date? {
        var status = stat()
        guard lstat(path(kind), &status) == 0, status.st_mode & S_IFMT == S_IFREG, status.st_uid == getuid() else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(status.st_mtim.tv_sec))
    }

    /// Fetches each venue's specs (caching them), or falls back to the cached copy, or to the
    /// built-in table; returns the catalog and one line per venue saying which it used. A cache
    /// directory that is not safely ours (another user's, a symlink) is neither read nor written:
    /// specs planted there would size every order.
    public func load(_ endpoints: [LiveEndpoint], now: Date = Date()) async -> (catalog: ContractCatalog, notes: [String]) {
        var catalog = ContractCatalog.builtIn
        var notes: [String] = []
        var cacheProblem: String?
        do throws(LiveFailure) { try prepare() } catch { cacheProblem = error.message }
        for endpoint in endpoints {
            let kind = endpoint.kind
            var fetched: [UInt8]?
            var fetchProblem = "?"
            do {
                let client = try RESTClient(endpoint: endpoint)
                defer { Task { await client.shutdown() } }
                fetched = try await client.get(BinanceConnector.trimmed(endpoint.restURL) + kind.specsPath, timeout: fetchTimeout)
            } catch {
                fetchProblem = "\(error)"
            }
            if let body = fetched {
                // Spot's exchangeInfo has no contract fields the catalog reads yet: it is cached
                // for the record, and the built-in spot table is used.
                if kind != .binanceSpot {
                    var candidate = catalog
                    do throws(ContractFileError) { try candidate.load(Data(body), named: path(kind)) } catch {
                        notes.append("\(kind.rawValue): the venue's specs are unreadable (\(error)); using \(cachedOrBuiltIn(kind, into: &catalog, cacheProblem: cacheProblem, now: now))")
                        continue
                    }
                    catalog = candidate
                }
                let kept: String
                if let cacheProblem {
                    kept = "not cached: \(cacheProblem)"
                } else {
                    do throws(LiveFailure) { try save(body, for: kind); kept = "cached in \(directory)" } catch { kept = "not cached: \(error.message)" }
                }
                notes.append("\(kind.rawValue): specs fetched and \(kept)\(kind == .binanceSpot ? "; using the built-in spot table" : "")")
                continue
            }
            if kind == .binanceSpot {
                notes.append("\(kind.rawValue): specs not fetched (\(fetchProblem)); using the built-in spot table")
                continue
            }
            notes.append("\(kind.rawValue): specs not fetched (\(fetchProblem)); using \(cachedOrBuiltIn(kind, into: &catalog, cacheProblem: cacheProblem, now: now))")
        }
        return (catalog, notes)
    }

    /// Loads the cached specs of `kind` when the cache is safely ours and holds them; says which
    /// specs are in use.
    private func cachedOrBuiltIn(_ kind: LiveVenueKind, into catalog: inout ContractCatalog, cacheProblem: String?, now: Date) -> String {
        if let cacheProblem { return "the built-in table (cache refused: \(cacheProblem))" }
        guard let saved = savedAt(kind) else { return "the built-in table (none cached)" }
        var candidate = catalog
        do throws(ContractFileError) {
            try candidate.load(contentsOf: URL(fileURLWithPath: path(kind)))
        } catch {
            return "the built-in table (cached specs unreadable: \(error))"
        }
        catalog = candidate
        return "specs cached \(Self.age(now.timeIntervalSince(saved))) ago"
    }

    /// "45s", "12m", "3h05m", "2d4h".
    static func age(_ seconds: Double) -> String {
        let total = max(0, Int(seconds))
        if total < 60 { return "\(total)s" }
        if total < 3600 { return "\(total / 60)m" }
        if total < 86_400 { return "\(total / 3600)h\(String(format: "%02d", total % 3600 / 60))m" }
        return "\(total / 86_400)d\(total % 86_400 / 3600)h"
    }
}
