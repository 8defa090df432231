import HedgeCore
import HedgeEngine
import HedgeVenues
import Logging
import ServiceLifecycle

/// The live connections of a run: one per venue, each a connector driven by its shell, all
/// running until the service group stops.
public struct LiveVenues: Service {
    public struct Venue: Sendable {
        public var endpoint: LiveEndpoint
        public var symbols: [String]

        public init(endpoint: LiveEndpoint, symbols: [String]) {
            self.endpoint = endpoint
            self.symbols = symbols
        }
    }

    public let venues: [Venue]
    public let sink: any LiveSink
    let seed: UInt64
    let logger: Logger

    public init(venues: [Venue], sink: any LiveSink, seed: UInt64 = 1, logger: Logger) {
        self.venues = venues
        self.sink = sink
        self.seed = seed
        self.logger = logger
    }

    /// The venues of a LIVE-PAPER setup: its live venues, each with the symbols its legs trade.
    public static func venues(of setup: LivePaperSetup) throws(LiveFailure) -> [Venue] {
        var list: [Venue] = []
        for (name, settings) in setup.live.sorted(by: { $0.key < $1.key }) {
            guard let kind = LiveVenueKind(rawValue: settings.kind) else { throw LiveFailure("unknown venue kind \(settings.kind)") }
            let symbols = setup.instruments.filter { $0.venue == name }.map(\.symbol)
            guard !symbols.isEmpty else { continue }
            list.append(Venue(endpoint: LiveEndpoint(kind: kind, webSocketURL: settings.webSocketURL, restURL: settings.restURL, caFile: settings.caFile),
                              symbols: symbols))
        }
        return list
    }

    /// Whether this build has a connector for the venue kind.
    public static func supports(_ kind: LiveVenueKind) -> Bool { true }

    public func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            for (index, venue) in venues.enumerated() {
                let kind = venue.endpoint.kind
                let seed = seed &+ UInt64(index)
                if kind.isBinance {
                    let settings = BinanceConnector.Settings(kind: kind, symbols: venue.symbols, webSocketURL: venue.endpoint.webSocketURL,
                                                             restURL: venue.endpoint.restURL, seed: seed)
                    let connection = LiveConnection<BinanceConnector>(endpoint: venue.endpoint, sink: sink, logger: logger)
                    group.addTask { await connection.run(BinanceConnector(settings)) }
                } else {
                    let settings = BybitConnector.Settings(kind: kind, symbols: venue.symbols, webSocketURL: venue.endpoint.webSocketURL,
                                                           restURL: venue.endpoint.restURL, seed: seed)
                    let connection = LiveConnection<BybitConnector>(endpoint: venue.endpoint, sink: sink, logger: logger)
                    group.addTask { await connection.run(BybitConnector(settings)) }
                }
            }
            // The connections run until the group shuts down (or this task is cancelled).
            try? await gracefulShutdown()
            group.cancelAll()
        }
    }
}
