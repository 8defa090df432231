import HedgeCore

/// How a command's action is named in the journal's `commands.action`: stable words that
/// recovery reads back, never the (reworded at will) acknowledgement text.
extension StrategyCommand {
    var journalAction: String {
        switch self {
        case .close, .flatten: "close"
        case .rebalance: "rebalance"
        case .resize(let percent): "resize \(percent)"
        case .setThresholds(let entry, let exit):
            "thresholds entry=\(entry.map(Self.journalName) ?? "-") exit=\(exit.map(Self.journalName) ?? "-")"
        case .pause: HoldAction.pause.rawValue
        case .resume: HoldAction.resume.rawValue
        case .kill: HoldAction.kill.rawValue
        }
    }

    private static func journalName(_ threshold: Threshold) -> String {
        switch threshold {
        case .bps(let value): "bps:\(value)"
        case .z(let value): "z:\(value)"
        }
    }
}
