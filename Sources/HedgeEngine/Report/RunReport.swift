import HedgeCore
import HedgeVenues

/// The end-of-run report of a replay (or any run): what traded, what it earned and cost, how
/// long each state lasted, how fast orders came back, and what input was skipped and why.
/// Money is written as exact decimal strings; `--json` writes this same structure.
public struct RunReport: Sendable, Codable {
    public struct Money: Sendable, Codable, Hashable {
        public var realised: FixedDecimal
        public var unrealised: FixedDecimal
        public var fees: FixedDecimal
        public var funding: FixedDecimal
        public var net: FixedDecimal
    }

    public struct Strategy: Sendable, Codable {
        public var name: String
        public var kind: StrategyKind
        public var legs: [String]
        var finalState: StrategyStateName
        public var haltReason: String?
        public var cycles: Int
        public var trades: [RunRecord.Trade]
        /// USD; inverse legs valued at their last mark.
        public var pnl: Money
        var maxDrawdown: FixedDecimal
        /// Seconds in each state.
        var secondsInState: [String: Double]
        /// Signed contract quantity left open per leg at the end.
        var openPositions: [String: FixedDecimal]
        /// The closed cycles' nets added up (each in USD at its close).
        var closedCyclesNet: FixedDecimal
        /// `pnl.net` minus `closedCyclesNet`, exactly; `outsideCyclesReason` says where it comes from.
        var outsideCycles: FixedDecimal
        var outsideCyclesReason: String?
        /// Legs that never had a quote in the whole run: nothing could trade.
        public var legsWithoutQuotes: [String]
        /// Why nothing traded, when nothing did (nil otherwise).
        var noTradeReason: String?
        /// Every entry the rule looked at, by what it decided (also when spreads did open).
        public var entryChecks: EntryCheckTally
        /// What the data lacked for this strategy's result (funding rates); absent when nothing.
        var warnings: [String]?
        /// Every order execution, each cycle with its PnL split, the equity curve (net PnL in USD
        /// at each fill, funding and cycle end, and every 0.1 s of data it moved) and the statistics:
        /// filled in by `addExecutions` (RunReport+Executions).
        public var fills: [ExecutionRecord.FillRow] = []
        public var cycleResults: [CycleRow] = []
        public var equity: [ExecutionRecord.EquityPoint] = []
        /// The least spacing of the equity curve's marks between events, in seconds of data time
        /// (0.1, doubled each time a long run's marks were thinned).
        public var equityMarkSpacingSeconds: Double?
        public var statistics: Statistics?
    }

    public struct Latency: Sendable, Codable {
        public var orders: Int
        public var rejected: Int
        var p50Millis: Double?
        var p90Millis: Double?
        var p99Millis: Double?
        var maxMillis: Double?
    }

    public struct Input: Sendable, Codable {
        public var linesRead: Int
        public var events: Int
        public var skipped: [String: Int]
        public var examples: [String: [String]]
        public var notes: [String]
        /// What may make the replay wrong (a local clock minutes off the venue's); absent when none.
        public var warnings: [String]?
        /// Control lines counted by what they were ("kline"); absent when none.
        public var ignored: [String: Int]?

        public init(linesRead: Int, events: Int, skipped: [String: Int], examples: [String: [String]], notes: [String],
                    warnings: [String] = [], ignored: [String: Int] = [:]) {
            self.ignored = ignored.isEmpty ? nil : ignored
            self.linesRead = linesRead
            self.events = events
            self.skipped = skipped
            self.examples = examples
            self.notes = notes
            self.warnings = warnings.isEmpty ? nil : warnings
        }
    }

    /// Fills priced from the top of book alone (before the first depth update the rest of an
    /// order fills one tick worse), out of all fills, and their orders.
    public struct TopOfBookOnly: Sendable, Codable {
        public var fills: Int
        public var ofFills: Int
        public var orders: [String]
    }

