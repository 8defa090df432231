import HedgeCore
import HedgeVenues

/// A venue's connection logic as a value: what `LiveConnection` drives.
public protocol MarketConnector: Sendable {
    var kind: LiveVenueKind { get }
    mutating func handle(_ input: ConnectorInput) -> [ConnectorAction]
    /// How the connection stands at `now`; without `latency` the percentiles (two sorts of the
    /// latency window) are left out, for the check the shell makes after every message.
    func health(at now: Timestamp, latency: Bool) -> FeedHealth
}

extension MarketConnector {
    public func health(at now: Timestamp) -> FeedHealth { health(at: now, latency: true) }
}

extension BinanceConnector: MarketConnector {
    public var kind: LiveVenueKind { settings.kind }
}

/// Where a connection's results go: the live feed (events, health), a recorder (lines), the log.
public protocol LiveSink: Sendable {
    func deliver(_ events: [MarketEvent], receivedAt: Timestamp)
    func record(_ line: RecordedLine, venue: LiveVenueKind)
    func log(_ level: ConnectorLogLevel, _ message: String, venue: LiveVenueKind)
    func health(_ health: FeedHealth)
}
