import HedgeCore

/// How the screen names a command it sent, in the words it has always used: the status line's
/// "… sent (#3)" and the verb of an answer refused before it reached a strategy.
extension StrategyCommand {
    /// The command while the engine has not answered: "pause", "resize(percent: -25)".
    var sentLabel: String {
        switch self {
        case .resize(let percent): "resize(percent: \(percent))"
        case .setThresholds(let entry, let exit): "setThresholds(entry: \(Self.label(entry)), exit: \(Self.label(exit)))"
        case .close, .flatten, .rebalance, .pause, .resume, .kill: verb
        }
    }

    /// The command's name alone: "close", "resize", "setThresholds".
    var verb: String {
        switch self {
        case .close, .flatten: "close"
        case .rebalance: "rebalance"
        case .resize: "resize"
        case .setThresholds: "setThresholds"
        case .pause: "pause"
        case .resume: "resume"
        case .kill: "kill"
        }
    }

    private static func label(_ threshold: Threshold?) -> String {
        threshold.map { "Optional(\($0))" } ?? "nil"
    }
}
