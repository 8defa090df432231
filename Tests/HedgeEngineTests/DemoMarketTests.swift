@testable import HedgeCore
@testable import HedgeVenues
import Testing
@testable import HedgeEngine

/// The demo's trading looks like a market's, not a machine's: over half an hour of data some
/// cycles, winners and losers, held for more than a few seconds (not 68 cycles, 82 % winners and
/// a median hold of 5 s, as before the market was matched to the recordings), and still a first
/// cycle within a couple of minutes.
@Suite("The demo market trades like a real one")
struct DemoMarketTests {
    static let start = Timestamp(seconds: 1_800_000_000)

    struct Outcome: CustomStringConvertible {
        var cycles: Int
        var winners: Int
        var medianHold: Duration
        var firstOpen: Duration?
        var firstClose: Duration?
        var net: FixedDecimal

        var description: String {
            "\(cycles) cycles, \(winners) won (\(cycles == 0 ? 0 : winners * 100 / cycles) %), median hold \(medianHold.compact), "
                + "first opened after \(firstOpen?.compact ?? "—"), closed after \(firstClose?.compact ?? "—"), net \(net) USD"
        }
    }

    /// `name` on `seed` for `minutes` of data time.
    static func outcome(_ name: PaperScenario.Name, seed: UInt64 = 42, minutes: Int64 = 30) -> Outcome {
        let engine = name.scenario(start: start, seed: seed).makeEngine(startedAt: start)
        engine.run(until: start + .seconds(minutes * 60))
        let closed = engine.record.trades.filter { $0.closedAt != nil && $0.netPnL != nil }
        let holds = closed.map { $0.closedAt! - $0.openedAt }.sorted()
        return Outcome(cycles: closed.count, winners: closed.filter { $0.netPnL!.isPositive }.count,
                       medianHold: holds.isEmpty ? .zero : holds[holds.count / 2],
                       firstOpen: engine.record.trades.first.map { $0.openedAt - start },
                       firstClose: closed.first.map { $0.closedAt! - start },
                       net: closed.reduce(FixedDecimal.zero) { (try? $0 + $1.netPnL!) ?? $0 })
    }

    @Test("seed 42, half an hour: at most 30 cycles, at most four in five won, a median hold of 10 s or more, a first trade within 2 minutes",
          arguments: PaperScenario.Name.allCases)
    func halfAnHour(name: PaperScenario.Name) throws {
        let outcome = Self.outcome(name)
        print("\(name), seed 42, 30 min: \(outcome)")
        #expect((3...30).contains(outcome.cycles), "\(outcome)")
        #expect(outcome.winners * 100 <= outcome.cycles * 80, "\(outcome)")
        #expect(outcome.medianHold >= .seconds(10), "\(outcome)")
        let first = try #require(outcome.firstOpen, "\(outcome)")
        #expect(first <= .seconds(120), "\(outcome)")
    }
}
