/// How recovery resolves a half-open spread (one leg, or legs of unequal size): complete the
/// hedge, or flatten what is open.
public enum HalfOpenPolicy: String, Sendable, Hashable, Codable, CaseIterable {
    case hedge, flatten
}

/// What a strategy was doing when the program stopped, as rebuilt from the journal and
/// reconciled with the venue.
public struct RecoveredStrategy: Sendable, Hashable {
    /// Each leg's position as the venue holds it (the journal's fills, corrected to the venue).
    public var positions: PerLeg<Position>
    /// The open cycle, if the journal has one: when it opened and at what spread.
    public var openedAt: Timestamp?
    public var entrySpreadBps: FixedDecimal?
    /// Each leg's realised + funding − fees when the open spread (or attempt) began: the last
    /// moment both legs were flat.
    public var baseline: PerLeg<FixedDecimal>
    /// The highest order number already used, so new order ids never repeat old ones.
    public var lastOrderNumber: Int
    public var completedCycles: Int

    public init(positions: PerLeg<Position>, openedAt: Timestamp? = nil, entrySpreadBps: FixedDecimal? = nil,
                baseline: PerLeg<FixedDecimal> = PerLeg(repeating: .zero), lastOrderNumber: Int = 0, completedCycles: Int = 0) {
        self.positions = positions
        self.openedAt = openedAt
        self.entrySpreadBps = entrySpreadBps
        self.baseline = baseline
        self.lastOrderNumber = lastOrderNumber
        self.completedCycles = completedCycles
    }
}

/// Restarting a strategy from what was recovered.
extension HedgingStateMachine {
    /// A machine rebuilt after a restart. Flat with no open cycle: SCANNING. Anything else:
    /// UNWINDING, waiting for both legs' prices; then a hedged spread goes back to MONITORING, a
    /// half-open one is resolved by `policy`, and a flat one with an open cycle completes it.
    /// Nothing is sent before prices arrive: an order into an empty book would only fail.
    public static func restored(config: StrategyConfig, from recovered: RecoveredStrategy, policy: HalfOpenPolicy,
                                at now: Timestamp) -> (machine: HedgingStateMachine, actions: [StrategyAction]) {
        var machine = HedgingStateMachine(config: config, startedAt: now)
        var actions: [StrategyAction] = []
        machine.positions = recovered.positions
        machine.orderCounter = recovered.lastOrderNumber
        machine.completedCycles = recovered.completedCycles
        if let openedAt = recovered.openedAt {
            machine.cycle = Cycle(openedAt: openedAt, entrySpreadBps: recovered.entrySpreadBps ?? .zero, entryDeviationSign: machine.entryDeviationSign,
                                  entryVolatility: nil, baseline: recovered.baseline)
        } else if machine.hasPosition {
            machine.attemptBaseline = recovered.baseline
        }
        guard machine.hasPosition || machine.cycle != nil else {
            machine.enter(.scanning, "recovered: flat", now: now, into: &actions)
            return (machine, actions)
        }
        let reason = "recovered: \(machine.describePositions()); awaiting prices"
        machine.recoveryPending = policy
        let unwind = Unwind(goal: policy == .hedge ? .hedge : .flatten, attempts: 0, deadline: now + config.hedgeDeadline,
                            order: nil, reason: "recovered after restart")
        machine.enter(.unwinding(unwind), reason, now: now, into: &actions)
        return (machine, actions)
    }

    /// Once a restored machine has both legs' prices: hedged within a lot → MONITORING; flat →
    /// the open cycle completes; half-open → re-hedge or flatten by the policy, with a deadline.
    mutating func resumeRecoveryIfPriced(now: Timestamp, into actions: inout [StrategyAction]) {
        guard let policy = recoveryPending, case .unwinding(var unwind) = state, unwind.order == nil,
              referencePrice(.a) != nil, referencePrice(.b) != nil else { return }
        recoveryPending = nil
        if !hasPosition {
            continueUnwinding(now: now, into: &actions)
        } else if hedgeShortfall(now: now) == nil && !positions.a.isFlat && !positions.b.isFlat {
            if cycle == nil { openCycle(now: now, into: &actions) }
            attemptBaseline = nil
            enter(.monitoring, "recovered: both legs hedged", now: now, into: &actions)
        } else {
            unwind.goal = policy == .hedge ? .hedge : .flatten
            unwind.deadline = now + config.hedgeDeadline
            unwind.reason = "half-open spread after restart (policy \(policy))"
            state = .unwinding(unwind)
            actions.append(.alert(.warning, "UNWINDING: half-open spread after restart: \(describePositions()); policy \(policy)"))
            actions.append(.scheduleTimer(.hedgeDeadline, at: unwind.deadline))
            continueUnwinding(now: now, into: &actions)
        }
    }
}
