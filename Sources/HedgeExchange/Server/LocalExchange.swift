import Foundation
import HedgeCore
import Logging
import NIOSSL
import Synchronization

/// The local exchange: recorded markets served over the venues' own protocols, one port per
/// Binance venue, one for Bybit, and a loopback control endpoint for faults.
public final class LocalExchange: Sendable {
    public let configuration: ExchangeConfiguration
    public let markets: [ExchangeVenue: VenueMarket]
    public let clock: PlaybackClock
    let exchangeInfo: [ExchangeVenue: String]
    /// The trading desks: Binance USD-M and Bybit linear, when served.
    let desks: [ExchangeVenue: TradingDesk]
    let logger: Logger

    /// Loads every recording (seconds for the shared data); throws a message naming the bad file.
    public init(configuration: ExchangeConfiguration, logger: Logger) throws(TapeError) {
        self.configuration = configuration
        self.logger = logger
        clock = PlaybackClock(speed: configuration.speed)
        var tapes: [ExchangeVenue: Tape] = [:]
        var info: [ExchangeVenue: String] = [:]
        let mark = configuration.syntheticFundingRate.map { BinanceTape.SyntheticMark(fundingRate: $0) }
        for (venue, source) in configuration.venues {
            if venue.isBinance {
                let tape = try BinanceTape.load(venue: venue, paths: source.files, syntheticMark: mark)
                tapes[venue] = tape
                info[venue] = try BinanceREST.exchangeInfo(file: source.specs, venue: venue, symbols: tape.symbols)
            } else {
                let tape = try BybitTape.load(venue: venue, paths: source.files)
                tapes[venue] = tape
                info[venue] = try BybitREST.instrumentsInfo(file: source.specs ?? source.files.first, venue: venue)
            }
        }
        exchangeInfo = info
        // Tapes recorded together (first messages within an hour) share an origin, so they stay
        // aligned; the others each start at their own first message.
        let starts = tapes.compactMapValues(\.firstTime)
        var markets: [ExchangeVenue: VenueMarket] = [:]
        for (venue, tape) in tapes {
            let first = tape.firstTime ?? 0
            let origin = starts.values.filter { abs($0 - first) < 3_600_000_000_000 }.min() ?? first
            markets[venue] = VenueMarket(tape: tape, clock: clock, origin: origin, shiftsEventTimes: configuration.nowTimes)
        }
        self.markets = markets
        var desks: [ExchangeVenue: TradingDesk] = [:]
        if let usdm = markets[.binanceUSDM] {
            desks[.binanceUSDM] = TradingDesk(market: usdm, accounts: configuration.accounts, rules: .binance,
                                              fees: .binanceFutures, leverage: 20, firstOrderID: 4_000_000_001,
                                              firstTradeID: 300_000_001)
        }
        if let linear = markets[.bybitLinear] {
            desks[.bybitLinear] = TradingDesk(market: linear, accounts: configuration.accounts, rules: .bybit,
                                              fees: FeeSchedule(maker: "0.0002", taker: "0.00055"), leverage: 10, firstOrderID: 1)
        }
        self.desks = desks
    }

    /// Facts about what is served (synthesized streams), for the start message.
    public var notes: [String] { markets.values.flatMap(\.tape.notes).sorted() }

