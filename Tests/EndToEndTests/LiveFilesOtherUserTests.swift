import Foundation
import Testing

/// What `record` and LIVE-PAPER write (recordings, the spec cache) cannot be steered by another
/// local user: a folder they made, or a symlink they planted where the folder should be, is
/// refused with a clear message and nothing is written through it or read from it. Needs root,
/// to make the traps as nobody.
@Suite("Live files: another user's traps", .serialized,
       .enabled(if: OtherUser.available, "needs root and setpriv or runuser, to run one side as nobody"))
struct LiveFilesOtherUserTests {
    let base: String

    init() throws {
        base = FileManager.default.temporaryDirectory.appendingPathComponent("hedgetop-traps-\(UUID().uuidString)").path
        // A shared, sticky folder like /tmp, where nobody may create entries.
        try FileManager.default.createDirectory(atPath: base + "/shared", withIntermediateDirectories: true)
        chmod(base, 0o755)
        chmod(base + "/shared", 0o1777)
        try FileManager.default.createDirectory(atPath: base + "/mine", withIntermediateDirectories: true)
        chmod(base + "/mine", 0o700)
    }

    /// Runs `command` as nobody (the trap maker).
    func asNobody(_ command: [String]) throws {
        let prefix = try #require(OtherUser.prefix)
        let run = try CommandRun(prefix[0], Array(prefix.dropFirst()) + command)
        try #require(run.status == 0, "as nobody: \(command) failed: \(run.error)")
    }

    /// hedgetop as us, in our own folder, with its state there too.
    func hedgetop(_ arguments: [String], environment extra: [String: String] = [:]) throws -> (status: Int32, error: String) {
        var environment = ProcessInfo.processInfo.environment
        environment["XDG_STATE_HOME"] = base + "/mine/state"
        environment.merge(extra) { $1 }
        let run = try CommandRun("/usr/bin/env", ["-C", base + "/mine", try TmuxSession.hedgetopPath()] + arguments, environment: environment)
        return (run.status, run.error)
    }

    /// `record` towards a closed loopback port: the folder is checked before any connection.
    func record(into folder: String) throws -> (status: Int32, error: String) {
        try hedgetop(["record", "--venue", "binance-usdm", "--symbols", "BTCUSDT", "--out", folder,
                      "--ws-url", "ws://127.0.0.1:1", "--rest-url", "http://127.0.0.1:1", "--duration", "1"])
    }

    @Test("record refuses a folder nobody made (mode 0777) and writes nothing into it")
    func recordRefusesAnotherUsersFolder() throws {
        defer { try? FileManager.default.removeItem(atPath: base) }
        let folder = base + "/shared/recordings"
        try asNobody(["/bin/mkdir", "-m", "0777", folder])
        let run = try record(into: folder)
        #expect(run.status != 0)
        #expect(run.error.contains("\(folder) belongs to another user: refused"), "stderr: \(run.error)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
    }

    @Test("record refuses a symlink nobody planted towards a folder of ours, and writes nothing through it")
    func recordRefusesAPlantedSymlink() throws {
        defer { try? FileManager.default.removeItem(atPath: base) }
        let target = base + "/mine/target"
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        let link = base + "/shared/recordings"
        try asNobody(["/bin/ln", "-s", target, link])
        let run = try record(into: link)
        #expect(run.status != 0)
        #expect(run.error.contains("symlink"), "stderr: \(run.error)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: target).isEmpty)
    }

    @Test("LIVE-PAPER neither reads specs planted in a cache folder nobody made nor writes there, and says so")
    func livePaperRefusesAnotherUsersSpecCache() throws {
        defer { try? FileManager.default.removeItem(atPath: base) }
        let cache = base + "/shared/cache"
        try asNobody(["/bin/mkdir", "-p", "-m", "0777", cache + "/hedgetop/specs"])
        let planted = cache + "/hedgetop/specs/binance-usdm.fapi-exchangeInfo.json"
        try asNobody(["/bin/sh", "-c", #"echo '{"symbols":[{"symbol":"BTCUSDT","contractType":"PERPETUAL","status":"TRADING","baseAsset":"BTC","quoteAsset":"USDT","marginAsset":"USDT","filters":[{"filterType":"PRICE_FILTER","tickSize":"1000"},{"filterType":"LOT_SIZE","stepSize":"1","minQty":"1"}]}]}' > "# + planted])
        let config = base + "/mine/live.toml"
        try """
        [journal]
        path = "\(base)/mine/journal.sqlite"

        [venues.binance-usdm]
        kind = "binance-usdm"
        ws_url = "ws://127.0.0.1:1"
        rest_url = "http://127.0.0.1:1"

        [venues.binance-coinm]
        kind = "binance-coinm"
        ws_url = "ws://127.0.0.1:1"
        rest_url = "http://127.0.0.1:1"

        [[strategies]]
        name = "btc"
        kind = "cross"
        legs = ["binance-usdm:BTCUSDT", "binance-coinm:BTCUSD_PERP"]
        target_notional = 20000
        entry = "2z"
        exit = "0.5z"
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let before = try Data(contentsOf: URL(fileURLWithPath: planted))
        let run = try hedgetop(["run", "--headless", "--config", config, "--duration", "1"], environment: ["XDG_CACHE_HOME": cache])
        #expect(run.error.contains("binance-usdm: specs not fetched"), "stderr: \(run.error)")
        #expect(run.error.contains("the built-in table (cache refused: \(cache)/hedgetop/specs belongs to another user: refused)"), "stderr: \(run.error)")
        #expect(!run.error.contains("using specs cached"), "stderr: \(run.error)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: planted)) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: cache + "/hedgetop/specs") == ["binance-usdm.fapi-exchangeInfo.json"])
    }
}