    public var from: Timestamp
    public var to: Timestamp
    public var strategies: [Strategy]
    public var latency: Latency
    public var topOfBookOnly: TopOfBookOnly
    public var input: Input?
    /// Wall-clock seconds the run took: only when asked for (`replay --timing`), since it is not
    /// part of the deterministic result.
    public var wallSeconds: Double?
    /// What produced the run (files with their hashes, strategies, venues, the command line):
    /// set by the replay command (ReplayParameters).
    public var parameters: ReplayParameters?

    /// Builds the report from a finished engine. A replay ends at its last event's venue time,
    /// the same headless or on the screen (where the loop's clock may run a little past it).
    public init(engine: Engine, from: Timestamp, input: Input?, wallSeconds: Double? = nil) {
        let record = engine.record
        // The feed reads a batch ahead: a replay stopped part-way ends at the engine's time.
        let end = min((engine.marketFeed as? ReplayFeed)?.lastEventTime ?? engine.now, engine.now)
        self.from = from
        self.to = end
        let stateTimes = record.timeInState(upTo: end)
        let withFunding = (engine.marketFeed as? ReplayFeed)?.statistics.instrumentsWithFunding
        let entryChecks = engine.entryChecks
        strategies = zip(engine.machines, entryChecks).map { machine, checks in
            let config = machine.config
            let breakdown = machine.pnlBreakdown()
            let money = Money(realised: breakdown?.realised ?? .zero, unrealised: breakdown?.unrealised ?? .zero,
                              fees: breakdown?.fees ?? .zero, funding: breakdown?.funding ?? .zero, net: breakdown?.net ?? .zero)
            var seconds: [String: Double] = [:]
            for (state, duration) in stateTimes[config.name] ?? [:] { seconds[state.rawValue] = duration.secondsDouble }
            var open: [String: FixedDecimal] = [:]
            for leg in Leg.allCases where !machine.positions[leg].isFlat {
                open[config.legs[leg].id.description] = machine.positions[leg].quantity
            }
            let trades = record.trades.filter { $0.strategy == config.name }
            let closedNet = trades.compactMap(\.netPnL).reduce(FixedDecimal.zero) { (try? $0 + $1) ?? $0 }
            let outside = (try? money.net - closedNet) ?? .zero
            let withoutQuotes = Leg.allCases.filter { machine.quotes[$0] == nil }.map { config.legs[$0].id.description }
            return Strategy(
                name: config.name, kind: config.kind, legs: [config.legs.a.id.description, config.legs.b.id.description],
                finalState: machine.stateName, haltReason: machine.haltReason, cycles: machine.completedCycles,
                trades: trades, pnl: money, maxDrawdown: record.maxDrawdown,
                secondsInState: seconds, openPositions: open, closedCyclesNet: closedNet, outsideCycles: outside,
                outsideCyclesReason: outside.isZero ? nil : Self.outsideReason(open: !open.isEmpty, inverse: config.legs.a.margining == .inverse || config.legs.b.margining == .inverse),
                legsWithoutQuotes: withoutQuotes,
                noTradeReason: trades.isEmpty ? Self.noTradeReason(withoutQuotes: withoutQuotes, checks: checks, entry: config.entry) : nil,
                entryChecks: checks,
                warnings: withFunding.flatMap { Self.fundingWarnings(trades: trades, legs: [config.legs.a, config.legs.b], end: end, withFunding: $0) })
        }
        let sorted = record.orderLatencies.map { $0.secondsDouble * 1000 }.sorted()
        func percentile(_ p: Double) -> Double? {
            guard !sorted.isEmpty else { return nil }
            let rank = Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1
            return sorted[min(max(rank, 0), sorted.count - 1)]
        }
        latency = Latency(orders: record.ordersSent, rejected: record.ordersRejected, p50Millis: percentile(50),
                          p90Millis: percentile(90), p99Millis: percentile(99), maxMillis: sorted.last)
        topOfBookOnly = TopOfBookOnly(fills: record.topOfBookOnlyFills, ofFills: record.fillCount,
                                      orders: record.topOfBookOnlyOrders.map(\.rawValue))
        self.input = input
        self.wallSeconds = wallSeconds
        addExecutions(engine: engine, end: end)
    }

