import ArgumentParser
import Foundation
import HedgeEngine
import HedgeLive
import Logging
import ServiceLifecycle
import UnixSignals

extension LiveVenueKind: ExpressibleByArgument {}

extension Hedgetop {
    /// `hedgetop record`: a venue's live streams to the files `hedgetop replay` reads.
    struct Record: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a venue's live market data as the files `hedgetop replay` reads.",
            discussion: "Binance: one gzip file per symbol per UTC day (usdm_btcusdt_YYYYMMDD.gz), lines `<receipt ns> <raw message>`, the REST depth snapshot at the start and after every resync, a marker at each reconnect. Bybit: one JSON-lines gzip file per venue per UTC day (bybit_linear_YYYYMMDD.jsonl.gz), a connect line per connection and a recv line per message. Stops on Ctrl-C or after --duration.")

        @Option(help: "The venue: binance-usdm, binance-coinm, binance-spot, bybit-linear or bybit-spot.")
        var venue: LiveVenueKind

        @Option(help: "Comma-separated symbols, as the venue lists them (BTCUSDT,ETHUSDT).")
        var symbols: String

        @Option(help: "The directory the files go to (created owner-only when missing).")
        var out: String

        @Option(help: "WebSocket base URL (default: the venue's real one).")
        var wsURL: String?

        @Option(help: "REST base URL (default: the venue's real one).")
        var restURL: String?

        @Option(help: "A PEM file of CAs to trust for wss/https (a test exchange's certificate).")
        var caFile: String?

        @Option(help: "Stop after this many seconds.")
        var duration: Double?

        func validate() throws {
            if symbolList.isEmpty { throw ValidationError("--symbols needs at least one symbol, e.g. BTCUSDT") }
            if let bad = symbolList.first(where: { !$0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } }) {
                throw ValidationError("--symbols: \"\(bad)\" is not a symbol (letters, digits and _ only)")
            }
            if let duration, !(duration > 0) { throw ValidationError("--duration must be positive") }
        }

        var symbolList: [String] {
            symbols.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).uppercased() }.filter { !$0.isEmpty }
        }

        func run() async throws {
            let made: Result<Recorder, LiveFailure> = Result { () throws(LiveFailure) in
                try Recorder(directory: out, symbols: symbolList) { printError($0) }
            }
            guard case .success(let recorder) = made else {
                if case .failure(let error) = made { printError("hedgetop: \(error.message)") }
                throw ExitCode.failure
            }
            let endpoint = LiveEndpoint(kind: venue, webSocketURL: wsURL, restURL: restURL, caFile: caFile)
            let logger = Logger(label: "hedgetop.record", factory: { _ in SwiftLogNoOpLogHandler() })
            let connections = LiveVenues(venues: [LiveVenues.Venue(endpoint: endpoint, symbols: symbolList)], sink: recorder, logger: logger)
            var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: connections)]
            if let duration { services.append(.init(service: StopAfter(duration: .milliseconds(Int64(duration * 1000))), successTerminationBehavior: .gracefullyShutdownGroup)) }
            let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: services, gracefulShutdownSignals: [.sigint, .sigterm], logger: logger))
            try await group.run()
            recorder.close()
            let counts = recorder.counts
            for (file, lines) in counts.sorted(by: { $0.key < $1.key }) { printError("hedgetop: \(file): \(lines) lines") }
            if counts.isEmpty {
                printError("hedgetop: nothing recorded: \(venue.rawValue) sent no message (see above why)")
                throw ExitCode.failure
            }
            if let failure = recorder.failure {
                printError("hedgetop: recording stopped early: \(failure)")
                throw ExitCode.failure
            }
        }
    }
}

/// Ends the group after a while (`--duration`).
struct StopAfter: Service {
    var duration: Duration

    func run() async throws {
        try? await cancelWhenGracefulShutdown { try await Task.sleep(for: duration) }
    }
}
