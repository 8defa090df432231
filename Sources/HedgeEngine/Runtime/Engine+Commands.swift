import HedgeCore
import HedgeVenues

/// A trader's commands, applied to one strategy or all, each answered by one acknowledgement.
extension TradingEngine {
    /// Applies a trader's command at `time` (the engine's clock if earlier). Every command gets
    /// exactly one acknowledgement.
    public func apply(_ command: EngineCommand, at time: Timestamp) {
        advanceClock(to: time)
        positionsMayDiffer = true
        let strategyCommand = command.action
        let targets: [Int]
        if let name = command.strategy {
            guard let index = runners.firstIndex(where: { $0.name == name }) else {
                let message = "\(strategyCommand) refused: no strategy named \(name)"
                acknowledge(CommandAcknowledgement(commandID: command.id, accepted: false, message: message, time: now))
                append(LogEntry(time: now, severity: .warning, strategy: nil, message: message, commandID: command.id))
                return
            }
            targets = [index]
        } else {
            targets = Array(runners.indices)
        }
        for index in targets {
            runners[index].flushPnLSample()
            let actions = runners[index].machine.handle(.command(strategyCommand), at: now)
            performActions(actions, strategy: index, commandID: command.id)
        }
        if strategyCommand == .kill, !targets.isEmpty {
            killSwitch.fired += 1
            killSwitch.lastFiredAt = now
        }
        if targets.isEmpty {
            acknowledge(CommandAcknowledgement(commandID: command.id, accepted: false, message: "\(strategyCommand) refused: no strategies", time: now))
        }
    }

    func acknowledge(_ acknowledgement: CommandAcknowledgement) {
        eventLog.acknowledge(acknowledgement)
        changed = true
    }
}
