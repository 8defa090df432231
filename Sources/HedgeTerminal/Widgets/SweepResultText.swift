import HedgeEngine

/// What `hedgetop sweep` and `hedgetop sweep merge` print: the ranked table, the heatmap of net
/// PnL (in the theme's colours when given one, plain otherwise), and the walk-forward steps.
/// One function for both, so a merge prints what the single run printed.
public enum SweepResultText {
    public static func text(_ result: SweepResult, heatmap axes: [SweepParameter], theme: Theme?, asciiOnly: Bool = false) -> String {
        var parts = [result.tableText]
        let view = SweepHeatmapView(map: SweepHeatmap(grid: result.grid, axes: axes, rows: result.ranked))
        var buffer = Buffer(width: max(view.width, 60) + 40, height: view.height, asciiOnly: asciiOnly)
        view.render(into: &buffer, rect: Rect(x: 2, y: 0, width: buffer.width - 2, height: view.height))
        parts.append(buffer.ansiLines(theme: theme).joined(separator: "\n"))
        if let walk = result.walkForwardText { parts.append(walk) }
        return parts.joined(separator: "\n\n")
    }
}
