import HedgeCore

/// What a replay read, emitted and skipped, for the report at the end of a run.
public struct ReplayStatistics: Sendable, Hashable, CustomStringConvertible {
    public var linesRead = 0
    public var eventsEmitted = 0
    /// Lines for instruments nobody asked for, skipped before their bodies were parsed.
    var linesNotSelected = 0
    /// Control lines: headers, subscription acks, klines.
    var linesIgnored = 0
    /// Events that arrived late but within the reorder window and were put back in order.
    var eventsReordered = 0
    /// Lines or events refused, by reason.
    public var skipped: [MarketDataFault.Kind: Int] = [:]
    /// The first few messages per reason, with file and line.
    public var examples: [MarketDataFault.Kind: [String]] = [:]
    /// Facts the report must state, e.g. how spot bookTicker times were derived.
    public var notes: [String] = []
    /// Facts that may make the replay wrong, e.g. a local clock minutes off the venue's.
    public var warnings: [String] = []
    /// Instruments the data gave a funding rate for: a perpetual without one pays no funding.
    public var instrumentsWithFunding: Set<InstrumentID> = []
    /// Control lines by what they were ("kline"), where the decoder says.
    public var ignored: [String: Int] = [:]

    public init() {}

    var skippedTotal: Int { skipped.values.reduce(0, +) }

    mutating func record(_ error: ReplayError, keeping limit: Int) {
        skipped[error.fault.kind, default: 0] += 1
        if examples[error.fault.kind, default: []].count < limit {
            examples[error.fault.kind, default: []].append(error.description)
        }
    }

    /// Adds another file's counts to these.
    mutating func add(_ other: ReplayStatistics, keeping limit: Int) {
        linesRead += other.linesRead
        eventsEmitted += other.eventsEmitted
        linesNotSelected += other.linesNotSelected
        linesIgnored += other.linesIgnored
        eventsReordered += other.eventsReordered
        for (kind, count) in other.skipped { skipped[kind, default: 0] += count }
        for (kind, messages) in other.examples {
            let room = limit - examples[kind, default: []].count
            if room > 0 { examples[kind, default: []].append(contentsOf: messages.prefix(room)) }
        }
        notes.append(contentsOf: other.notes)
        warnings.append(contentsOf: other.warnings)
        instrumentsWithFunding.formUnion(other.instrumentsWithFunding)
        for (kind, count) in other.ignored { ignored[kind, default: 0] += count }
    }

    public var description: String {
        var lines = ["lines read \(linesRead), events \(eventsEmitted), not selected \(linesNotSelected), control \(linesIgnored), reordered \(eventsReordered), skipped \(skippedTotal)"]
        for kind in skipped.keys.sorted() {
            lines.append("  skipped \(kind): \(skipped[kind] ?? 0)")
            for example in examples[kind] ?? [] { lines.append("    \(example)") }
        }
        for kind in ignored.keys.sorted() { lines.append("  ignored \(kind): \(ignored[kind] ?? 0)") }
        for warning in warnings { lines.append("  WARNING: \(warning)") }
        for note in notes { lines.append("  note: \(note)") }
        return lines.joined(separator: "\n")
    }
}
