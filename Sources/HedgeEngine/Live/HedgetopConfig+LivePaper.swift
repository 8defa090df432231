import Foundation
import HedgeCore
import HedgeVenues

/// A LIVE-PAPER run ready to connect: strategies and simulated venues (which fill the paper
/// orders against the live books), the instruments to subscribe to, and each live venue's
/// connection settings.
public struct LivePaperSetup: Sendable {
    public var strategies: [StrategyConfig]
    public var venues: [SimulatedVenue]
    /// Every instrument a leg trades, by venue.
    public var instruments: [InstrumentID]
    /// `[venues.NAME]`'s connection settings, by venue name.
    public var live: [String: HedgetopConfig.LiveSettings]
    public var contracts: [ContractSpec]
    /// Limits across the strategies on opening new spreads.
    public var limits: PortfolioLimits
}

extension HedgetopConfig {
    /// The live venues this file names, for fetching their specs before `livePaperSetup`.
    public var liveVenues: [(name: String, settings: LiveSettings)] {
        venues.compactMap { venue in venue.live.map { (venue.name, $0) } }
    }

    /// The LIVE-PAPER run this file describes, over `catalog` (the venues' fetched or cached
    /// specs). Throws every error of the file, if there is any; then nothing starts.
    public func livePaperSetup(catalog: ContractCatalog) throws(ConfigErrors) -> LivePaperSetup {
        var errors = issues
        guard parsed else { throw ConfigErrors(file: file, errors: errors) }
        for venue in venues {
            guard let live = venue.live else {
                errors.append(ConfigError(key: venue.key, line: sourceMap.line(of: venue.key),
                                          problem: "a LIVE-PAPER file's venues are live: give kind = \"\(LiveSettings.kinds[0])\" (or another of \(LiveSettings.kinds.joined(separator: ", ")))"))
                continue
            }
            if live.kind != venue.name {
                errors.append(ConfigError(key: venue.key + ".kind", line: sourceMap.line(of: venue.key + ".kind"),
                                          problem: "the venue is named as its kind, which the legs name too: [venues.\(live.kind)]"))
            }
        }
        if strategies.isEmpty { errors.append(ConfigError(key: "strategies", line: nil, problem: "no [[strategies]]: add one whose legs name live instruments (\"binance-usdm:BTCUSDT\")")) }
        var instruments: [InstrumentID] = []
        for settings in strategies {
            for text in settings.legs ?? [] {
                if let id = InstrumentID(parsing: text), let spec = catalog.specs[id], !instruments.contains(spec.id) { instruments.append(spec.id) }
            }
        }
        // The simulated venues list what is traded, not the venue's hundreds of symbols.
        let market = ConfigMarket(specs: catalog.specs.filter { instruments.contains($0.key) },
                                  source: "the venues' specs (fetched, cached or built in)", refused: catalog.refused)
        let liveNames = Set(venues.compactMap { $0.live == nil ? nil : $0.name })
        for id in instruments where !liveNames.contains(id.venue) {
            errors.append(ConfigError(key: "venues", line: nil, problem: "\(id) is traded but [venues.\(id.venue)] is missing: add it with kind = \"\(id.venue)\""))
        }
        let venueNames = Set(instruments.map(\.venue)).union(liveNames).sorted()
        var base = SimulatedVenue.Settings.replay
        base.maxBookLevels = 5_000
        let build = build(
            market: market, strategies: strategies, defaults: [],
            template: { kind, legs in StrategyConfig.replayDefaults(kind: kind, legs: legs) },
            baseVenues: Dictionary(uniqueKeysWithValues: venueNames.map { ($0, base) }),
            venueNames: venueNames, start: .wallClockNow(), errors: &errors)
        if !errors.isEmpty { throw ConfigErrors(file: file, errors: Self.ordered(errors)) }
        var live: [String: LiveSettings] = [:]
        for venue in venues { if let settings = venue.live { live[venue.name] = settings } }
        return LivePaperSetup(strategies: build.strategies, venues: build.venues, instruments: instruments, live: live,
                              contracts: instruments.compactMap { catalog.specs[$0] }, limits: limits)
    }
}
