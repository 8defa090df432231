import Foundation
import Testing

/// `hedgetop replay --set A.toml --set B.toml --jobs N`: independent replays at once, each
/// report the one `hedgetop replay --config` prints for that file, in the order given, whatever
/// the number of jobs.
@Suite("Replay sets")
struct ReplaySetsCommandTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../HedgeEngineTests/Fixtures/binance_quotes_20240808_500ms.csv").standardized.path

    static func config(entry: String, exit: String) -> String {
        """
        [replay]
        files = ["\(fixture)"]

        [[strategies]]
        name = "basis-\(entry)"
        kind = "basis"
        legs = ["binance-usdm:BTCUSDT", "binance-coinm:BTCUSD_PERP"]
        entry = "\(entry)"
        exit = "\(exit)"
        target_notional = 50000
        """
    }

    static let files = ["a.toml": config(entry: "2z", exit: "0.5z"), "b.toml": config(entry: "1z", exit: "0.25z"),
                        "bad.toml": "[[strategies]]\nkind = \"basis\"\nlegs = [\"nowhere:X\"]\n"]

    @Test("each set's report is the one `replay --config` prints for it, in the order given; --jobs 1 and 2 print the same")
    func setsEqualSingleReplays() throws {
        let single = try ["a.toml", "b.toml"].map { name in
            let run = try HedgetopProcess.run(["replay", "--config", name], files: Self.files)
            #expect(run.status == 0, "stderr: \(run.error)")
            return run.output
        }
        #expect(single[0] != single[1])
        var outputs: [String] = []
        for jobs in ["1", "2"] {
            let sets = try HedgetopProcess.run(["replay", "--set", "b.toml", "--set", "a.toml", "--jobs", jobs], files: Self.files)
            #expect(sets.status == 0, "stderr: \(sets.error)")
            outputs.append(sets.output)
        }
        // Paths relative to the run's directory, so the reports (which name the file) compare.
        let headers = outputs.map { $0.split(separator: "\n").filter { $0.hasPrefix("== set ") } }
        let reports = outputs.map { $0.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("== set ") }.joined(separator: "\n") }
        #expect(reports[0] == reports[1])
        for header in headers {
            #expect(header.count == 2)
            #expect(header.first?.hasPrefix("== set 1 of 2: ") == true && header.first?.hasSuffix("b.toml ==") == true)
            #expect(header.last?.hasPrefix("== set 2 of 2: ") == true && header.last?.hasSuffix("a.toml ==") == true)
        }
        // Under the headers, exactly what each single replay printed, in the order given.
        #expect(reports[0] == single[1] + "\n" + single[0])
    }

    @Test("a set that cannot start is named with its errors, the others still replay, and the exit status is 1")
    func badSetIsNamedAndTheRestRun() throws {
        let run = try HedgetopProcess.run(["replay", "--set", "bad.toml", "--set", "a.toml"], files: Self.files)
        #expect(run.status == 1)
        #expect(run.error.contains("set 1 (") && run.error.contains("bad.toml): "), "\(run.error)")
        #expect(run.error.contains("1 of 2 sets failed"))
        #expect(run.output.contains("== set 2 of 2: ") && run.output.contains("basis-2z"))
    }

    @Test("--set with files, --json or --watch, and --jobs without --set, are refused with the reason")
    func badCombinationsAreRefused() throws {
        let files = try HedgetopProcess.run(["replay", Self.fixture, "--set", "a.toml"], files: Self.files)
        #expect(files.status != 0 && files.error.contains("--set takes each set's files from its configuration file"))
        let json = try HedgetopProcess.run(["replay", "--set", "a.toml", "--json", "$DIR/r.json"], files: Self.files)
        #expect(json.status != 0 && json.error.contains("leave out --watch, --json"))
        let jobs = try HedgetopProcess.run(["replay", "--config", "a.toml", "--jobs", "2"], files: Self.files)
        #expect(jobs.status != 0 && jobs.error.contains("--jobs is for --set"))
        let zero = try HedgetopProcess.run(["replay", "--set", "a.toml", "--jobs", "0"], files: Self.files)
        #expect(zero.status != 0 && zero.error.contains("--jobs must be at least 1"))
    }
}
