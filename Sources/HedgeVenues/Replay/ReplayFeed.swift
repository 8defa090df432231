import HedgeCore

/// Real recorded market data as a `MarketFeed`: several files of mixed formats merged by venue
/// event time, only the instruments asked for, bad lines skipped and counted or fatal by policy.
///
/// The feed reads files lazily in large chunks; its readers are reference types, so a copy of a
/// `ReplayFeed` shares its position with the original: use one value.
public struct ReplayFeed: MarketFeed {
    public let contracts: [ContractSpec]
    public let instruments: [InstrumentID]
    public let options: ReplayOptions
    private var files: [PrefetchedFile]
    /// Events handed out by `next()` come from here, a batch at a time.
    private var pending = MarketBatch()
    private var pendingIndex = 0
    /// Per file with more than one: the index of its next event in its batch.
    private var heads: [Int]
    private var emitted = 0
    /// The error that stopped the replay under `.stop`, for `next()` callers.
    public private(set) var failure: ReplayError?
    /// The venue time of the newest event handed out: where the data ended once the feed is
    /// drained, however fast or slow the engine ran it (a replay report's end time).
    public private(set) var lastEventTime: Timestamp?

    /// - Parameters:
    ///   - sources: files to merge; cryptofeed `*.http.*` snapshot files seed their `*.ws.*` sibling.
    ///   - instruments: what reaches the engine ("binance-usdm:BTCUSDT"); everything else is skipped.
    ///   - catalog: where contract specs come from; instruments it lacks are left out of `contracts`
    ///     and named in the statistics' notes.
    public init(sources: [ReplaySource], instruments: [InstrumentID], options: ReplayOptions = ReplayOptions(),
                catalog: ContractCatalog = .builtIn) throws(ReplayError) {
        self.instruments = instruments
        self.options = options
        var specs: [ContractSpec] = []
        var notes: [String] = []
        for id in instruments {
            do throws(UnknownContract) { specs.append(try catalog.spec(for: id)) }
            catch { notes.append(error.description) }
        }
        contracts = specs
        var symbolsByVenue: [String: [String]] = [:]
        for id in instruments { symbolsByVenue[id.venue, default: []].append(id.symbol) }
        let snapshotFiles = sources.filter(\.isSnapshotFile)
        let chains = try Self.consecutiveFiles(sources)
        var fileReplays: [FileReplay] = []
        for source in sources where !source.isSnapshotFile {
            var readers: [any RecordingReader] = []
            do throws(MarketDataFault) {
                switch source.format {
                case .binance(let venue):
                    guard let symbols = symbolsByVenue[venue] else {
                        notes.append("\(source.path): no instrument of \(venue) selected; file not read")
                        continue
                    }
                    var seeds = source.siblingSnapshotFiles()
                    for explicit in snapshotFiles where explicit.cryptofeedPrefix == source.cryptofeedPrefix && !seeds.contains(explicit.path) {
                        seeds.append(explicit.path)
                    }
                    // A file that continues another is read by that one's chain.
                    guard let chain = chains[source.path] else { continue }
                    readers = [try BinanceRecording(paths: chain, venue: venue, symbols: symbols, snapshotFiles: seeds)]
                case .bybit:
                    readers = try BybitRecording.readers(path: source.path, selected: symbolsByVenue)
                case .quoteCSV:
                    readers = [try QuoteCSV(path: source.path, instruments: instruments)]
                }
            } catch {
                throw ReplayError(file: source.path, line: 0, fault: error)
            }
            let window: Duration
            switch source.format {
            case .quoteCSV: window = .zero
            case .binance: window = options.reorderWindow ?? .milliseconds(250)
            case .bybit: window = options.reorderWindow ?? .seconds(3)
            }
            for reader in readers {
                fileReplays.append(FileReplay(reader: reader, window: window, options: options, instruments: instruments))
            }
        }
        if let first = fileReplays.first { first.statistics.notes.insert(contentsOf: notes, at: 0) }
        self.files = fileReplays.map(PrefetchedFile.init)
        self.heads = Array(repeating: 0, count: files.count)
        self.pending = MarketBatch(instruments: instruments)
    }

