import Foundation
import Testing

/// `hedgetop sweep` as a quant runs it, on a small slice of the 2024-08-08 BTC quotes (the
/// 500 ms CSV fixture, about 2,000 quotes): rows equal plain replays, shards merge into the
/// single run, the number of jobs changes nothing, bad input is refused with a clear message.
@Suite("Sweep command")
struct SweepCommandTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../HedgeEngineTests/Fixtures/binance_quotes_20240808_500ms.csv").standardized.path
    static let setup = [fixture, "--kind", "basis", "--legs", "binance-usdm:BTCUSDT,binance-coinm:BTCUSD_PERP"]
    static let grid = ["--entry", "1z,2z", "--exit", "0.25z,0.5z", "--taker-fee", "0.0001"]

    /// A directory of the test's own (HedgetopProcess removes its own after each run).
    static func directory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hedgetop-sweep-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func read(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    @Test("each run's report in --out DIR/reports equals `hedgetop replay ... --json` with its parameters, byte for byte")
    func rowEqualsReplay() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sweep = try HedgetopProcess.run(["sweep"] + Self.setup + Self.grid + ["--jobs", "2", "--out", "\(dir)/out"])
        #expect(sweep.status == 0, "stderr: \(sweep.error)")
        #expect(sweep.output.contains("ranked by net PnL"))
        #expect(sweep.output.contains("net PnL USD by entry \\ exit"))
        // Point 4 of entry {1z, 2z} × exit {0.25z, 0.5z}: 2z, 0.5z.
        let replay = try HedgetopProcess.run(["replay"] + Self.setup + ["--entry", "2z", "--exit", "0.5z", "--taker-fee", "0.0001", "--json", "\(dir)/replay.json"])
        #expect(replay.status == 0, "stderr: \(replay.error)")
        let row = try Self.read("\(dir)/out/reports/point-0004.json")
        #expect(row == (try Self.read("\(dir)/replay.json")))
        #expect(String(decoding: row, as: UTF8.self).contains("\"2.0z\""))
    }

    @Test("--shard 1/2 and 2/2 merged print and write what the single run does; --jobs 1 and 2 give the same")
    func shardsMergeLikeOneRun() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var outputs: [String] = []
        for jobs in ["1", "2"] {
            let whole = try HedgetopProcess.run(["sweep"] + Self.setup + Self.grid + ["--jobs", jobs, "--json", "\(dir)/whole-\(jobs).json", "--csv", "\(dir)/csv-\(jobs)"])
            #expect(whole.status == 0, "stderr: \(whole.error)")
            outputs.append(whole.output)
        }
        #expect(outputs[0] == outputs[1])
        #expect(try Self.read("\(dir)/whole-1.json") == Self.read("\(dir)/whole-2.json"))
        for index in 1...2 {
            let shard = try HedgetopProcess.run(["sweep"] + Self.setup + Self.grid + ["--shard", "\(index)/2", "--out", "\(dir)/shard\(index)"])
            #expect(shard.status == 0, "stderr: \(shard.error)")
            #expect(shard.output.isEmpty)
            #expect(FileManager.default.fileExists(atPath: "\(dir)/shard\(index)/shard-\(index)-of-2.json"))
        }
        let merged = try HedgetopProcess.run(["sweep", "merge", "\(dir)/shard2", "\(dir)/shard1", "--json", "\(dir)/merged.json", "--csv", "\(dir)/csv-merged"])
        #expect(merged.status == 0, "stderr: \(merged.error)")
        #expect(merged.output == outputs[0])
        #expect(try Self.read("\(dir)/merged.json") == Self.read("\(dir)/whole-1.json"))
        #expect(try Self.read("\(dir)/csv-merged/sweep.csv") == Self.read("\(dir)/csv-1/sweep.csv"))
    }

    @Test("with --walk-forward, shards merged give the single run's table, steps and files")
    func walkForwardShards() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let grid = ["--entry", "1z,2z", "--exit", "0.5z", "--walk-forward", "2"]
        let whole = try HedgetopProcess.run(["sweep"] + Self.setup + grid + ["--json", "\(dir)/whole.json", "--csv", "\(dir)/csv"])
        #expect(whole.status == 0, "stderr: \(whole.error)")
        #expect(whole.output.contains("walk-forward: 2 folds by data time"))
        for index in 1...2 {
            let shard = try HedgetopProcess.run(["sweep"] + Self.setup + grid + ["--jobs", "1", "--shard", "\(index)/2", "--out", "\(dir)/s\(index)"])
            #expect(shard.status == 0, "stderr: \(shard.error)")
        }
        // The fold reports are replays with --from/--to: one appears under its fold's name.
        #expect(FileManager.default.fileExists(atPath: "\(dir)/s1/reports/fold-1-point-0001.json") || FileManager.default.fileExists(atPath: "\(dir)/s2/reports/fold-1-point-0001.json"))
        let merged = try HedgetopProcess.run(["sweep", "merge", "\(dir)/s1", "\(dir)/s2", "--json", "\(dir)/merged.json", "--csv", "\(dir)/csv-merged"])
        #expect(merged.status == 0, "stderr: \(merged.error)")
        #expect(merged.output == whole.output)
        #expect(try Self.read("\(dir)/merged.json") == Self.read("\(dir)/whole.json"))
        for name in ["sweep.csv", "walk-forward.csv", "folds.csv"] {
            #expect(try Self.read("\(dir)/csv-merged/\(name)") == Self.read("\(dir)/csv/\(name)"))
        }
    }

    @Test("a fold's report is `hedgetop replay --from --to` of its window, byte for byte")
    func foldReportEqualsWindowedReplay() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sweep = try HedgetopProcess.run(["sweep"] + Self.setup + ["--entry", "1z", "--exit", "0.5z", "--walk-forward", "2", "--out", "\(dir)/out", "--json", "\(dir)/s.json"])
        #expect(sweep.status == 0, "stderr: \(sweep.error)")
        let result = try JSONSerialization.jsonObject(with: Self.read("\(dir)/s.json")) as? [String: Any]
        let folds = try #require(result?["folds"] as? [[String: Any]])
        let report = try JSONSerialization.jsonObject(with: Self.read("\(dir)/out/reports/fold-2-point-0001.json")) as? [String: Any]
        let command = try #require((report?["parameters"] as? [String: Any])?["command"] as? [String])
        #expect(folds.count == 2)
        #expect(command.contains("--from") && command.contains("--to"))
        let replay = try HedgetopProcess.run(Array(command.dropFirst()) + ["--json", "\(dir)/replay.json"])
        #expect(replay.status == 0, "stderr: \(replay.error)")
        #expect(try Self.read("\(dir)/replay.json") == Self.read("\(dir)/out/reports/fold-2-point-0001.json"))
    }

    @Test("the README's GNU parallel example: two shards as local processes, then merge")
    func gnuParallel() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let hedgetop = try TmuxSession.hedgetopPath()
        let quoted = (Self.setup + Self.grid).map { "'\($0)'" }.joined(separator: " ")
        let script = """
        cd '\(dir)' && parallel --will-cite --halt now,fail=1 '\(hedgetop)' sweep \(quoted) --jobs 1 --shard {}/2 --out shards/{} ::: 1 2 \
        && '\(hedgetop)' sweep merge shards/* --json merged.json
        """
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/bin/sh")
        check.arguments = ["-c", "parallel --version 2>/dev/null | grep -q 'GNU parallel'"]
        try check.run()
        check.waitUntilExit()
        guard check.terminationStatus == 0 else {
            Issue.record("GNU parallel is not installed (.ci/run installs it; moreutils' parallel is another program)")
            return
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        var environment = ProcessInfo.processInfo.environment
        environment["XDG_STATE_HOME"] = dir + "/state"
        environment["HOME"] = dir
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(text.contains("ranked by net PnL"))
        let whole = try HedgetopProcess.run(["sweep"] + Self.setup + Self.grid + ["--json", "\(dir)/whole.json"])
        #expect(whole.output == text)
        #expect(try Self.read("\(dir)/merged.json") == Self.read("\(dir)/whole.json"))
    }

    @Test("bad input is refused with a clear message and nothing runs", arguments: [
        (["--kind", "basis"], "nothing to sweep"),
        (["--entry", "2z,oops"], "--entry: 'oops' is not a threshold"),
        (["--entry", "2z", "--shard", "3/2", "--out", "/tmp/x"], "I must be between 1 and 2"),
        (["--entry", "2z", "--shard", "0/2", "--out", "/tmp/x"], "I must be between 1 and 2"),
        (["--entry", "2z", "--shard", "1/2"], "give one"),
        (["--entry", "2z", "--walk-forward", "1"], "at least 2 folds"),
        (["--entry", "2z,3z", "--heatmap", "entry,oops"], "'oops' is not a parameter"),
    ])
    func badInput(extra: [String], message: String) throws {
        let result = try HedgetopProcess.run(["sweep"] + Self.setup + extra)
        #expect(result.status != 0)
        #expect(result.error.contains(message), "stderr: \(result.error)")
        #expect(!result.output.contains("ranked by net PnL"))
    }

    @Test("a missing file is refused before anything runs")
    func missingFile() throws {
        let result = try HedgetopProcess.run(["sweep", "/nonexistent/day.csv", "--kind", "basis", "--legs", "binance-usdm:BTCUSDT,binance-coinm:BTCUSD_PERP", "--entry", "2z"])
        #expect(result.status != 0)
        #expect(result.error.contains("cannot read /nonexistent/day.csv"))
    }

    @Test("merge refuses shards of two different sweeps, naming the file")
    func mergeRefusesOtherSweep() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let a = try HedgetopProcess.run(["sweep"] + Self.setup + ["--entry", "1z,2z", "--jobs", "1", "--shard", "1/2", "--out", "\(dir)/a"])
        let b = try HedgetopProcess.run(["sweep"] + Self.setup + ["--entry", "1z,3z", "--jobs", "1", "--shard", "2/2", "--out", "\(dir)/b"])
        #expect(a.status == 0 && b.status == 0)
        let merged = try HedgetopProcess.run(["sweep", "merge", "\(dir)/a", "\(dir)/b"])
        #expect(merged.status == 1)
        #expect(merged.error.contains("belongs to another sweep"), "stderr: \(merged.error)")
        let missing = try HedgetopProcess.run(["sweep", "merge", "\(dir)/a"])
        #expect(missing.status == 1)
        #expect(missing.error.contains("missing shard 2/2"), "stderr: \(missing.error)")
    }
}
