import HedgeCore
import HedgeVenues
import Logging
import ServiceLifecycle
import Synchronization

/// The engine of one run, owned by this actor alone: its loop runs here, commands come in and
/// snapshots go out on streams, and it stops as the stop policy says. A paper desk's session
/// holds the journal's lock for as long as it lives.
public actor TradingSession {
    /// The engine, on whatever venues it trades (simulated or live).
    let engine: any SessionEngine
    /// The same engine when its venues are simulated (paper and replay), for what only they do.
    let simulated: Engine?
    private let lock: JournalLock?
    private let logger: Logger?
    /// Set by a hangup: the next stop flattens whatever the stop policy says. Read by the stop
    /// without waiting for this actor, which the engine keeps busy.
    private let flattenRequested = Atomic<Bool>(false)
    /// The spreads the last stop left open, one line each (`keeping NAME open: ...`).
    public private(set) var keptOpen: [String] = []

    public init<V: Venue>(engine: sending TradingEngine<V>, holding lock: JournalLock? = nil, logger: Logger? = nil) {
        self.simulated = engine as? Engine
        self.engine = engine
        self.lock = lock
        self.logger = logger
    }

    /// The next stop flattens (SIGHUP: nobody is left to watch an open spread).
    func flattenWhenStopping() {
        flattenRequested.store(true, ordering: .relaxed)
    }

    private enum Event: Sendable {
        case snapshot(EngineSnapshot)
        case stop
        case deadline
        case engineStopped
    }

    /// Runs the engine on `loop` until the feed ends, or until a graceful shutdown stops it: then
    /// open spreads are kept (and named in `keptOpen`) or flattened first, waiting at most
    /// `flattenLimit`. Cancelled, it stops at once and names nothing. `logsStop`: the stop and its
    /// policy go to the log (a server's log says why it stopped trading).
    /// - Throws: `DeskError` when flattening ran out of time (the engine is stopped by then).
    public nonisolated func run<C: Clock>(on loop: EngineLoop<C>, commands: AsyncStream<EngineCommand>, sender: CommandSender,
                    snapshots: AsyncStream<EngineSnapshot>.Continuation, stop policy: StopPolicy,
                    flattenLimit: Duration = .seconds(30), logsStop: Bool = false) async throws where C.Duration == Duration {
        let (published, publish) = EngineLoop<ContinuousClock>.makeSnapshotStream()
        let (events, event) = AsyncStream.makeStream(of: Event.self)
        // The engine runs on this actor; the stop is worked out off it, so a busy engine never
        // holds up a stop.
        let engineTask = Task { await self.drive(on: loop, commands: commands, snapshots: publish) }
        var watch = FlatWatch()
        var closing: UInt64?
        var stopping = false
        var timedOut: String?
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await snapshot in published { event.yield(.snapshot(snapshot)) }
                event.yield(.engineStopped)
            }
            await withTaskCancellationHandler {
                await withGracefulShutdownHandler {
                    for await next in events {
                        switch next {
                        case .snapshot(let snapshot):
                            watch.see(snapshot)
                            snapshots.yield(snapshot)
                            if let command = closing, watch.isFlat(after: command) {
                                closing = nil
                                engineTask.cancel()
                            }
                        case .stop:
                            guard !stopping else { continue }
                            stopping = true
                            let hangup = flattenRequested.load(ordering: .relaxed)
                            let flatten = policy == .flatten || hangup
                            // Told to the loop itself, not through the command stream, so it is
                            // seen before the next event: nothing opens once the stop has begun.
                            if flatten {
                                // Pause first, so nothing opens while the close works.
                                let pause = sender.number(.pause, to: nil)
                                // The journal's close says why: not the trader's close key.
                                let close = sender.number(.flatten(reason: hangup ? "stop after hangup (SIGHUP)" : "stop with --on-exit flatten"), to: nil)
                                loop.applyBeforeNextEvent([pause, close])
                                closing = close.id
                                group.addTask {
                                    try? await Task.sleep(for: flattenLimit)
                                    event.yield(.deadline)
                                }
                            } else {
                                loop.haltBeforeNextEvent()
                                engineTask.cancel()
                            }
                            if logsStop { logger?.info("stopping", metadata: ["policy": "\(policy.rawValue)"]) }
                        case .deadline:
                            guard closing != nil else { continue }
                            closing = nil
                            timedOut = watch.stillOpen
                            engineTask.cancel()
                        case .engineStopped:
                            return
                        }
                    }
                } onGracefulShutdown: {
                    event.yield(.stop)
                }
            } onCancel: {
                engineTask.cancel()
            }
            group.cancelAll()
        }
        engineTask.cancel()
        await engineTask.value
        snapshots.finish()
        if let timedOut {
            throw DeskError("still open after \(flattenLimit.components.seconds) s: \(timedOut); the journal and the venue state hold it, and the next start recovers it")
        }
        guard !Task.isCancelled else { return }
        await keep(watch.keptOpen)
    }

    private func drive<C: Clock>(on loop: EngineLoop<C>, commands: AsyncStream<EngineCommand>,
                       snapshots: AsyncStream<EngineSnapshot>.Continuation) async where C.Duration == Duration {
        await engine.run(on: loop, commands: commands, snapshots: snapshots, isolation: self)
        engine.retryHeldWritesAtStop()
        engine.saveChartHistory()
    }

    private func keep(_ lines: [String]) {
        keptOpen = lines
        for line in lines { logger?.notice("\(line)") }
    }
}

/// What a session asks of its engine, whatever its venues: the session keeps one engine type for
/// paper (`SimulatedVenue`) and live (`LiveVenue`) desks.
protocol SessionEngine: AnyObject {
    func run<C: Clock>(on loop: EngineLoop<C>, commands: AsyncStream<EngineCommand>,
                       snapshots: AsyncStream<EngineSnapshot>.Continuation, isolation: isolated (any Actor)?) async where C.Duration == Duration
    func retryHeldWritesAtStop()
    func saveChartHistory()
}

extension TradingEngine: SessionEngine {
    func run<C: Clock>(on loop: EngineLoop<C>, commands: AsyncStream<EngineCommand>,
                       snapshots: AsyncStream<EngineSnapshot>.Continuation, isolation: isolated (any Actor)? = #isolation) async where C.Duration == Duration {
        await loop.run(self, commands: commands, snapshots: snapshots, isolation: isolation)
    }
}
