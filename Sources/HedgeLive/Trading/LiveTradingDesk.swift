import HedgeCore
import HedgeEngine
import HedgeVenues
import Logging
import ServiceLifecycle

/// Everything `hedgetop run --live` needs: the desk (journal, recovery, the engine on
/// `LiveVenue`s), a trader per venue that sends its orders signed, and the live connections that
/// feed the market data. Nothing is sent until a trader has checked its key and the venue's clock.
public struct LiveTradingDesk: Sendable {
    public let desk: PaperDesk
    public let connections: LiveVenues
    public let market: LiveMarket
    public let traders: LiveTraders
    /// What starting found that the trader should read.
    public let notes: [String]
    /// What the run will do with real money, for the confirmation: each venue (where, whose key),
    /// each strategy (legs, notional a leg, thresholds, stops) and the limits. No secret.
    public let plan: [String]

    /// - Throws: `ConfigErrors` (the file), `DeskError` (the journal), `LiveFailure` (a venue kind
    ///   that cannot trade yet, a key that is missing or refused).
    public static func open(file: HedgetopConfig, journal: String, venueState: String?, halfOpen: HalfOpenPolicy,
                            specCache: SpecCache, credentials: CredentialSource, seed: UInt64, logger: Logger) async throws -> LiveTradingDesk {
        var endpoints: [String: LiveEndpoint] = [:]
        for (name, settings) in file.liveVenues {
            guard let kind = LiveVenueKind(rawValue: settings.kind) else { continue }
            endpoints[name] = LiveEndpoint(kind: kind, webSocketURL: settings.webSocketURL, restURL: settings.restURL, caFile: settings.caFile)
        }
        let (catalog, notes) = await specCache.load(Array(endpoints.values))
        for note in notes { logger.notice("\(note)") }
        let setup = try file.livePaperSetup(catalog: catalog)
        var parts = Parts()
        do {
            for name in setup.live.keys.sorted() {
                guard let endpoint = endpoints[name] else { continue }
                try parts.add(name, endpoint: endpoint, contracts: setup.contracts.filter { $0.id.venue == name }, credentials: credentials, logger: logger)
            }
            let market = LiveMarket(venues: setup.live.keys.sorted(), logger: logger)
            let desk = try await PaperDesk.openLive(strategies: setup.strategies, venues: parts.venues, limits: setup.limits, mode: .live,
                                                    feed: LiveFeed(contracts: setup.contracts, market: market),
                                                    journalPath: journal, venueState: venueState, halfOpen: halfOpen,
                                                    reconcile: { [venues = parts.venues, traders = parts.traders] saved in
                                                        try await reconcile(saved, venues: venues, traders: traders)
                                                    }, logger: logger)
            let connections = LiveVenues(venues: try LiveVenues.venues(of: setup), sink: market, seed: seed, logger: logger)
            return LiveTradingDesk(desk: desk, connections: connections, market: market,
                                   traders: LiveTraders(traders: parts.traders, transports: parts.transports),
                                   notes: notes + desk.notices, plan: parts.plan + plan(of: setup))
        } catch {
            // A transport's HTTP client must be shut down before it goes.
            for transport in parts.transports { await transport.shutdown() }
            throw error
        }
    }

    /// The books saved at the last stop brought up to what each venue says: its orders left
    /// working (filled, ended, never arrived, or still working and followed) and its positions
    /// (the venue's win; recovery journals the difference). Every difference is a line.
    static func reconcile(_ saved: [VenueLedger], venues: [LiveVenue], traders: [LiveTrader]) async throws -> (ledgers: [VenueLedger], notes: [String]) {
        var ledgers: [VenueLedger] = []
        var notes: [String] = []
        for (venue, trader) in zip(venues, traders) {
            var books = venue
            if let ledger = saved.first(where: { $0.name == venue.name }) { try books.restore(ledger) }
            let found = try await trader.reconcile(working: books.workingOrders)
            books.apply(found.answers)
            notes += found.notes
            for (id, held) in found.positions.sorted(by: { $0.key.symbol < $1.key.symbol }) {
                let known = books.positions[id]?.quantity ?? .zero
                guard known != held.quantity else { continue }
                notes.append("\(venue.name): the venue holds \(held.quantity) \(id.symbol), hedgetop's books \(known): the venue's is adopted")
                books.adoptPosition(id, quantity: held.quantity, entry: held.entryPrice)
            }
            ledgers.append(books.ledger)
        }
        // A venue this run does not trade keeps its saved books: recovery says what it holds.
        ledgers += saved.filter { ledger in !venues.contains { $0.name == ledger.name } }
        return (ledgers, notes)
    }

