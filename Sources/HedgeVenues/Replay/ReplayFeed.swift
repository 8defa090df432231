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
    private var files: [FileReplay]
    /// The next event of each file, nil once it has ended.
    private var heads: [MarketEvent?]
    private var started = false
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
        var files: [FileReplay] = []
        for source in sources where !source.isSnapshotFile {
            let reader: any RecordingReader
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
                    reader = try BinanceRecording(path: source.path, venue: venue, symbols: symbols, snapshotFiles: seeds)
                case .bybit:
                    reader = try BybitRecording(path: source.path, selected: symbolsByVenue)
                case .quoteCSV:
                    reader = try QuoteCSV(path: source.path, instruments: instruments)
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
            files.append(FileReplay(reader: reader, window: window, options: options))
        }
        if let first = files.first { first.statistics.notes.insert(contentsOf: notes, at: 0) }
        self.files = files
        self.heads = Array(repeating: nil, count: files.count)
    }

    /// Builds sources from paths, telling formats and venues from the file names.
    public init(paths: [String], instruments: [InstrumentID], options: ReplayOptions = ReplayOptions(),
                catalog: ContractCatalog = .builtIn) throws(ReplayError) {
        var sources: [ReplaySource] = []
        for path in paths { sources.append(try ReplaySource(path: path)) }
        try self.init(sources: sources, instruments: instruments, options: options, catalog: catalog)
    }

    /// What has been read, emitted and skipped so far.
    public var statistics: ReplayStatistics {
        var total = ReplayStatistics()
        for file in files { total.add(file.statistics, keeping: options.examplesPerReason) }
        total.eventsEmitted = emitted
        return total
    }

    /// `MarketFeed`: the next event, or nil at the end or when `.stop` hit a bad line (see `failure`).
    public mutating func next() -> MarketEvent? {
        guard failure == nil else { return nil }
        do throws(ReplayError) { return try nextEvent() } catch {
            failure = error
            return nil
        }
    }

    /// The next event in venue-time order; throws the first bad line under `.stop`.
    public mutating func nextEvent() throws(ReplayError) -> MarketEvent? {
        if !started {
            started = true
            for index in files.indices { heads[index] = try files[index].next() }
        }
        // k is small (a few files): a linear scan beats a heap. Ties go to the earlier file.
        var best = -1
        var bestTime = Int64.max
        for index in heads.indices {
            if let head = heads[index], head.time.nanoseconds < bestTime {
                best = index
                bestTime = head.time.nanoseconds
            }
        }
        guard best >= 0 else { return nil }
        let event = heads[best]
        heads[best] = try files[best].next()
        emitted += 1
        lastEventTime = event?.time
        return event
    }
}

/// One file's events in venue-time order: decodes lines, applies the bad-input policy, and puts
/// events that arrive slightly late (within the reorder window) back in order.
final class FileReplay {
    let reader: any RecordingReader
    let window: Int64
    let options: ReplayOptions
    // Per-line state skips dynamic exclusivity checks: one feed, one caller, no overlapping access.
    @exclusivity(unchecked) var statistics = ReplayStatistics()
    @exclusivity(unchecked) private var decoded: [MarketEvent] = []
    @exclusivity(unchecked) private var decodedIndex = 0
    @exclusivity(unchecked) private var buffer = ReorderBuffer()
    @exclusivity(unchecked) private var newest = Int64.min
    @exclusivity(unchecked) private var lastReleased = Int64.min
    @exclusivity(unchecked) private var ended = false

    init(reader: any RecordingReader, window: Duration, options: ReplayOptions) {
        self.reader = reader
        self.window = window.nanosecondsClamped
        self.options = options
        decoded.reserveCapacity(64)
        statistics.notes = reader.notes
    }

    func next() throws(ReplayError) -> MarketEvent? {
        while true {
            if window == 0 {
                if decodedIndex < decoded.count {
                    let event = decoded[decodedIndex]
                    decodedIndex += 1
                    return event
                }
            } else if let earliest = buffer.earliestTime, ended || earliest <= newest &- window {
                let event = buffer.popEarliest()
                if let event { lastReleased = event.time.nanoseconds }
                return event
            }
            if ended { return nil }
            try readLine()
        }
    }

    private func readLine() throws(ReplayError) {
        decoded.removeAll(keepingCapacity: true)
        decodedIndex = 0
        let outcome: DecodeOutcome?
        do throws(MarketDataFault) {
            outcome = try reader.readLine(into: &decoded)
        } catch {
            decoded.removeAll(keepingCapacity: true)
            statistics.linesRead += 1
            try refuse(error)
            return
        }
        guard let outcome else { ended = true; return }
        statistics.linesRead += 1
        switch outcome {
        case .decoded: break
        case .notSelected: statistics.linesNotSelected += 1
        case .ignored: statistics.linesIgnored += 1
        }
        // Order check: strict for CSV, within the window for recordings.
        var kept = 0
        var index = 0
        // By index: iterating a copy while writing back would copy the array.
        while index < decoded.count {
            let event = decoded[index]
            index += 1
            let time = event.time.nanoseconds
            if time < lastReleased || (window > 0 && newest != .min && time < newest - window) {
                try refuse(MarketDataFault(.outOfOrder, "\(event.instrument) at \(event.time) is earlier than \(Timestamp(nanoseconds: max(lastReleased, newest))), beyond the \(window / 1_000_000) ms reorder window; sort the file or widen ReplayOptions.reorderWindow"))
                continue
            }
            if window == 0 {
                lastReleased = time
                decoded[kept] = event
                kept += 1
            } else {
                if time < newest { statistics.eventsReordered += 1 }
                newest = max(newest, time)
                buffer.push(event)
            }
        }
        if kept < decoded.count { decoded.removeSubrange(kept...) }
    }

    private func refuse(_ fault: MarketDataFault) throws(ReplayError) {
        let error = ReplayError(file: reader.lines.name, line: reader.lines.lineNumber + (fault.kind == .truncatedGzip ? 1 : 0), fault: fault)
        switch options.policy {
        case .skip: statistics.record(error, keeping: options.examplesPerReason)
        case .stop: throw error
        }
    }
}