    /// Where net PnL not in a closed cycle comes from, as far as the report can tell.
    static func outsideReason(open: Bool, inverse: Bool) -> String {
        var parts: [String] = []
        if open { parts.append("the open spread's PnL") }
        if inverse { parts.append("coin-settled PnL and fees valued at the last price, not at each close") }
        if parts.isEmpty { parts.append("fills outside a closed cycle") }
        return parts.joined(separator: "; ")
    }

    /// A perpetual leg that held a position at one of its funding times while the data had no
    /// funding rate for it: the replay paid no funding there, so its PnL leaves funding out.
    /// Funding times are the multiples of the contract's interval since the epoch (00:00, 08:00
    /// and 16:00 UTC for eight hours); a cycle holds its legs from entry to exit (or the end).
    static func fundingWarnings(trades: [RunRecord.Trade], legs: [ContractSpec], end: Timestamp, withFunding: Set<InstrumentID>) -> [String]? {
        var warnings: [String] = []
        for spec in legs where spec.kind == .perpetual && !withFunding.contains(spec.id) {
            guard let interval = spec.fundingInterval?.nanosecondsClamped, interval > 0 else { continue }
            var times: [Timestamp] = []
            for trade in trades {
                let closed = (trade.closedAt ?? end).nanoseconds
                var due = (trade.openedAt.nanoseconds / interval + 1) * interval
                while due <= closed {
                    if !times.contains(Timestamp(nanoseconds: due)) { times.append(Timestamp(nanoseconds: due)) }
                    due += interval
                }
            }
            guard let first = times.min() else { continue }
            warnings.append("\(spec.id) held a position at \(times.count) funding time\(times.count == 1 ? "" : "s") (first \(first)) and the data has no funding rate for it: no funding was paid or received there, and the PnL leaves it out")
        }
        return warnings.isEmpty ? nil : warnings
    }

    /// Why a strategy never traded, from what the run shows: a leg with no quotes, or what the
    /// entry rule decided on each look (`EntryCheckTally`).
    static func noTradeReason(withoutQuotes: [String], checks: EntryCheckTally, entry: Threshold) -> String {
        if !withoutQuotes.isEmpty {
            return "no quotes for \(withoutQuotes.joined(separator: " and ")) in the data, so the spread never existed"
        }
        return checks.noTradeReason(entry: entry)
    }

    /// Whether the run had data for every leg: a replay where a leg never had a quote fails.
    public var legsWithoutQuotes: [String] { strategies.flatMap(\.legsWithoutQuotes).reduce(into: []) { if !$0.contains($1) { $0.append($1) } } }

    /// A holding time: tenths of a second when short, compact otherwise.
    static func holding(_ duration: Duration) -> String {
        let seconds = duration.secondsDouble
        return seconds < 10 ? "\((seconds * 10).rounded() / 10)s" : duration.compact
    }