    /// Binance `<local> <json>` files of one venue that follow each other in time (each starting
    /// at or after the previous one's last stamp, in any order on the command line) are read as
    /// one chain, so the depth book carries across them. Keyed by the path of each chain's first
    /// file (the chain in time order); a file that continues another has no key of its own, and a
    /// file alone is a chain of one.
    static func consecutiveFiles(_ sources: [ReplaySource]) throws(ReplayError) -> [String: [String]] {
        var chains: [String: [String]] = [:]
        var byVenue: [String: [ReplaySource]] = [:]
        for source in sources where !source.isSnapshotFile {
            guard let venue = source.binanceVenue else { continue }
            if source.cryptofeedPrefix != nil { chains[source.path] = [source.path]; continue }
            byVenue[venue, default: []].append(source)
        }
        for group in byVenue.values {
            guard group.count > 1 else {
                chains[group[0].path] = [group[0].path]
                continue
            }
            var ranged: [(path: String, first: Int64, last: Int64)] = []
            for source in group {
                do throws(MarketDataFault) {
                    guard let range = try BinanceRecording.stampRange(path: source.path) else {
                        chains[source.path] = [source.path]
                        continue
                    }
                    ranged.append((source.path, range.first, range.last))
                } catch {
                    throw ReplayError(file: source.path, line: 0, fault: error)
                }
            }
            ranged.sort { $0.first != $1.first ? $0.first < $1.first : $0.path < $1.path }
            var open: [(head: String, last: Int64)] = []
            for file in ranged {
                // The chain this file continues: the one whose last file ended before it starts.
                if let index = open.firstIndex(where: { $0.last <= file.first }) {
                    chains[open[index].head]?.append(file.path)
                    open[index].last = file.last
                } else {
                    chains[file.path] = [file.path]
                    open.append((file.path, file.last))
                }
            }
        }
        return chains
    }

    /// Builds sources from paths, telling formats and venues from the file names.
    public init(paths: [String], instruments: [InstrumentID], options: ReplayOptions = ReplayOptions(),
                catalog: ContractCatalog = .builtIn) throws(ReplayError) {
        var sources: [ReplaySource] = []
        for path in paths { sources.append(try ReplaySource(path: path)) }
        try self.init(sources: sources, instruments: instruments, options: options, catalog: catalog)
    }

    /// What has been read, emitted and skipped so far. Events are read a batch ahead of their
    /// use (`PrefetchedFile`), so mid-replay the counts run up to a few batches ahead of
    /// what the engine has processed; at the end they are exact.
    public var statistics: ReplayStatistics {
        var total = ReplayStatistics()
        for file in files { total.add(file.statistics, keeping: options.examplesPerReason) }
        total.eventsEmitted = emitted
        return total
    }

    /// `MarketFeed`: the next event, or nil at the end or when `.stop` hit a bad line (see `failure`).
    public mutating func next() -> MarketEvent? {
        if pendingIndex == pending.count {
            guard failure == nil else { return nil }
            // Out of `self` while filling: no copy of its storage, no overlapping access.
            var batch = MarketBatch()
            swap(&batch, &pending)
            fill(&batch)
            swap(&batch, &pending)
            pendingIndex = 0
            if pending.isEmpty { return nil }
        }
        pendingIndex += 1
        return pending.event(at: pendingIndex - 1)
    }

    /// The next event in venue-time order; throws the first bad line under `.stop`.
    mutating func nextEvent() throws(ReplayError) -> MarketEvent? {
        if let event = next() { return event }
        if let failure { throw failure }
        return nil
    }

    /// `MarketFeed`: the next events as rows, quotes without a `MarketEvent` each; empty at the
    /// end or when `.stop` hit a bad line (see `failure`).
    public mutating func nextBatch(into batch: inout MarketBatch) {
        if pendingIndex < pending.count {
            // Left over from `next()`: hand those out first.
            batch.removeAll()
            while pendingIndex < pending.count {
                batch.append(row: pendingIndex, of: pending)
                pendingIndex += 1
            }
            return
        }
        guard failure == nil else {
            batch.removeAll()
            return
        }
        fill(&batch)
    }

    /// Replaces `batch`'s rows with the next events in venue-time order (ties go to the earlier
    /// file); records the error that stops the replay in `failure`, after the events before it.
    private mutating func fill(_ batch: inout MarketBatch) {
        if !batch.startsWith(instruments) { batch = MarketBatch(instruments: instruments) }
        batch.removeAll()
        do throws(ReplayError) {
            if files.count == 1 {
                // One file: its batch becomes the caller's, no row copied.
                try files[0].fill()
                files[0].swapDecoded(with: &batch)
            } else {
                try merge(into: &batch)
            }
        } catch {
            failure = error
        }
        emitted += batch.count
        if batch.count > 0 { lastEventTime = batch.rows[batch.count - 1].time }
    }

    /// Merges the files' batches by time; k is small (a few files): a linear scan beats a heap.
    private mutating func merge(into batch: inout MarketBatch) throws(ReplayError) {
        while batch.count < MarketBatch.preferredCount {
            var best = -1
            var bestTime = Int64.max
            for index in files.indices {
                if heads[index] == files[index].decoded.count {
                    if files[index].isFinished { continue }
                    try files[index].fill()
                    heads[index] = 0
                    if files[index].decoded.isEmpty { continue }
                }
                let time = files[index].decoded.rows[heads[index]].time.nanoseconds
                if time < bestTime {
                    best = index
                    bestTime = time
                }
            }
            guard best >= 0 else { return }
            batch.append(row: heads[best], of: files[best].decoded)
            heads[best] += 1
        }
    }
}

