/// How fresh a leg's market data is: how long since the feed last delivered anything for it (a
/// quote, a book, a mark price), measured on the engine's clock when it arrived, never by the
/// venue's event time, so a quiet market whose feed keeps talking is not a dead feed. Past its
/// venue's limit the leg is stale: no entry and no adjustment is sent on it.
public struct LegFreshness: Sendable, Hashable, Codable {
    /// Since the last arrival; nil before anything has arrived.
    public var age: Duration?
    /// The venue's limit: older than this, the leg is stale.
    public var limit: Duration
    /// Why the leg's data cannot be trusted whatever its age (its live feed is down, stale or
    /// resyncing: "binance-usdm resyncing: ..."); nil when there is no such reason.
    public var unavailable: String?

    public init(age: Duration?, limit: Duration, unavailable: String? = nil) {
        self.age = age
        self.limit = limit
        self.unavailable = unavailable
    }

    /// Whether nothing has arrived for longer than the limit, or the feed says its data cannot be
    /// trusted (a leg that never had data is not stale: it has no price to trade on at all).
    public var isStale: Bool { unavailable != nil || (age.map { $0 > limit } ?? false) }
}

/// A leg's data is stale: why the machine sends no entry or adjustment on it.
extension HedgingStateMachine {
    /// The freshness of `leg`'s market data at `now`.
    public func freshness(_ leg: Leg, at now: Timestamp) -> LegFreshness {
        LegFreshness(age: dataArrivedAt[leg].map { $0 < now ? now - $0 : .zero }, limit: config.staleAfter[leg],
                     unavailable: dataUnavailable[leg])
    }

    /// The first leg whose data is stale at `now`, if any. Per quote: two comparisons.
    @inline(__always)
    func staleLeg(at now: Timestamp) -> Leg? {
        for leg in Leg.allCases {
            if let arrived = dataArrivedAt[leg], now - arrived > config.staleAfter[leg] { return leg }
        }
        if dataUnavailable.a != nil { return .a }
        if dataUnavailable.b != nil { return .b }
        return nil
    }

    /// The feed says `leg`'s data cannot be trusted (`reason`), or can again (nil): entries and
    /// adjustments on it stop until it can; what is open is still managed and closable.
    public mutating func setDataUnavailable(_ leg: Leg, _ reason: String?) {
        dataUnavailable[leg] = reason
    }

    /// "leg A sim:BTCUSD_PERP stale: no market data for 12.3s (limit 3s)".
    func staleText(_ leg: Leg, at now: Timestamp) -> String {
        if let reason = dataUnavailable[leg] { return "leg \(leg) \(config.legs[leg].id) not trusted: \(reason)" }
        let age = freshness(leg, at: now).age.map { Self.seconds($0, keepTenths: true) } ?? "—"
        return "leg \(leg) \(config.legs[leg].id) stale: no market data for \(age) (limit \(Self.seconds(config.staleAfter[leg], keepTenths: false)))"
    }

    /// A duration in seconds to 0.1 s ("12.3s"); whole seconds lose the ".0" unless `keepTenths`.
    static func seconds(_ duration: Duration, keepTenths: Bool) -> String {
        let tenths = duration.nanosecondsClamped / 100_000_000
        return tenths % 10 == 0 && !keepTenths ? "\(tenths / 10)s" : "\(tenths / 10).\(tenths % 10)s"
    }

    /// After market data: says once when a leg turns stale and once when it is fresh again.
    mutating func noteFreshness(now: Timestamp, into actions: inout [StrategyAction]) {
        for leg in Leg.allCases {
            let stale = dataArrivedAt[leg].map { now - $0 > config.staleAfter[leg] } ?? false
            guard stale != reportedStale[leg] else { continue }
            reportedStale[leg] = stale
            if stale {
                actions.append(.alert(.warning, staleText(leg, at: now) + "; no entry or adjustment until it is fresh"))
            } else {
                actions.append(.alert(.info, "leg \(leg) \(config.legs[leg].id) market data fresh again"))
            }
        }
    }
}
