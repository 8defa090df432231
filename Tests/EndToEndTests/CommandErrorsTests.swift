import Foundation
import Testing

/// What a new user sees on a mistake: what went wrong and which option fixes it, with no internal
/// API names and no usage text when the command line itself was fine.
@Suite("Command errors")
struct CommandErrorsTests {
    @Test("a contract the catalog lacks points to --contracts, names no internal API and prints no usage")
    func unknownContract() throws {
        let run = try HedgetopProcess.run(["replay", ReplayCommandTests.cryptofeed, "--kind", "basis",
                                           "--legs", "binance-coinm:BTCUSD_PERP,binance-coinm:ETHUSD_PERP"])
        #expect(run.status == 1)
        #expect(run.error.contains("hedgetop: no contract spec for binance-coinm:ETHUSD_PERP"), "stderr: \(run.error)")
        #expect(run.error.contains("with --contracts FILE"), "stderr: \(run.error)")
        #expect(!run.error.contains("ContractCatalog") && !run.error.contains("Usage:"), "stderr: \(run.error)")
    }

    @Test("a negative --fps is read as a value and refused with the range", arguments: [["attach"], ["run"]])
    func negativeFPS(command: [String]) throws {
        let run = try HedgetopProcess.run(command + ["--fps", "-1"])
        #expect(run.status != 0)
        #expect(run.error.contains("--fps must be between 1 and 30, got -1"), "stderr: \(run.error)")
        #expect(!run.error.contains("Missing value"), "stderr: \(run.error)")
    }
}
