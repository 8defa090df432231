/// When the screen draws. Snapshots are drawn at most `fps` times a second (`--fps` paces the
/// data, and keeps what is sent to the terminal small); an answer to the trader (a key, Ctrl-C,
/// a resize) is drawn at once, whatever the pace. Times are screen uptime, so tests choose them.
struct FramePacing: Sendable {
    /// Why a frame is wanted.
    enum Cause: Sendable, Hashable {
        /// New data or a clock that moved: waits for the next frame slot.
        case data
        /// The trader did something: drawn at once.
        case input
    }

    /// The frame slot for data, in milliseconds.
    let intervalMilliseconds: Int
    var interval: Duration { .milliseconds(intervalMilliseconds) }
    private(set) var lastFrame: Duration?
    private var wanted: Cause?

    init(fps: Int) {
        intervalMilliseconds = 1000 / max(1, min(fps, 60))
    }

    /// Something changed; `input` outranks `data`.
    mutating func request(_ cause: Cause) {
        if wanted != .input { wanted = cause }
    }

    /// Whether to draw at `now`.
    func shouldDraw(now: Duration) -> Bool {
        switch wanted {
        case nil: false
        case .input: true
        case .data: lastFrame.map { now - $0 >= interval } ?? true
        }
    }

    /// A frame went out at `now`: it showed everything wanted so far.
    mutating func drawn(at now: Duration) {
        lastFrame = now
        wanted = nil
    }
}