    /// The figures a LIVE run prints when it stops: per venue, tick-to-order and the order round
    /// trip (p50, p99, over how many orders).
    public func summary() async -> [String] {
        var lines: [String] = []
        for trader in traders.traders {
            let (tick, trip) = (await trader.tickToOrder, await trader.orderRoundTrip)
            guard let tick50 = tick.percentile(50), let tick99 = tick.percentile(99) else { continue }
            var line = "\(trader.client.venue.rawValue): tick to order p50 \(LivePaperDesk.millis(tick50)) ms, p99 \(LivePaperDesk.millis(tick99)) ms over \(tick.count) orders"
            if let trip50 = trip.percentile(50), let trip99 = trip.percentile(99) {
                line += "; order round trip p50 \(LivePaperDesk.millis(trip50)) ms, p99 \(LivePaperDesk.millis(trip99)) ms"
            }
            lines.append(line)
        }
        return lines
    }

    /// Not started after all (the confirmation was refused): its connections are closed.
    public func discard() async {
        for transport in traders.transports { await transport.shutdown() }
    }

    /// A venue at a time: its key, its transport, its venue and trader, its line of the plan.
    private struct Parts {
        var venues: [LiveVenue] = []
        var traders: [LiveTrader] = []
        var transports: [HTTPOrderTransport] = []
        var plan: [String] = []

        mutating func add(_ name: String, endpoint: LiveEndpoint, contracts: [ContractSpec], credentials: CredentialSource, logger: Logger) throws(LiveFailure) {
            guard endpoint.kind == .binanceUSDM || endpoint.kind == .bybitLinear else {
                throw LiveFailure("\(name): LIVE trading is on binance-usdm and bybit-linear so far; trade \(name) LIVE-PAPER (mode = \"live-paper\")", fatal: true)
            }
            let keys: APICredentials
            do { keys = try credentials.credentials(for: endpoint.kind.keyOwner) } catch { throw LiveFailure("\(name): \(error)", fatal: true) }
            let transport: HTTPOrderTransport
            do { transport = try HTTPOrderTransport(endpoint: endpoint) } catch { throw LiveFailure("\(name): \(error)", fatal: true) }
            let mailbox = LiveVenueMailbox()
            venues.append(LiveVenue(name: name, contracts: contracts, mailbox: mailbox))
            traders.append(LiveTrader(mailbox: mailbox, client: LiveOrderClient(venue: endpoint.kind, credentials: keys, transport: transport),
                                      contracts: contracts, logger: logger))
            transports.append(transport)
            plan.append("venue \(name): orders to \(endpoint.restURL), \(keys)")
        }
    }

    /// The plan's strategies and limits.
    static func plan(of setup: LivePaperSetup) -> [String] {
        var lines = setup.strategies.map { strategy in
            let stops = [strategy.stopLossBps.map { "stop loss \($0) bps" }, strategy.maxHolding.map { "held at most \($0)" }].compactMap { $0 }
            return "strategy \(strategy.name): \(strategy.kind) \(strategy.legs.a.id) / \(strategy.legs.b.id), \(strategy.targetNotional) USD a leg, "
                + "enter \(strategy.entry), exit \(strategy.exit)" + (stops.isEmpty ? "" : ", " + stops.joined(separator: ", "))
        }
        let limits = setup.limits
        let words = [limits.maxOpenSpreads.map { "at most \($0) open spreads" }, limits.maxNotionalPerSpread.map { "\($0) USD a spread" },
                     limits.maxTotalNotional.map { "\($0) USD in all" }, limits.maxMarginUtilisation.map { "margin use under \(Int($0 * 100)) %" }].compactMap { $0 }
        lines.append("limits: " + (words.isEmpty ? "none set in [limits]" : words.joined(separator: ", ")))
        return lines
    }
}
