import HedgeCore
import HedgeEngine

/// The live view of a running sweep (`hedgetop sweep --watch`): a progress bar with runs done
/// and the time left, then the heatmap filling in as runs finish. Fits any size: below what the
/// heatmap needs it shows the progress line alone, and below that a "too small" notice.
public struct SweepProgressView: Sendable {
    public var map: SweepHeatmap
    public var done: Int
    public var total: Int
    /// Estimated from the runs done so far; nil before the first.
    public var secondsLeft: Double?
    public var elapsedSeconds: Double

    public init(map: SweepHeatmap, done: Int, total: Int, elapsedSeconds: Double) {
        self.map = map
        self.done = done
        self.total = total
        self.elapsedSeconds = elapsedSeconds
        secondsLeft = done > 0 && done < total ? elapsedSeconds / Double(done) * Double(total - done) : (done >= total ? 0 : nil)
    }

    /// The screen at `width` × `height`.
    public func render(width: Int, height: Int, asciiOnly: Bool = false) -> Buffer {
        var buffer = Buffer(width: width, height: height, asciiOnly: asciiOnly)
        guard width >= 20, height >= 2 else {
            buffer.put("too small", x: 0, y: 0, style: Style(.warning))
            return buffer
        }
        let area = Rect(x: 0, y: 0, width: width, height: height)
        let left = secondsLeft.map { Self.clock($0) + " left" } ?? "time left: after the first run"
        let status = " \(done)/\(total) runs, \(left)"
        let barWidth = max(0, min(40, width - status.count - 2))
        if barWidth >= 5 {
            let filled = total > 0 ? barWidth * done / total : barWidth
            buffer.put(String(repeating: "█", count: filled), x: 0, y: 0, style: Style(.profit))
            buffer.put(String(repeating: "░", count: barWidth - filled), x: filled, y: 0, style: Style(.muted))
            buffer.put(status, in: Rect(x: barWidth, y: 0, width: width - barWidth, height: 1), row: 0)
        } else {
            buffer.put(status.trimmingPrefix(" ").description, in: area, row: 0)
        }
        buffer.put("q or Ctrl-C stops the sweep (nothing is written)", in: area, row: height - 1, style: Style(.muted))
        let view = SweepHeatmapView(map: map)
        if height - 3 >= view.height, width >= min(view.width, 30) {
            view.render(into: &buffer, rect: Rect(x: 0, y: 2, width: width, height: view.height))
        } else if height >= 3 {
            buffer.put("(enlarge the terminal to see the heatmap: it needs \(view.width)×\(view.height + 3))", in: area, row: 1, style: Style(.muted))
        }
        return buffer
    }

    /// "1m05s", "12s".
    static func clock(_ seconds: Double) -> String { Duration.seconds(max(0, seconds.rounded(.up))).compact }
}
