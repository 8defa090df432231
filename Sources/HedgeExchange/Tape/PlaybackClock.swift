import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// When each recorded message is due: the tape's receive times, shifted to start when playback
/// starts and divided by the speed. One clock is shared by every venue, so recordings made at
/// the same time (the three Binance files) stay aligned with each other.
public final class PlaybackClock: Sendable {
    /// nil: as fast as the connections take messages.
    public let speed: Double?
    private let started = Mutex<ContinuousClock.Instant?>(nil)
    /// Wall-clock milliseconds at the start, for `EventTimeShift`.
    private let startedWall = Atomic<Int64>(0)

    public init(speed: Double?) { self.speed = speed }

    /// Starts the clock now, unless it already runs; true when this call started it.
    @discardableResult
    public func start() -> Bool {
        started.withLock { start in
            if start != nil { return false }
            start = ContinuousClock.now
            var wall = timespec()
            clock_gettime(CLOCK_REALTIME, &wall)
            startedWall.store(Int64(wall.tv_sec) * 1000 + Int64(wall.tv_nsec) / 1_000_000, ordering: .releasing)
            return true
        }
    }

    public var startInstant: ContinuousClock.Instant? { started.withLock { $0 } }

    /// Wall-clock milliseconds since 1970 when the clock started; nil before.
    public var startWallMilliseconds: Int64? {
        let value = startedWall.load(ordering: .acquiring)
        return value == 0 ? nil : value
    }

    /// The instant a message received `offset` ns after its tape's origin is due; nil at full speed
    /// or before the start.
    func due(offset: Int64) -> ContinuousClock.Instant? {
        guard let speed, let start = startInstant else { return nil }
        return start + .nanoseconds(Int64(Double(offset) / speed))
    }

    /// The tape offset (ns) the clock stands at now; nil at full speed or before the start.
    func offsetNow() -> Int64? {
        guard let speed, let start = startInstant else { return nil }
        let elapsed = ContinuousClock.now - start
        let nanoseconds = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
        return Int64(nanoseconds * speed)
    }
}
