import HedgeCore

/// Faults the simulated venue injects, set by configuration. Everything is decided by data time,
/// counts and a seeded generator, so a run with faults is as repeatable as one without.
public struct FaultPlan: Sendable, Hashable {
    public var faults: [Fault]
    public var seed: UInt64

    public init(_ faults: [Fault] = [], seed: UInt64 = 99) {
        self.faults = faults
        self.seed = seed
    }

    public static let none = FaultPlan()
}

/// One fault.
public enum Fault: Sendable, Hashable {
    /// Refuse the selected orders with `reason`.
    case reject(OrderSelector, reason: String = "-1008 Server is currently overloaded with other requests")
    /// The venue executes the selected orders, but its answers reach the strategy `extra` late.
    case delay(OrderSelector, extra: Duration)
    /// The venue executes the selected orders, but its answers never reach the strategy. A cancel
    /// sent later is answered with the order's final state.
    case drop(OrderSelector)
    /// Market data of `instrument` stops reaching the strategy (and the venue's book, with
    /// `venueToo`) between `from` and `until`.
    case staleData(InstrumentID, from: Timestamp, until: Timestamp, venueToo: Bool = false)
    /// The venue is down between `from` and `until`: orders and cancels that arrive are lost,
    /// with no answer at all.
    case outage(from: Timestamp, until: Timestamp)
}

/// Which orders a fault hits: those arriving at the venue in [from, until), of the given
/// purposes, at most `count` of them, each with `probability` (seeded).
public struct OrderSelector: Sendable, Hashable {
    public var from: Timestamp
    public var until: Timestamp
    public var purposes: Set<OrderPurpose>?
    public var count: Int?
    public var probability: Double

    public init(from: Timestamp = Timestamp(nanoseconds: .min), until: Timestamp = Timestamp(nanoseconds: .max),
                purposes: Set<OrderPurpose>? = nil, count: Int? = nil, probability: Double = 1) {
        self.from = from
        self.until = until
        self.purposes = purposes
        self.count = count
        self.probability = probability
    }

    /// The next `count` orders, whenever they come.
    public static func next(_ count: Int, purposes: Set<OrderPurpose>? = nil) -> OrderSelector {
        OrderSelector(purposes: purposes, count: count)
    }
}

/// What the venue does with an order's answers.
public enum AnswerDelivery: Sendable, Hashable {
    /// After the usual latency.
    case normal
    /// After the usual latency plus this.
    case delayed(Duration)
    /// Never.
    case dropped
    /// Not now: the venue answers over the network, and its answers come through
    /// `Venue.collectReports(at:)` (a live venue).
    case later
}

/// The fault plan as it runs: how many orders each fault has hit so far.
struct FaultState: Sendable {
    var plan: FaultPlan
    var hits: [Int]
    var random: SeededRandom
    /// Rejections asked for by `injectRejections`, ahead of the plan.
    var rejectNext = 0

    init(_ plan: FaultPlan) {
        self.plan = plan
        self.hits = Array(repeating: 0, count: plan.faults.count)
        self.random = SeededRandom(seed: plan.seed)
    }

    /// Whether the venue is down at `time`.
    func isDown(at time: Timestamp) -> Bool {
        plan.faults.contains { fault in
            if case .outage(let from, let until) = fault { return from <= time && time < until }
            return false
        }
    }

    /// The next start or end of an outage after `time`.
    func nextOutageEdge(after time: Timestamp) -> Timestamp? {
        var next: Timestamp?
        for case .outage(let from, let until) in plan.faults {
            for edge in [from, until] where edge > time && next.map({ edge < $0 }) ?? true { next = edge }
        }
        return next
    }

    /// Whether market data of `instrument` at `time` is withheld from the strategy (and the venue).
    func isStale(_ instrument: InstrumentID, at time: Timestamp, forVenue: Bool) -> Bool {
        plan.faults.contains { fault in
            if case .staleData(let id, let from, let until, let venueToo) = fault {
                return id == instrument && from <= time && time < until && (venueToo || !forVenue)
            }
            return false
        }
    }

    /// The order faults that hit `order` arriving at `time`: a rejection reason, and how its
    /// answers are delivered. Counts each hit.
    mutating func apply(to order: OrderRequest, at time: Timestamp) -> (reject: String?, delivery: AnswerDelivery) {
        if rejectNext > 0 {
            rejectNext -= 1
            return ("rejected by fault injection", .normal)
        }
        var reject: String?
        var delivery = AnswerDelivery.normal
        for index in plan.faults.indices {
            let selector: OrderSelector
            switch plan.faults[index] {
            case .reject(let s, _), .delay(let s, _), .drop(let s): selector = s
            case .staleData, .outage: continue
            }
            guard selector.from <= time, time < selector.until,
                  selector.purposes.map({ $0.contains(order.purpose) }) ?? true,
                  selector.count.map({ hits[index] < $0 }) ?? true else { continue }
            if selector.probability < 1 && random.unit() >= selector.probability { continue }
            hits[index] += 1
            switch plan.faults[index] {
            case .reject(_, let reason): if reject == nil { reject = reason }
            case .delay(_, let extra):
                if case .dropped = delivery { break }
                delivery = .delayed(extra)
            case .drop: delivery = .dropped
            case .staleData, .outage: break
            }
            if reject != nil { return (reject, .normal) }
        }
        return (reject, delivery)
    }
}
