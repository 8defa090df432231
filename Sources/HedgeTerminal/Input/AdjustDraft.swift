import HedgeCore
import HedgeEngine

/// What the adjust dialog is about to send: a resize of the open spread and new thresholds,
/// edited with keys before anything goes to the engine.
public struct AdjustDraft: Sendable, Hashable {
    public var strategy: String
    /// −90 … +100, in steps of 10; 0 sends no resize.
    var resizePercent = 0
    public var entry: Threshold
    public var exit: Threshold
    let originalEntry: Threshold
    let originalExit: Threshold
    /// Whether the strategy holds a spread that a resize would act on.
    var canResize: Bool

    public init(strategy: String, entry: Threshold, exit: Threshold, canResize: Bool) {
        self.strategy = strategy
        self.entry = entry
        self.exit = exit
        self.originalEntry = entry
        self.originalExit = exit
        self.canResize = canResize
    }

    public mutating func resize(by step: Int) {
        resizePercent = min(100, max(-90, resizePercent + step))
    }

    /// One step up or down: 0.1σ for z thresholds, 1 bp for bps ones; never below the floor
    /// (entry above 0, exit at least 0).
    static func stepped(_ threshold: Threshold, up: Bool, floor: Double) -> Threshold {
        switch threshold {
        case .z(let value):
            let next = ((value + (up ? 0.1 : -0.1)) * 10).rounded() / 10
            return .z(max(floor == 0 ? 0 : 0.1, next))
        case .bps(let value):
            let next = (try? up ? value + 1 : value - 1) ?? value
            let minimum: FixedDecimal = floor == 0 ? .zero : 1
            return .bps(max(minimum, next))
        }
    }

    mutating func stepEntry(up: Bool) { entry = Self.stepped(entry, up: up, floor: 1) }
    mutating func stepExit(up: Bool) { exit = Self.stepped(exit, up: up, floor: 0) }

    /// The commands confirming this draft sends, in order.
    public var commands: [StrategyCommand] {
        var result: [StrategyCommand] = []
        if resizePercent != 0 { result.append(.resize(percent: resizePercent)) }
        if entry != originalEntry || exit != originalExit {
            result.append(.setThresholds(entry: entry != originalEntry ? entry : nil, exit: exit != originalExit ? exit : nil))
        }
        return result
    }

    /// What confirming would send, in words.
    var changeSummary: String {
        var parts: [String] = []
        if resizePercent != 0 { parts.append("resize \(resizePercent > 0 ? "+" : "")\(resizePercent) %") }
        if entry != originalEntry { parts.append("entry \(entry)") }
        if exit != originalExit { parts.append("exit \(exit)") }
        return parts.joined(separator: ", ")
    }

    /// The dialog's text.
    public var lines: [String] {
        let resize = canResize
            ? "resize   \(resizePercent > 0 ? "+" : "")\(resizePercent) %        [ - / + ]"
            : "resize   (no open spread)"
        return [
            "\(strategy)",
            resize,
            "entry    \(entry)" + (entry != originalEntry ? "  (was \(originalEntry))" : "") + "   [ e / E ]",
            "exit     \(exit)" + (exit != originalExit ? "  (was \(originalExit))" : "") + "   [ x / X ]",
            "r rebalances now; k kills this strategy (asks first).",
            commands.isEmpty ? "No changes yet: y/Enter would send nothing." : "y/Enter sends: " + changeSummary + ".",
        ]
    }
}
