/// How recovery resolves a half-open spread (one leg, or legs off the hedge ratio): complete the
/// hedge, or flatten what is open.
public enum HalfOpenPolicy: String, Sendable, Hashable, Codable, CaseIterable {
    case hedge, flatten
}

/// What the trader last told a strategy that outlives a restart: a pause (no new spreads until
/// resumed) or the kill switch (flatten, then halt in ERROR until resumed).
public enum OperatorHold: String, Sendable, Hashable, Codable {
    case paused, killed
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
    /// The trader's latest pause or kill, unless a resume came after it.
    public var hold: OperatorHold?

    public init(positions: PerLeg<Position>, openedAt: Timestamp? = nil, entrySpreadBps: FixedDecimal? = nil,
                baseline: PerLeg<FixedDecimal> = PerLeg(repeating: .zero), lastOrderNumber: Int = 0, completedCycles: Int = 0,
                hold: OperatorHold? = nil) {
        self.positions = positions
        self.openedAt = openedAt
        self.entrySpreadBps = entrySpreadBps
        self.baseline = baseline
        self.lastOrderNumber = lastOrderNumber
        self.completedCycles = completedCycles
        self.hold = hold
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
        var trade: Trade?
        if let openedAt = recovered.openedAt {
            trade = .open(Cycle(openedAt: openedAt, entrySpreadBps: recovered.entrySpreadBps ?? .zero, entryDeviationSign: machine.entryDeviationSign,
                                entryVolatility: nil, baseline: recovered.baseline))
        } else if machine.hasPosition {
            trade = .attempt(baseline: recovered.baseline)
        }
        // A pause holds across the restart; a kill also flattens whatever is open, then halts.
        machine.paused = recovered.hold != nil
        let intent: OperatorIntent? = recovered.hold == .killed ? .kill : nil
        guard machine.hasPosition || trade?.cycle != nil else {
            // Flat with no open cycle: SCANNING (nothing to say), or halted again by the kill.
            if intent == .kill { machine.haltAfterKill(keeping: nil, now: now, into: &actions) }
            return (machine, actions)
        }
        let reason = Transition.recoveryWaitPrefix + "\(machine.describePositions()); awaiting prices"
        let unwinding = UnwindingState(goal: policy == .hedge ? .hedge : .flatten, attempts: 0, deadline: now + config.hedgeDeadline,
                                       order: nil, reason: "recovered after restart", holding: Holding(trade: trade, intent: intent),
                                       recovery: policy)
        machine.enter(.unwinding(unwinding), reason, now: now, into: &actions)
        return (machine, actions)
    }

    /// Once a restored machine has both legs' prices: hedged within a lot → MONITORING; flat →
    /// the open cycle completes; half-open → re-hedge or flatten by the policy, with a deadline.
    mutating func resumeRecoveryIfPriced(now: Timestamp, into actions: inout [StrategyAction]) {
        guard case .unwinding(var unwinding) = state, let policy = unwinding.recovery, unwinding.order == nil,
              referencePrice(.a) != nil, referencePrice(.b) != nil else { return }
        unwinding.recovery = nil
        let trade = unwinding.holding.trade
        if !hasPosition || unwinding.holding.intent == .kill {
            // The kill switch was pulled before the restart: flatten whatever is held, then halt.
            if unwinding.holding.intent == .kill { unwinding.goal = .flatten }
            state = .unwinding(unwinding)
            continueUnwinding(now: now, into: &actions)
        } else if hedgedAsOpened() {
            let cycle = trade?.cycle ?? openCycle(baseline: trade?.baseline ?? legNetBeforeUnrealised(), now: now, into: &actions)
            enter(.monitoring(cycle), "recovered: both legs hedged", now: now, into: &actions)
        } else {
            unwinding.goal = policy == .hedge ? .hedge : .flatten
            unwinding.deadline = now + config.hedgeDeadline
            unwinding.reason = "half-open spread after restart (policy \(policy))"
            state = .unwinding(unwinding)
            actions.append(.alert(.warning, "UNWINDING: half-open spread after restart: \(describePositions()); policy \(policy)"))
            actions.append(.scheduleTimer(.hedgeDeadline, at: unwinding.deadline))
            continueUnwinding(now: now, into: &actions)
        }
    }

    /// Hedged as opening hedges: the second leg's quantity is the first leg's filled quantity
    /// converted through base exposure at the second leg's price, rounded to its lot. Judged at
    /// today's prices (which moved since), either leg possibly the first, so the legs are hedged
    /// when they point opposite ways and one leg is within one lot of the hedge of the other
    /// (DESIGN: both legs round to the same exposure, within one lot). 503 dated against 500
    /// perpetual is hedged; 503 against 300 is half-open. Drift beyond that is MONITORING's to
    /// rebalance (ADJUSTING), not recovery's to flatten.
    func hedgedAsOpened() -> Bool {
        guard !positions.a.isFlat, !positions.b.isFlat, let pa = referencePrice(.a), let pb = referencePrice(.b),
              let ea = try? positions.a.baseExposure(at: pa), let eb = try? positions.b.baseExposure(at: pb),
              ea.signum == -eb.signum else { return false }
        let prices = PerLeg(a: pa, b: pb), exposures = PerLeg(a: ea, b: eb)
        return Leg.allCases.contains { first in
            let second = first.other
            guard let hedge = try? config.legs[second].quantity(forBase: exposures[first].magnitude, price: prices[second], rounding: .halfEven),
                  let gap = try? hedge - positions[second].quantity.magnitude else { return false }
            return gap.magnitude <= config.legs[second].lotStep
        }
    }
}

extension Transition {
    /// The reason a restored machine gives for waiting in UNWINDING until it has prices.
    static let recoveryWaitPrefix = "recovered: "

    /// Entering UNWINDING only to wait for prices after a restart: ordinary (notice), not the
    /// error an unhedged leg is; a half-open spread found once priced is warned about then.
    public var isRecoveryWait: Bool { to == .unwinding && reason.hasPrefix(Self.recoveryWaitPrefix) }
}
