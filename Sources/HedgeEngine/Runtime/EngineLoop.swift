import HedgeCore
import HedgeVenues
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs an `Engine` against a clock: in step with it (paper trading, replay at 1× or N×) or as
/// fast as it can (replay at full speed). Publishes a snapshot after each burst of events on a
/// stream that keeps only the newest, so a slow screen never holds the engine back; drains
/// commands in order between bursts.
public struct EngineLoop<C: Clock>: Sendable where C.Duration == Duration {
    public enum Pace: Sendable, Hashable {
        /// Data time runs at `speed` × the clock.
        case realTime(speed: Double)
        /// No waiting at all.
        case fastest
        /// Data time is the wall clock (LIVE-PAPER: events carry their receipt time).
        case live
    }

    public let clock: C
    public let pace: Pace
    /// The longest the loop sleeps before looking at commands again.
    let commandLatency: Duration
    /// Snapshots are published at most this often.
    let publishInterval: Duration
    /// A stop seen before the next event: shared by every copy of this loop.
    let stop = LoopStop()

    public init(clock: C, pace: Pace, commandLatency: Duration = .milliseconds(20), publishInterval: Duration = .milliseconds(50)) {
        self.clock = clock
        self.pace = pace
        self.commandLatency = commandLatency
        self.publishInterval = publishInterval
    }

    /// A stop that keeps what is open: no further event is processed, so nothing opens after it.
    public func haltBeforeNextEvent() {
        stop.halt()
    }

    /// A stop that flattens: `commands` (pause, then close) apply before the next event, ahead of
    /// any event the market has queued and of the command stream.
    public func applyBeforeNextEvent(_ commands: [EngineCommand]) {
        stop.apply(commands)
    }

    /// A stream of snapshots that buffers only the newest one.
    public static func makeSnapshotStream() -> (AsyncStream<EngineSnapshot>, AsyncStream<EngineSnapshot>.Continuation) {
        AsyncStream.makeStream(of: EngineSnapshot.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Runs until the feed ends and nothing is scheduled, or the task is cancelled. The engine
    /// never leaves the caller's isolation (a `TradingSession` runs it on itself). Each turn
    /// takes what live venues answered since the last (`collectVenueReports`).
    public func run<V: Venue>(_ engine: TradingEngine<V>, commands: AsyncStream<EngineCommand>,
                    snapshots: AsyncStream<EngineSnapshot>.Continuation, isolation: isolated (any Actor)? = #isolation) async {
        let inbox = CommandInbox()
        await withTaskGroup(of: Void.self, isolation: isolation) { group in
            group.addTask {
                for await command in commands { inbox.append(command) }
            }
            await drive(engine, inbox: inbox, snapshots: snapshots)
            group.cancelAll()
        }
        snapshots.finish()
    }

    private func drive<V: Venue>(_ engine: TradingEngine<V>, inbox: CommandInbox, snapshots: AsyncStream<EngineSnapshot>.Continuation,
                       isolation: isolated (any Actor)? = #isolation) async {
        let originInstant = clock.now
        let originData = engine.now
        var lastPublish = clock.now.advanced(by: .seconds(-3600))
        var lastChartCheck = clock.now
        func dataTime(at instant: C.Instant) -> Timestamp {
            switch pace {
            case .fastest: return .max
            case .live: return .wallClockNow()
            case .realTime(let speed):
                let elapsed = originInstant.duration(to: instant).nanosecondsClamped
                return Timestamp(nanoseconds: originData.nanoseconds &+ Int64(Double(elapsed) * speed))
            }
        }
        func instant(forData time: Timestamp) -> C.Instant {
            if case .live = pace { return clock.now.advanced(by: time - Timestamp.wallClockNow()) }
            guard case .realTime(let speed) = pace else { return clock.now }
            let offset = Double(time.nanoseconds &- originData.nanoseconds) / speed
            return originInstant.advanced(by: .nanoseconds(Int64(offset)))
        }

        // Events still due from the last turn: a command then applies at the engine's own time,
        // never ahead of the events it has yet to process.
        var behind = false
        while !Task.isCancelled && !stop.isHalted {
            for command in inbox.takeAll() + stop.takeCommands() {
                engine.apply(command, at: pace == .fastest || behind ? engine.now : dataTime(at: clock.now))
            }
            engine.collectVenueReports()
            switch pace {
            case .fastest:
                // Bounded bursts so commands and snapshots still get their turn.
                var burst = 0
                while burst < 50_000, !stop.isRaised, let next = engine.nextEventTime {
                    burst += engine.run(until: next)
                }
            case .realTime, .live:
                // Event by event, looking up between any two: a stop or a command is seen at
                // once, and a loop that has fallen behind still publishes on time.
                let due = dataTime(at: clock.now)
                let burstStart = clock.now
                behind = false
                while !stop.isRaised, engine.run(until: due, atMost: 1) == 1 {
                    if Task.isCancelled || inbox.hasCommands || burstStart.duration(to: clock.now) >= publishInterval {
                        behind = true
                        break
                    }
                }
                // A stop asked before this turn's first event: it is seen now, before any other.
                if stop.isRaised { behind = true }
            }
            let finished = engine.isFinished
            let current = clock.now
            if engine.changed && (lastPublish.duration(to: current) >= publishInterval || finished) {
                snapshots.yield(engine.snapshot())
                lastPublish = current
            }
            // Every few seconds of data time, not per event (a no-op without a chart history file),
            // and at most once a second of the clock: under --speed 20 the data-time interval alone
            // would rewrite the file four times a second.
            if lastChartCheck.duration(to: current) >= .seconds(1) {
                engine.saveChartHistoryIfDue()
                lastChartCheck = current
            }
            if finished { return }
            if pace != .fastest, !behind {
                var wake = current.advanced(by: commandLatency)
                if let next = engine.nextEventTime {
                    let due = instant(forData: next)
                    if due < wake { wake = due }
                }
                if engine.changed {
                    let publishAt = lastPublish.advanced(by: publishInterval)
                    if publishAt < wake { wake = publishAt }
                }
                try? await clock.sleep(until: wake, tolerance: nil)
            } else {
                // Behind (or as fast as it can): other tasks get their turn, then on at once.
                await Task.yield()
            }
        }
        // Stopped: the state it stopped in goes out too, so what a stop leaves open is known exactly.
        if engine.changed { snapshots.yield(engine.snapshot()) }
    }
}

/// Commands waiting for the engine's next turn, in arrival order.
final class CommandInbox: Sendable {
    private let queue = Mutex<[EngineCommand]>([])

    func append(_ command: EngineCommand) {
        queue.withLock { $0.append(command) }
    }

    var hasCommands: Bool { queue.withLock { !$0.isEmpty } }

    func takeAll() -> [EngineCommand] {
        queue.withLock { queue in
            defer { queue.removeAll(keepingCapacity: true) }
            return queue
        }
    }
}

extension Timestamp {
    /// The latest representable time: "run everything".
    public static let max = Timestamp(nanoseconds: .max)

    /// The system's wall clock, for paper and live trading. Core never calls this.
    public static func wallClockNow() -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(nanoseconds: Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec))
    }
}
