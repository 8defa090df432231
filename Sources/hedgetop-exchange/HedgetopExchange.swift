import ArgumentParser
import Foundation
import HedgeExchange
import Logging
import ServiceLifecycle

/// `hedgetop-exchange`: recorded markets served over the venues' own protocols on this machine,
/// for testing connectors without the internet and for a trader's dress rehearsal.
@main
struct HedgetopExchange: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hedgetop-exchange",
        abstract: "Serve recorded Binance and Bybit markets over the venues' own WebSocket and REST protocols.",
        discussion: """
        One port per Binance venue (USD-M, COIN-M, spot: their paths overlap) and one for Bybit
        (linear and spot under /v5/public/<category>, REST under /v5/market), plus a control port
        on 127.0.0.1. Once every port listens, one line goes to stdout:
          hedgetop-exchange ready control=http://127.0.0.1:P binance-usdm.ws=ws://127.0.0.1:P binance-usdm.rest=http://127.0.0.1:P ...
        Point a connector's WebSocket and REST bases at those URLs.

        Playback starts at the first WebSocket connection (or at launch with --start-at-launch);
        every venue shares one clock, so the three Binance files stay aligned.

        SYNTHESIZED DATA: the Binance recordings have no markPrice stream. Unless --no-mark-price,
        USD-M and COIN-M serve <symbol>@markPrice (and @markPrice@1s) made up by this program:
        once a second of venue time, p = i = the mid of the last bookTicker, r = --funding-rate,
        T = the next 00/08/16 UTC. It is not what Binance sent.

        Faults, scheduled (--fault AT@VENUE:FAULT, AT seconds after playback starts, VENUE a venue
        or 'all') or on command (curl -X POST 'http://127.0.0.1:P/_fault/FAULT?venue=V&...'):
          close=1000|1006   close every connection with a close frame, or drop TCP without one
          silence=S         send no data for S seconds (paced: those messages are lost)
          skip=N            never send the next N depth updates (a sequence gap)
          refuse=S          close new connections at once for S seconds
          throttle=R        at most R messages a second per connection (0 lifts it)
          expire            the 24 h close, now
          reject=N          refuse the next N new orders with the venue's order-rejected code
          fail=N            answer the next N new orders with a 503
          drop=N            place the next N new orders and close the connection unanswered
          ratelimit=S       signed requests for S seconds: a 429 first, then 418 (Bybit: 10006, then 403)
        GET /_status on the control port shows each venue's position and connections, and each
        account's balances, positions and orders (by API key; never a secret).

        TRADING: with --account KEY:SECRET (or --accounts-file), Binance USD-M (/fapi/v1/order,
        /fapi/v1/openOrders, /fapi/v2/positionRisk, /fapi/v2/balance, ...) and Bybit linear
        (/v5/order/create, /v5/order/cancel, /v5/order/realtime, /v5/position/list,
        /v5/account/wallet-balance) take signed orders as the venues do; Binance's user data
        stream (/fapi/v1/listenKey, /ws/<listenKey>) and Bybit's private WebSocket (/v5/private)
        tell each account's orders and fills. Orders match the
        recorded book where playback stands. Signed requests are checked against the venue's
        time as its time endpoint serves it (the tape's time; the wall clock with --now-times):
        clients should sync to it (ccxt: adjustForTimeDifference).
        """)

    @Option(help: "A folder laid out as ../shared/data (binance/, bybit/, contract_specs/).")
    var data: String

    @Option(help: "Venues to serve, comma-separated (default: every one with a recording). binance-usdm, binance-coinm, binance-spot, bybit-linear, bybit-spot.")
    var venues: String?

    @Option(help: "Playback speed: 1 real time, 10 ten times faster, or 'max' (as fast as connections take it).")
    var speed: String = "1"

    @Flag(help: "Move the venues' timestamps (E, T, ts, cts) so the recording starts now: clients measure event time to receipt as recorded. Needs --speed 1.")
    var nowTimes = false

    @Flag(help: "Start the playback clock at launch instead of at the first WebSocket connection.")
    var startAtLaunch = false

    @Option(help: "Numeric address to listen on. Loopback unless you mean to share the recordings.")
    var host: String = "127.0.0.1"

    @Option(name: .customLong("port"), help: "LISTENER=PORT for binance-usdm, binance-coinm, binance-spot, bybit or control (default 0: the system picks). Repeatable.")
    var ports: [String] = []

    @Option(help: "PEM certificate: serve wss:// and https:// (with --tls-key).")
    var tlsCert: String?

    @Option(help: "PEM private key of --tls-cert.")
    var tlsKey: String?

    @Option(name: .customLong("fault"), help: "AT@VENUE:FAULT, e.g. 30@binance-usdm:close=1006. Repeatable.")
    var faults: [String] = []

    @Option(name: .customLong("account"), help: "KEY:SECRET or KEY:SECRET:ASSET=AMOUNT,... (default USDT=100000): an account that may trade. Repeatable. The secret is never logged.")
    var accounts: [String] = []

    @Option(help: "A file of accounts, one KEY:SECRET[:ASSET=AMOUNT,...] a line ('#' starts a comment): keeps secrets off the command line.")
    var accountsFile: String?

    @Flag(help: "Serve no synthesized markPrice stream on Binance futures.")
    var noMarkPrice = false

    @Option(help: "Funding rate the synthesized markPrice stream carries.")
    var fundingRate: String = "0.00010000"

    @Option(help: "Log level on stderr: debug, info, notice, warning, error.")
    var logLevel: String = "notice"

    func run() async throws {
        var configuration = ExchangeConfiguration()
        do {
            let found = try ExchangeConfiguration.sources(inDataFolder: data)
            if let venues {
                for name in venues.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                    guard let venue = ExchangeVenue(rawValue: name) else {
                        throw ValidationError("--venues: unknown venue '\(name)'; one of \(ExchangeVenue.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                    guard let source = found[venue] else { throw ValidationError("--venues: \(data) has no recording for \(name)") }
                    configuration.venues[venue] = source
                }
            } else {
                configuration.venues = found
            }
        } catch let error as TapeError {
            throw ValidationError("--data: \(error)")
        }
        if speed == "max" {
            configuration.speed = nil
        } else {
            guard let value = Double(speed), value > 0, value.isFinite else {
                throw ValidationError("--speed: '\(speed)' is neither a positive number nor 'max'")
            }
            configuration.speed = value
        }
        configuration.startAtLaunch = startAtLaunch
        if nowTimes && configuration.speed != 1 {
            throw ValidationError("--now-times needs --speed 1: at another speed the venue's clock and yours drift apart")
        }
        configuration.nowTimes = nowTimes
        configuration.host = host
        for entry in ports {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let listener = Listener(rawValue: parts[0]), let port = Int(parts[1]), (0...65535).contains(port) else {
                throw ValidationError("--port: '\(entry)': expected LISTENER=PORT with LISTENER one of \(Listener.allCases.map(\.rawValue).joined(separator: ", ")) and PORT 0-65535")
            }
            configuration.ports[listener] = port
        }
        switch (tlsCert, tlsKey) {
        case let (cert?, key?): configuration.tls = .init(certificate: cert, privateKey: key)
        case (nil, nil): break
        default: throw ValidationError("--tls-cert and --tls-key go together")
        }
        for text in faults {
            do { configuration.schedule.append(try ScheduledFault(parsing: text)) } catch {
                throw ValidationError("--fault: \(error)")
            }
        }
        configuration.syntheticFundingRate = noMarkPrice ? nil : fundingRate
        var accountLines = accounts.map { ("--account", $0) }
        if let accountsFile {
            guard let text = try? String(contentsOfFile: accountsFile, encoding: .utf8) else {
                throw ValidationError("--accounts-file: cannot read \(accountsFile)")
            }
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let entry = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init)?
                    .trimmingCharacters(in: .whitespaces) ?? ""
                if !entry.isEmpty { accountLines.append(("--accounts-file line \(number + 1)", entry)) }
            }
        }
        for (source, text) in accountLines {
            do { configuration.accounts.append(try ExchangeAccount(parsing: text)) } catch {
                throw ValidationError("\(source): \(error)")
            }
        }
        let keys = configuration.accounts.map(\.apiKey)
        if Set(keys).count != keys.count { throw ValidationError("--account: an API key is given twice") }
        guard let level = Logger.Level(rawValue: logLevel) else { throw ValidationError("--log-level: '\(logLevel)' is not a level") }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "hedgetop-exchange")
        if host != "127.0.0.1" && host != "::1" {
            FileHandle.standardError.write(Data("hedgetop-exchange: listening on \(host), not loopback: other machines can reach the recordings (the control endpoint stays on 127.0.0.1)\n".utf8))
        }
        let exchange: LocalExchange
        do { exchange = try LocalExchange(configuration: configuration, logger: logger) } catch {
            FileHandle.standardError.write(Data("hedgetop-exchange: \(error)\n".utf8))
            throw ExitCode.failure
        }
        for note in exchange.notes { FileHandle.standardError.write(Data("hedgetop-exchange: note: \(note)\n".utf8)) }
        let service = ExchangeService(exchange: exchange)
        let group = ServiceGroup(configuration: .init(services: [.init(service: service)], gracefulShutdownSignals: [.sigint, .sigterm], logger: logger))
        do {
            try await group.run()
        } catch {
            FileHandle.standardError.write(Data("hedgetop-exchange: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}

/// The exchange as a service: serves until SIGINT or SIGTERM.
struct ExchangeService: Service {
    let exchange: LocalExchange

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await exchange.run { endpoints in
                print("hedgetop-exchange ready \(endpoints) pid=\(ProcessInfo.processInfo.processIdentifier)")
                fflush(nil)
            }
        }
    }
}