    /// Serves until cancelled. `onReady` gets the bases once every port listens.
    public func run(onReady: @escaping @Sendable (ExchangeEndpoints) async -> Void) async throws {
        let tls = try configuration.tls.map { files throws -> TLSConfiguration in
            let chain = try NIOSSLCertificate.fromPEMFile(files.certificate).map { NIOSSLCertificateSource.certificate($0) }
            let key = try NIOSSLPrivateKey(file: files.privateKey, format: .pem)
            return TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
        }
        var servers: [Listener: VenueServer] = [:]
        for (venue, market) in markets where venue.isBinance {
            let listener = Listener(serving: venue)
            servers[listener] = VenueServer(dialect: BinanceDialect.make(market: market, exchangeInfo: exchangeInfo[venue] ?? "{}",
                                                                          maxAge: configuration.binanceConnectionAge,
                                                                          trading: desks[venue].map(BinanceTrading.init)),
                                            host: configuration.host, port: configuration.ports[listener] ?? 0, tls: tls, logger: logger)
        }
        let bybitMarkets = markets.filter { !$0.key.isBinance }
        if !bybitMarkets.isEmpty {
            servers[.bybit] = VenueServer(dialect: BybitDialect.make(markets: bybitMarkets, instrumentsInfo: exchangeInfo,
                                                                     trading: desks[.bybitLinear].map { desk in
                                                                         BybitTrading(desk: desk) { bybitMarkets.values.map(\.serverTime).max() ?? 0 }
                                                                     }),
                                          host: configuration.host, port: configuration.ports[.bybit] ?? 0, tls: tls, logger: logger)
        }
        let expected = servers.count + 1
        let bound = Mutex<[Listener: Int]>([:])
        let scheme = (webSocket: tls == nil ? "ws" : "wss", rest: tls == nil ? "http" : "https")
        // With TLS on loopback the bases name `localhost`: a certificate names a host, and TLS
        // clients send no IP address as the server name (SNI).
        let host = configuration.host.contains(":") ? "[\(configuration.host)]"
            : (tls != nil && configuration.host == "127.0.0.1" ? "localhost" : configuration.host)
        let markets = self.markets
        let report: @Sendable (Listener, Int) async -> Void = { listener, port in
            let all = bound.withLock { ports -> [Listener: Int]? in
                ports[listener] = port
                return ports.count == expected ? ports : nil
            }
            guard let all else { return }
            var bases: [ExchangeVenue: (String, String)] = [:]
            for venue in markets.keys {
                let port = all[Listener(serving: venue)] ?? 0
                let root = "\(host):\(port)"
                let webSocket = venue.bybitCategory.map { "\(scheme.webSocket)://\(root)/v5/public/\($0)" } ?? "\(scheme.webSocket)://\(root)"
                bases[venue] = (webSocket, "\(scheme.rest)://\(root)")
            }
            await onReady(ExchangeEndpoints(bases: bases, control: "http://127.0.0.1:\(all[.control] ?? 0)", ports: all))
        }
        if configuration.startAtLaunch { clock.start() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (listener, server) in servers {
                group.addTask { try await server.run { await report(listener, $0) } }
            }
            let control = ControlServer(exchange: self, port: configuration.ports[.control] ?? 0, logger: logger)
            group.addTask { try await control.run { await report(.control, $0) } }
            group.addTask { try await self.runSchedule() }
            group.addTask { try await self.runSweeps() }
            try await group.next()
            group.cancelAll()
        }
    }

    /// Applies `fault` to `venue` (nil: every venue); the lines say what was done.
    public func apply(_ fault: ExchangeFault, to venue: ExchangeVenue?) async -> [String] {
        var done: [String] = []
        for (name, market) in markets.sorted(by: { $0.key.rawValue < $1.key.rawValue }) where venue == nil || venue == name {
            done.append(await fault.apply(to: market))
        }
        for line in done { logger.notice("fault: \(line)") }
        return done
    }

    /// The scheduled faults, each at its time after playback starts; then waits forever.
    private func runSchedule() async throws {
        for scheduled in configuration.schedule.sorted(by: { $0.after < $1.after }) {
            while clock.startInstant == nil { try await Task.sleep(for: .milliseconds(20)) }
            try await Task.sleep(until: clock.startInstant! + scheduled.after)
            _ = await apply(scheduled.fault, to: scheduled.venue)
        }
        while true { try await Task.sleep(for: .seconds(3600)) }
    }

    /// Resting orders meet the book as playback moves it, four times a second of wall clock
    /// (and before every request of their account): a price the tape crosses and leaves within
    /// a quarter second is seen only if a request came in between.
    private func runSweeps() async throws {
        guard !desks.isEmpty else { while true { try await Task.sleep(for: .seconds(3600)) } }
        while true {
            try await Task.sleep(for: .milliseconds(250))
            for desk in desks.values { desk.sweepAll() }
        }
    }

    /// Per venue: position, tape length, connections and messages sent, and per account (by API
    /// key, never the secret) balances, positions and orders, as JSON.
    public func statusJSON() -> String {
        let entries = markets.sorted { $0.key.rawValue < $1.key.rawValue }.map { venue, market in
            let accounts = desks[venue].map { ",\"accounts\":\($0.statusJSON())" } ?? ""
            return "\"\(venue)\":{\"position\":\(market.position),\"messages\":\(market.tape.messages.count),\"connections\":\(market.connectionCount),\"sent\":\(market.messagesSent)\(accounts)}"
        }
        return "{" + entries.joined(separator: ",") + "}"
    }
}
