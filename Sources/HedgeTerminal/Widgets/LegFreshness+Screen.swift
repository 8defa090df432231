import HedgeCore
import HedgeEngine

/// A leg's data age as the screen shows it: in the legs table, the strategies list, the state
/// panel and the close dialog. A stale leg reads "stale" in the warning colour, so it is seen
/// without colour too.
extension LegFreshness {
    /// "0.3s", "12s", "3m05s"; "stale 45s" past the limit (whole units: "stale 12m"); "—" before
    /// any data.
    var ageText: String {
        guard let age else { return "—" }
        return isStale ? "stale " + age.roughText : age.ageText
    }

    var role: ThemeRole { isStale ? .warning : .muted }

    /// The limit as configured: "3s", "2.5s".
    var limitText: String {
        let tenths = limit.nanosecondsClamped / 100_000_000
        return tenths % 10 == 0 ? "\(tenths / 10)s" : limit.ageText
    }
}

extension Duration {
    /// Tenths of a second below 10 s (data is usually that fresh), whole seconds and minutes above.
    var ageText: String {
        let tenths = nanosecondsClamped / 100_000_000
        if tenths < 100 { return "\(tenths / 10).\(tenths % 10)s" }
        return compact
    }

    /// One whole unit, at most two digits: "5s", "45s", "12m", "3h", "2d".
    var roughText: String {
        let seconds = nanosecondsClamped / 1_000_000_000
        if seconds < 100 { return "\(seconds)s" }
        if seconds < 100 * 60 { return "\(seconds / 60)m" }
        if seconds < 100 * 3600 { return "\(seconds / 3600)h" }
        return "\(seconds / 86_400)d"
    }
}

extension StrategySnapshot {
    /// The legs whose data is past its venue's limit, A first.
    var staleLegs: [Leg] { Leg.allCases.filter { legs[$0].freshness?.isStale == true } }

    /// "leg A BTCUSD_PERP: no market data for 45s (limit 3s)", for the state panel and dialogs.
    func staleText(_ leg: Leg) -> String {
        let snap = legs[leg]
        let age = snap.freshness?.age.map(\.roughText) ?? "—"
        let limit = snap.freshness.map(\.limitText) ?? "—"
        if let reason = snap.freshness?.unavailable { return "leg \(leg) \(snap.instrument.symbol): \(reason)" }
        return "leg \(leg) \(snap.instrument.symbol): no market data for \(age) (limit \(limit))"
    }
}
