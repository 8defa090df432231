import HedgeCore
import HedgeEngine
import HedgeVenues
import Logging

/// Everything `hedgetop run` needs for LIVE-PAPER: the venues' specs (fetched and cached), the
/// desk (journal, recovery, simulated venues filling against the live books), and the live
/// connections that feed it.
public struct LivePaperDesk: Sendable {
    public let desk: PaperDesk
    public let connections: LiveVenues
    /// Where the connections leave events and health (for the figures printed at the end).
    public let market: LiveMarket
    /// The figures a LIVE-PAPER run prints when it stops: per venue its health, then how long
    /// events waited between their message's arrival and the engine.
    public func summary() -> [String] {
        var lines = market.healths().map { health in
            "\(health.venue): \(health.state.rawValue)" + (health.latencyP50Millis.map { ", event time → receipt p50 \(Self.millis($0)) ms" } ?? "")
                + (health.latencyP99Millis.map { " p99 \(Self.millis($0)) ms" } ?? "")
        }
        let wait = market.arrivalToEngine()
        if let p50 = wait.p50, let p99 = wait.p99 {
            lines.append("arrival → engine over \(wait.events) events: p50 \(Self.millis(p50)) ms, p99 \(Self.millis(p99)) ms")
        }
        if market.dropped > 0 { lines.append("\(market.dropped) events dropped: the engine fell behind by more than \(market.capacity)") }
        return lines
    }

    static func millis(_ value: Double) -> String {
        value < 10 ? String(format: "%.2f", value) : String(format: "%.0f", value)
    }

    /// What starting found that the trader should read (where the specs came from and how old).
    public let notes: [String]

    /// - Throws: `ConfigErrors` (the file), `DeskError` (the journal), `LiveFailure` (a venue kind).
    public static func open(file: HedgetopConfig, journal: String, venueState: String?, halfOpen: HalfOpenPolicy,
                            specCache: SpecCache, seed: UInt64, logger: Logger) async throws -> LivePaperDesk {
        var endpoints: [LiveEndpoint] = []
        for (_, settings) in file.liveVenues {
            guard let kind = LiveVenueKind(rawValue: settings.kind) else { continue }
            endpoints.append(LiveEndpoint(kind: kind, webSocketURL: settings.webSocketURL, restURL: settings.restURL, caFile: settings.caFile))
        }
        let (catalog, notes) = await specCache.load(endpoints)
        for note in notes { logger.notice("\(note)") }
        let setup = try file.livePaperSetup(catalog: catalog)
        let market = LiveMarket(venues: setup.live.keys.sorted(), logger: logger)
        let feed = LiveFeed(contracts: setup.contracts, market: market)
        let desk = try await PaperDesk.openLive(setup, feed: feed, journalPath: journal, venueState: venueState,
                                          halfOpen: halfOpen, logger: logger)
        let connections = LiveVenues(venues: try LiveVenues.venues(of: setup), sink: market, seed: seed, logger: logger)
        return LivePaperDesk(desk: desk, connections: connections, market: market, notes: notes + desk.notices)
    }
}