/// One file's events in venue-time order: decodes lines, applies the bad-input policy, and puts
/// events that arrive slightly late (within the reorder window) back in order. Events come out a
/// batch at a time (`decoded`); quote CSV rows go straight from bytes into the batch.
final class FileReplay {
    let reader: any RecordingReader
    /// The reader when it is the quote CSV, for its row path.
    let csv: QuoteCSV?
    let window: Int64
    let options: ReplayOptions
    // Per-line state skips dynamic exclusivity checks: one feed, one caller, no overlapping access.
    @exclusivity(unchecked) var statistics = ReplayStatistics()
    /// The events released by the last `fill()`.
    @exclusivity(unchecked) var decoded: MarketBatch
    /// One line's events (the general path).
    @exclusivity(unchecked) private var lineEvents: [MarketEvent] = []
    @exclusivity(unchecked) private var buffer = ReorderBuffer()
    @exclusivity(unchecked) private var newest = Int64.min
    @exclusivity(unchecked) private var lastReleased = Int64.min
    @exclusivity(unchecked) private var ended = false
    /// A bad line met after some events of a batch: thrown by the next `fill()`, so the events
    /// before it go out first.
    @exclusivity(unchecked) private var pendingError: ReplayError?
    /// `ReplayOptions.jumpLimit` in nanoseconds; `.max` when off.
    let jumpLimit: Int64
    /// An event further than `jumpLimit` ahead of the clock, waiting for the next event to
    /// confirm or contradict it, with its line and the clock it jumped from.
    @exclusivity(unchecked) private var held: (event: MarketEvent, line: Int, clock: Int64)? {
        didSet { isHolding = held != nil }
    }
    /// `held != nil`, kept as a plain flag: the per-row checks read it without copying the event.
    @exclusivity(unchecked) private var isHolding = false

    init(reader: any RecordingReader, window: Duration, options: ReplayOptions, instruments: [InstrumentID]) {
        self.reader = reader
        self.csv = reader as? QuoteCSV
        self.window = window.nanosecondsClamped
        self.options = options
        self.jumpLimit = options.jumpLimit?.nanosecondsClamped ?? .max
        self.decoded = MarketBatch(instruments: instruments)
        lineEvents.reserveCapacity(64)
        statistics.notes = reader.notes
        statistics.warnings = reader.warnings
    }

    /// Nothing more to read or release.
    var isFinished: Bool { ended && buffer.isEmpty && pendingError == nil && !isHolding }

    /// Replaces `decoded` with the next events (up to `limit`); empty at the end.
    func fill(limit: Int = MarketBatch.preferredCount) throws(ReplayError) {
        decoded.removeAll()
        if let error = pendingError {
            pendingError = nil
            throw error
        }
        do throws(ReplayError) {
            while decoded.count < limit {
                if window == 0 {
                    if ended { return }
                    if let csv {
                        if !isHolding {
                            statistics.linesRead += csv.readPlainRows(into: &decoded, limit: limit,
                                                                      lastReleased: &lastReleased, jumpLimit: jumpLimit)
                        }
                        if decoded.count < limit { try readRow(csv) }
                    } else {
                        try readLine()
                    }
                } else if let earliest = buffer.earliestTime, ended || earliest <= newest &- window {
                    if let event = buffer.popEarliest() {
                        lastReleased = event.time.nanoseconds
                        decoded.append(event)
                    }
                } else {
                    if ended { return }
                    try readLine()
                }
            }
        } catch {
            if decoded.isEmpty { throw error }
            pendingError = error
        }
    }

    /// One CSV line, its quote appended to `decoded` if it passes the order check.
    private func readRow(_ csv: QuoteCSV) throws(ReplayError) {
        let before = decoded.count
        let outcome: DecodeOutcome?
        do throws(MarketDataFault) {
            outcome = try csv.readQuote(into: &decoded)
        } catch {
            statistics.linesRead += 1
            try refuse(error)
            return
        }
        guard let outcome else { end(); return }
        count(outcome)
        // Strict order; a CSV line holds at most one event.
        guard decoded.count > before else { return }
        let time = decoded.rows[decoded.count - 1].time.nanoseconds
        if time < lastReleased {
            let event = decoded.event(at: decoded.count - 1)
            decoded.removeLast()
            try refuse(outOfOrder(event))
            return
        }
        if isHolding || Self.isJump(time, after: lastReleased, limit: jumpLimit) {
            let event = decoded.event(at: decoded.count - 1)
            decoded.removeLast()
            try admit(event)
            return
        }
        lastReleased = time
    }

