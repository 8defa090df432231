import Foundation
import HedgeCore
import Logging
import ServiceLifecycle
import Synchronization

/// `serve --on-alert`: finds alert events in the snapshots the relay hands it and runs the
/// trader's command for each, at most once per event per interval. Finding is cheap and never
/// waits (the relay calls `observe` for every snapshot); the commands run one at a time on a
/// thread of their own, so one that hangs delays only later alerts, never the engine.
public final class AlertNotifier: Service, Sendable {
    private let hook: AlertHook
    private let logger: Logger
    private let wallClock: @Sendable () -> Timestamp
    private let state: Mutex<(detector: AlertDetector, throttle: AlertThrottle)>
    /// The alerts waiting for the command, oldest first (`run` takes them; tests read them).
    let events: AsyncStream<AlertEvent>
    private let queue: AsyncStream<AlertEvent>.Continuation

    /// Alerts waiting while a command runs; more are dropped (and logged).
    public static let queueLimit = 32

    public init(hook: AlertHook, interval: Duration = AlertThrottle.defaultInterval,
                unhedgedAfter: Duration = AlertDetector.defaultUnhedgedAfter, logger: Logger,
                wallClock: @escaping @Sendable () -> Timestamp) {
        self.hook = hook
        self.logger = logger
        self.wallClock = wallClock
        state = Mutex((detector: AlertDetector(unhedgedAfter: unhedgedAfter), throttle: AlertThrottle(interval: interval)))
        let (events, queue) = AsyncStream.makeStream(of: AlertEvent.self, bufferingPolicy: .bufferingOldest(Self.queueLimit))
        self.events = events
        self.queue = queue
    }

    /// Finds the events `snapshot` begins and queues those the interval lets through.
    public func observe(_ snapshot: EngineSnapshot) {
        let now = wallClock()
        let admitted = state.withLock { state in
            state.detector.observe(snapshot).filter { state.throttle.admit($0, at: now) }
        }
        for event in admitted {
            if case .dropped = queue.yield(event) {
                logger.warning("alert not sent: \(Self.queueLimit) alerts already wait for the alert command (alert: \(event.summary))")
            }
        }
    }

    public func run() async throws {
        for await event in events.cancelOnGracefulShutdown() {
            let message = AlertMessage(event, sentAt: wallClock())
            let hook = self.hook
            let run = await withCheckedContinuation { (done: CheckedContinuation<AlertHook.Run, Never>) in
                Thread.detachNewThread { done.resume(returning: hook.run(input: message.json)) }
            }
            report(run, for: event)
        }
    }

    /// Into the serve log, one line each: a success briefly, a failure with why and the start of
    /// what the command printed (escaped and bounded by `AlertHook`).
    private func report(_ run: AlertHook.Run, for event: AlertEvent) {
        let about = "(alert: \(event.summary))"
        let printed = run.output.isEmpty ? "" : "; it printed: \(run.output)\(run.outputDropped > 0 ? "… (\(run.outputDropped) more bytes)" : "")"
        switch run.outcome {
        case .exited(status: 0):
            logger.info("alert command ran \(about)")
        case .exited(let status):
            logger.error("alert command failed: exit status \(status) \(about)\(printed)")
        case .signalled(let signal):
            logger.error("alert command killed by signal \(signal) \(about)\(printed)")
        case .timedOut:
            logger.error("alert command killed: still running after \(hook.timeout.compact), its process group got SIGKILL \(about)\(printed)")
        case .failedToStart(let reason):
            logger.error("alert command could not start: \(reason) \(about)")
        }
    }
}
