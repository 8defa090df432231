import ArgumentParser
import Foundation
import HedgeCore
import HedgeEngine
#if DEBUG
@_spi(Testing) import HedgeEngine
#endif
import HedgeVenues
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// What `hedgetop run` does with open spreads when it is told to stop.
enum ExitPolicy: String, ExpressibleByArgument, CaseIterable {
    /// Leave them open: the journal and the venue state hold them; the next start recovers them.
    case keep
    /// Close them through the strategies and wait (bounded) until flat.
    case flatten
}

extension HalfOpenPolicy: ExpressibleByArgument {}

/// Set by SIGHUP (the terminal went away): the run stops as for SIGTERM, and flattens whatever
/// `--on-exit` says, because nobody is left to watch an open spread.
let hangupRequested = Atomic<Bool>(false)

/// SIGINT and SIGTERM stop the run; SIGHUP stops it and flattens.
func installShutdownSignals() {
    installStopSignals()
    signal(SIGHUP) { _ in
        hangupRequested.store(true, ordering: .relaxed)
        stopRequested.store(true, ordering: .relaxed)
    }
}

extension Hedgetop.Run {
    /// The engine for this run, recovered from the journal and the venue state: a corrupt,
    /// locked or newer journal (or venue state) is a clear message and no trading.
    static func makeRecoveredEngine(journalPath: String, venueStatePath: String, policy: HalfOpenPolicy, logger: Logger,
                             market: (_ start: Timestamp, _ listed: Timestamp, _ initialPrice: Double?) throws -> PaperScenario) throws -> (Engine, JournalLock) {
        func fail(_ message: String) -> ExitCode {
            printError("hedgetop: \(message); not trading")
            return ExitCode.failure
        }
        let directory = (journalPath as NSString).deletingLastPathComponent
        if !directory.isEmpty { try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        let lock: JournalLock
        let journal: Journal
        let ledgers: [VenueLedger]
        do {
            lock = try JournalLock(journalPath: journalPath)
            journal = try Journal(path: journalPath)
        } catch {
            throw fail("\(error)")
        }
        var state: VenueStateFile
        let marks: [InstrumentID: FixedDecimal]
        do {
            state = VenueStateFile(path: venueStatePath, journalID: try journal.identity())
            ledgers = try state.load()
            marks = try state.loadMarks()
            state.carriedMarks = marks
        } catch {
            throw fail("\(error)")
        }
        // The clock never runs backwards across a restart.
        var start = Timestamp.wallClockNow()
        if let latest = try? journal.latestTime(), latest >= start { start = latest + .milliseconds(1) }
        // The dated contracts are the journal's, whatever day this start is: their symbols stay
        // the ones its positions are held in.
        var listed: Timestamp
        do { listed = try journal.contractsListedAt(firstStart: start) } catch { throw fail("\(error)") }
        // Contracts that expired while nothing ran: a position in one is refused (the paper venue
        // settles only while it runs); with none held, new contracts are listed from now.
        let probe = try market(start, listed, nil)
        let expired = probe.expiredContracts(at: start)
        if !expired.isEmpty {
            let held = probe.positionsInExpiredContracts(ledgers, at: start)
            let names = expired.map { "\($0.id) (expired \($0.kind.expiry.map { CivilTime($0).isoString(millisecond: false) } ?? "?"))" }
            if !held.isEmpty {
                let positions = held.map { "\($0.spec.id) \($0.quantity.isNegative ? "short" : "long") \($0.quantity.magnitude)" }
                throw fail("this journal's dated contracts were listed \(CivilTime(listed).isoString(millisecond: false)) and \(names.joined(separator: ", ")) expired while nothing ran; the venue state still holds \(positions.joined(separator: ", ")), which the paper venue cannot settle after the fact. Check `hedgetop history --journal \(journalPath)`, then start on a new journal (--journal PATH, or move this one and its venue state aside)")
            }
            do { try journal.relistContracts(at: start) } catch { throw fail("\(error)") }
            printError("hedgetop: \(names.joined(separator: ", ")) expired while nothing ran, with nothing held in them; trading contracts listed from now")
            logger.notice("relisted dated contracts", metadata: ["expired": "\(names.joined(separator: ", "))"])
            listed = start
        }
        // The market continues from the last saved marks, not from the scenario's seed price.
        let initialPrice = PaperScenario.resumedInitialPrice(marks: marks) { try? market(start, listed, $0) }
        let engine = try market(start, listed, initialPrice).makeEngine(mode: .paper, startedAt: start, logger: logger)
        engine.attach(journal: journal, venueState: nil)
        do {
            let report = try engine.recover(venueLedgers: ledgers, policy: policy)
            if report.differences > 0 {
                printError("hedgetop: recovery found \(report.differences) difference(s) with the venue and adopted the venue's records (see the log and the journal's reconciliations)")
            }
        } catch {
            throw fail("recovery failed: \(error)")
        }
        engine.attach(journal: journal, venueState: state)
        #if DEBUG
        // The crash tests' seam: a debug build SIGKILLs itself after this many durable writes.
        if let text = environmentValue("HEDGETOP_TEST_KILL_AFTER_WRITES"), let count = Int(text), count > 0 {
            engine.killAfterDurableWrites = count
        }
        #endif
        return (engine, lock)
    }

    /// Loads `--config` and checks it against the market it builds: a bad file prints every
    /// error and exits non-zero, so nothing starts.
    static func checkedConfig(_ path: String?, start: Timestamp, scenario: PaperScenario.Name?, seed: UInt64?) throws -> HedgetopConfig? {
        guard let path else { return nil }
        let loaded = HedgetopConfig.load(path: path)
        do {
            _ = try loaded.paperScenario(start: start, scenario: scenario, seed: seed)
        } catch {
            printConfigErrors(error)
            throw ExitCode.failure
        }
        return loaded
    }

    /// The paper-trading engine `run` and `serve` share: its market from the config file or the
    /// scenario, recovered from the journal and the venue state. Returns the journal path used.
    /// `defaultJournal`: the journal when neither `journal` nor the file names one.
    static func makePaperEngine(file: HedgetopConfig?, scenario: PaperScenario.Name?, seed: UInt64?, journal: String?,
                                defaultJournal: String = defaultJournalPath(),
                                venueState: String?, halfOpen: HalfOpenPolicy, logger: Logger) throws -> (Engine, JournalLock, String) {
        let journalPath = journal ?? file?.journalPath ?? defaultJournal
        let scenarioName = scenario ?? file?.scenario ?? .calendar
        if venueState == nil, let legacy = legacyVenueState(journal: journalPath, scenario: scenarioName) {
            printError("hedgetop: found \(legacy), the venue state every journal in its directory used to share; each journal now has its own (\(defaultVenueStatePath(journal: journalPath, scenario: scenarioName))). Rename it to that if it belongs to this journal, or pass it with --venue-state; remove it only once its positions are known to be flat; not trading")
            throw ExitCode.failure
        }
        let (engine, lock) = try makeRecoveredEngine(
            journalPath: journalPath, venueStatePath: venueState ?? defaultVenueStatePath(journal: journalPath, scenario: scenarioName),
            policy: halfOpen, logger: logger
        ) { start, listed, initialPrice in
            if let file { return try file.paperScenario(start: start, scenario: scenario, seed: seed, initialPrice: initialPrice, listed: listed) }
            return scenarioName.scenario(start: start, seed: seed ?? 42, initialPrice: initialPrice, listed: listed)
        }
        return (engine, lock, journalPath)
    }

    /// The venue state belongs to its journal: `DIR/NAME.sqlite` keeps it in
    /// `DIR/NAME.venues-SCENARIO.json`, so two journals in one directory never share one.
    static func defaultVenueStatePath(journal: String, scenario: PaperScenario.Name) -> String {
        let base = (journal as NSString).deletingPathExtension
        return (base.isEmpty ? journal : base) + ".venues-\(scenario.rawValue).json"
    }

    /// The shared `DIR/paper-venues-SCENARIO.json` of earlier versions, when it is there and
    /// this (existing) journal has no venue state of its own yet: whose positions it holds is
    /// unknown, so the trader decides.
    static func legacyVenueState(journal: String, scenario: PaperScenario.Name) -> String? {
        let directory = (journal as NSString).deletingLastPathComponent
        let legacy = (directory.isEmpty ? "." : directory) + "/paper-venues-\(scenario.rawValue).json"
        let manager = FileManager.default
        guard manager.fileExists(atPath: journal), manager.fileExists(atPath: legacy), !manager.fileExists(atPath: defaultVenueStatePath(journal: journal, scenario: scenario)) else { return nil }
        return legacy
    }

    /// After the engine stopped with `--on-exit keep`: says, in the log and on standard error,
    /// which spreads stay open for the next start to recover.
    static func reportKeptOpen(_ watch: FlatWatch, logger: Logger) async {
        for line in await watch.keptOpen() {
            logger.notice("\(line)")
            printError("hedgetop: \(line)")
        }
    }

    /// Closes every open spread through the strategies (pause first, so none opens meanwhile)
    /// and waits until every leg is flat with no order working, at most `limit`. Returns whether
    /// it got there.
    static func flattenBeforeExit(sender: CommandSender, watch: FlatWatch, limit: Duration) async -> Bool {
        sender.send(.pause, to: nil)
        let close = sender.send(.close, to: nil)
        let deadline = ContinuousClock.now.advanced(by: limit)
        while ContinuousClock.now < deadline {
            if watch.isFlat(after: close) { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return false
    }
}

/// Forwards the engine's snapshots and remembers whether the latest one was flat everywhere, and
/// the newest command acknowledged, for a flatten-on-exit that waits until flat.
final class FlatWatch: Sendable {
    private let state = Mutex<(flat: Bool, acknowledged: UInt64, open: String, kept: [String], ended: Bool)>((false, 0, "", [], false))

    /// A stream carrying the same snapshots, and the watch that sees them pass.
    static func relay(_ upstream: AsyncStream<EngineSnapshot>) -> (AsyncStream<EngineSnapshot>, FlatWatch) {
        let watch = FlatWatch()
        let (stream, continuation) = AsyncStream.makeStream(of: EngineSnapshot.self, bufferingPolicy: .bufferingNewest(1))
        Task {
            for await snapshot in upstream {
                watch.see(snapshot)
                continuation.yield(snapshot)
            }
            watch.state.withLock { $0.ended = true }
            continuation.finish()
        }
        return (stream, watch)
    }

    private func see(_ snapshot: EngineSnapshot) {
        var open: [String] = []
        var kept: [String] = []
        for strategy in snapshot.strategies {
            let legs = Leg.allCases.filter { !strategy.legs[$0].quantity.isZero }.map { leg in
                let position = strategy.legs[leg]
                return "leg \(leg) \(position.instrument) \(position.quantity.isNegative ? "short" : "long") \(position.quantity.magnitude)"
            }
            if !legs.isEmpty { kept.append("keeping \(strategy.name) open: \(legs.joined(separator: ", ")); the next start recovers it") }
            for leg in Leg.allCases where !strategy.legs[leg].quantity.isZero {
                open.append("\(strategy.name) leg \(leg) \(strategy.legs[leg].quantity)")
            }
            if !strategy.openOrders.isEmpty { open.append("\(strategy.name): \(strategy.openOrders.count) order(s) working") }
        }
        let acknowledged = snapshot.acknowledgements.map(\.commandID).max() ?? 0
        state.withLock { state in
            state.flat = open.isEmpty
            state.open = open.joined(separator: ", ")
            state.kept = kept
            state.acknowledged = max(state.acknowledged, acknowledged)
        }
    }

    /// Flat in a snapshot taken after `command` was acknowledged.
    func isFlat(after command: UInt64) -> Bool {
        state.withLock { $0.flat && $0.acknowledged >= command }
    }

    /// What is still open, for the message when flattening ran out of time.
    var stillOpen: String { state.withLock { $0.open } }

    /// One line per strategy with open legs, as the engine stopped: each leg's instrument, side and
    /// size. Waits (at most `limit`) for the stopped engine's last snapshot to pass.
    func keptOpen(limit: Duration = .seconds(1)) async -> [String] {
        let deadline = ContinuousClock.now.advanced(by: limit)
        while !state.withLock({ $0.ended }) && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        return state.withLock { $0.kept }
    }
}

extension Hedgetop.Replay {
    /// `--journal PATH`: the replay's orders, fills and cycles go to that journal (no recovery:
    /// a replay starts from nothing). A bad journal is a clear message and no replay.
    func attachReplayJournal(_ engine: Engine) throws {
        guard let journal else { return }
        do {
            engine.attach(journal: try Journal(path: journal), venueState: nil)
        } catch {
            printError("hedgetop: \(error)")
            throw ExitCode.failure
        }
    }
}