    /// True when `time` is more than `limit` after `clock` (and the clock has started); never
    /// when `limit` is `.max` (the check is off).
    static func isJump(_ time: Int64, after clock: Int64, limit: Int64) -> Bool {
        guard limit != .max, clock != .min, time > clock else { return false }
        let (gap, overflowed) = time.subtractingReportingOverflow(clock)
        return overflowed || gap > limit
    }

    /// The end of the file: a held event has nothing after it to contradict it, so it is used.
    private func end() {
        ended = true
        if isHolding, let held {
            self.held = nil
            accept(held.event)
        }
    }

    /// Takes an event that passed the order check: first settles a held far event against it,
    /// then holds this one if it is itself far ahead (`ReplayOptions.jumpLimit`), else uses it.
    private func admit(_ event: MarketEvent) throws(ReplayError) {
        let time = event.time.nanoseconds
        if isHolding, let held {
            self.held = nil
            let (gap, overflowed) = held.event.time.nanoseconds.subtractingReportingOverflow(time)
            if time >= held.event.time.nanoseconds || (!overflowed && gap <= window) {
                accept(held.event)
            } else {
                try refuse(farAhead(held.event, from: held.clock, next: event), line: held.line)
            }
        }
        if Self.isJump(time, after: window == 0 ? lastReleased : newest, limit: jumpLimit) {
            held = (event, reader.lines.lineNumber, window == 0 ? lastReleased : newest)
            return
        }
        accept(event)
    }

    /// Uses an event: straight into the batch in strict order, or into the reorder buffer.
    private func accept(_ event: MarketEvent) {
        let time = event.time.nanoseconds
        if window == 0 {
            lastReleased = time
            decoded.append(event)
        } else {
            if time < newest { statistics.eventsReordered += 1 }
            newest = max(newest, time)
            buffer.push(event)
        }
    }

    /// One line read and what became of it, for the statistics.
    private func count(_ outcome: DecodeOutcome) {
        switch outcome {
        case .decoded: statistics.linesRead += 1
        case .notSelected: statistics.linesRead += 1; statistics.linesNotSelected += 1
        case .ignored: statistics.linesRead += 1; statistics.linesIgnored += 1
        case .kline: statistics.linesRead += 1; statistics.linesIgnored += 1; statistics.ignored["kline", default: 0] += 1
        case .elsewhere: break
        }
    }

    private func readLine() throws(ReplayError) {
        lineEvents.removeAll(keepingCapacity: true)
        let outcome: DecodeOutcome?
        do throws(MarketDataFault) {
            outcome = try reader.readLine(into: &lineEvents)
        } catch {
            lineEvents.removeAll(keepingCapacity: true)
            statistics.linesRead += 1
            try refuse(error)
            return
        }
        guard let outcome else { end(); return }
        count(outcome)
        // Order check: strict for CSV, within the window for recordings.
        var index = 0
        // By index: iterating a copy while writing back would copy the array.
        while index < lineEvents.count {
            let event = lineEvents[index]
            index += 1
            let time = event.time.nanoseconds
            if case .fundingRate(let id, _, _, _) = event { statistics.instrumentsWithFunding.insert(id) }
            if time < lastReleased || (window > 0 && newest != .min && time < newest - window) {
                switch event {
                case .bookUpdate(let id, _), .depth(let id, _): reader.bookEventRefused(id)
                case .quote, .trade, .mark, .fundingRate: break
                }
                try refuse(outOfOrder(event))
                continue
            }
            try admit(event)
        }
    }

    private func outOfOrder(_ event: MarketEvent) -> MarketDataFault {
        MarketDataFault(.outOfOrder, "\(event.instrument) at \(event.time) is earlier than \(Timestamp(nanoseconds: max(lastReleased, newest))), beyond the \(window / 1_000_000) ms reorder window; sort the file or widen ReplayOptions.reorderWindow")
    }

    private func farAhead(_ event: MarketEvent, from clock: Int64, next: MarketEvent) -> MarketDataFault {
        MarketDataFault(.outOfOrder, "\(event.instrument) at \(event.time) is more than \(jumpLimit / 1_000_000_000) s ahead of the time before it (\(Timestamp(nanoseconds: clock))) and of the next (\(next.time)); skipped so that one bad time does not move the replay's clock (see ReplayOptions.jumpLimit)")
    }

    /// Counts a bad line (or throws it under `.stop`); `line` when it is not the line just read.
    private func refuse(_ fault: MarketDataFault, line: Int? = nil) throws(ReplayError) {
        let error = ReplayError(file: reader.lines.name, line: line ?? reader.lines.lineNumber + (fault.kind == .truncatedGzip ? 1 : 0), fault: fault)
        switch options.policy {
        case .skip: statistics.record(error, keeping: options.examplesPerReason)
        case .stop: throw error
        }
    }
}