    /// The report as people read it.
    public var text: String {
        var lines: [String] = []
        lines.append("replay \(from) → \(to) (\((to - from).compact) of data)")
        if let input {
            let skipped = input.skipped.values.reduce(0, +)
            lines.append("input: \(input.linesRead) lines, \(input.events) events, \(skipped) skipped")
            for reason in input.skipped.keys.sorted() {
                lines.append("  skipped \(reason): \(input.skipped[reason] ?? 0)")
                for example in input.examples[reason] ?? [] { lines.append("    \(example)") }
            }
            for warning in input.warnings ?? [] { lines.append("  WARNING: \(warning)") }
            for kind in (input.ignored ?? [:]).keys.sorted() { lines.append("  ignored \(kind): \(input.ignored?[kind] ?? 0)") }
            for note in input.notes { lines.append("  note: \(note)") }
        }
        for strategy in strategies {
            lines.append("")
            lines.append("\(strategy.name) (\(strategy.kind)) \(strategy.legs.joined(separator: " / "))")
            lines.append("  final state \(strategy.finalState)\(strategy.haltReason.map { ": \($0)" } ?? ""), cycles \(strategy.cycles)")
            for leg in strategy.legsWithoutQuotes { lines.append("  warning: \(leg) never had a quote in this data (is its file missing?)") }
            if let reason = strategy.noTradeReason { lines.append("  no trades: \(reason)") }
            if let line = strategy.entryChecks.line(reasons: strategy.noTradeReason == nil) { lines.append("  \(line)") }
            for warning in strategy.warnings ?? [] { lines.append("  WARNING: \(warning)") }
            for (index, trade) in strategy.trades.enumerated() {
                let exit = trade.exitSpreadBps.map { "\($0.formatted(places: 1)) bps" } ?? "open"
                let net = trade.netPnL.map { $0.formatted(places: 2, plusSign: true) } ?? "—"
                let held = trade.closedAt.map { Self.holding($0 - trade.openedAt) } ?? "—"
                lines.append("  #\(index + 1) \(CivilTime(trade.openedAt).clock) entry \(trade.entrySpreadBps.formatted(places: 1)) bps → exit \(exit), held \(held), net \(net) USD\(trade.reason.map { " (\($0))" } ?? "")")
            }
            let pnl = strategy.pnl
            lines.append("  PnL USD: price \(pnl.realised.formatted(places: 2, plusSign: true)), open \(pnl.unrealised.formatted(places: 2, plusSign: true)), fees \(pnl.fees.negated.formatted(places: 2, plusSign: true)), funding \(pnl.funding.formatted(places: 2, plusSign: true)), net \(pnl.net.formatted(places: 2, plusSign: true))")
            if let reason = strategy.outsideCyclesReason, strategy.trades.contains(where: { $0.netPnL != nil }) {
                lines.append("  closed cycles sum to \(strategy.closedCyclesNet.formatted(places: 2, plusSign: true)), net differs by \(strategy.outsideCycles.formatted(places: 2, plusSign: true)) (exactly \(strategy.outsideCycles.formatted(places: 8, plusSign: true))): \(reason)")
            }
            lines.append("  max drawdown \(strategy.maxDrawdown.formatted(places: 2)) USD")
            let states = strategy.secondsInState.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }
                .map { "\($0.key) \(Duration.milliseconds(Int64($0.value * 1000)).compact)" }
            lines.append("  time in state: \(states.joined(separator: ", "))")
            if !strategy.openPositions.isEmpty {
                lines.append("  still open: \(strategy.openPositions.map { "\($0.key) \($0.value)" }.sorted().joined(separator: ", "))")
            }
            lines += Self.executionLines(strategy, from: from, to: to)
        }
        lines.append("")
        func ms(_ value: Double?) -> String { value.map { "\(($0 * 10).rounded() / 10) ms" } ?? "—" }
        if topOfBookOnly.ofFills > 0 {
            let which = topOfBookOnly.orders.isEmpty ? "" : " (orders \(topOfBookOnly.orders.joined(separator: ", ")))"
            lines.append("fills with only the top of book to go on: \(topOfBookOnly.fills) of \(topOfBookOnly.ofFills)\(which)")
        }
        lines.append("orders \(latency.orders), rejected \(latency.rejected); round trip p50 \(ms(latency.p50Millis)), p90 \(ms(latency.p90Millis)), p99 \(ms(latency.p99Millis)), max \(ms(latency.maxMillis))")
        lines += parameterLines
        return lines.joined(separator: "\n")
    }
}
