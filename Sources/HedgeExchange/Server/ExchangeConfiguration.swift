import Foundation

/// Everything the exchange serves and how: the recordings per venue, the pace, the addresses,
/// TLS, faults. The CLI fills it from flags; tests build it directly.
public struct ExchangeConfiguration: Sendable {
    /// A venue's recording files and its instrument definitions.
    public struct VenueSource: Sendable {
        public var files: [String]
        /// Binance: an exchangeInfo JSON (bare or as saved in contract_specs/); Bybit: an
        /// instruments-info JSON or a jsonl recording holding one. nil: Binance spot's is built
        /// from the built-in contract table; Bybit's comes from the recording's own http lines.
        public var specs: String?

        public init(files: [String], specs: String? = nil) {
            self.files = files
            self.specs = specs
        }
    }

    /// Certificate and key (PEM) for wss:// and https://.
    public struct TLSFiles: Sendable {
        public var certificate: String
        public var privateKey: String
        public init(certificate: String, privateKey: String) {
            self.certificate = certificate
            self.privateKey = privateKey
        }
    }

    public var venues: [ExchangeVenue: VenueSource] = [:]
    /// Numeric address to listen on; loopback unless the operator says otherwise.
    public var host = "127.0.0.1"
    /// Port per listener (0: the system picks): one per Binance venue, one for Bybit (linear and
    /// spot share it, as on api.bybit.com), one for the control endpoint (always loopback).
    public var ports: [Listener: Int] = [:]
    /// Playback speed: 1 real time, 10 ten times faster; nil as fast as connections take it.
    public var speed: Double? = 1
    /// Venue timestamps moved so the recording starts when playback starts (`EventTimeShift`):
    /// event time → receipt latency reads as recorded. Real time only (speed 1).
    public var nowTimes = false
    /// Start the clock at launch instead of at the first WebSocket connection.
    public var startAtLaunch = false
    /// The funding rate of the synthesized Binance markPrice stream; nil: no markPrice stream.
    public var syntheticFundingRate: String? = "0.00010000"
    public var tls: TLSFiles?
    /// The accounts that may trade (Binance USD-M and Bybit linear), each with its own
    /// balances at each venue.
    public var accounts: [ExchangeAccount] = []
    public var schedule: [ScheduledFault] = []
    /// Binance closes every connection at 24 h.
    public var binanceConnectionAge: Duration = .seconds(24 * 3600)

    public init() {}

    /// The sources found in a data folder laid out as ../shared/data is: binance/usdm_*.gz,
    /// cm_*.gz, spot_*.gz; bybit/*.jsonl; contract_specs/*fapi*exchangeInfo.json, *dapi*.
    public static func sources(inDataFolder folder: String) throws(TapeError) -> [ExchangeVenue: VenueSource] {
        let manager = FileManager.default
        func files(_ sub: String, _ match: (String) -> Bool) -> [String] {
            let directory = (folder as NSString).appendingPathComponent(sub)
            let names = (try? manager.contentsOfDirectory(atPath: directory)) ?? []
            return names.filter(match).sorted().map { (directory as NSString).appendingPathComponent($0) }
        }
        var sources: [ExchangeVenue: VenueSource] = [:]
        let specs = files("contract_specs") { _ in true }
        let usdm = files("binance") { $0.hasPrefix("usdm_") && $0.hasSuffix(".gz") }
        let coinm = files("binance") { $0.hasPrefix("cm_") && $0.hasSuffix(".gz") }
        let spot = files("binance") { $0.hasPrefix("spot_") && $0.hasSuffix(".gz") }
        let bybit = files("bybit") { $0.hasSuffix(".jsonl") }
        if !usdm.isEmpty { sources[.binanceUSDM] = VenueSource(files: usdm, specs: specs.first { $0.contains("fapi") && $0.contains("exchangeInfo") }) }
        if !coinm.isEmpty { sources[.binanceCOINM] = VenueSource(files: coinm, specs: specs.first { $0.contains("dapi") && $0.contains("exchangeInfo") }) }
        if !spot.isEmpty { sources[.binanceSpot] = VenueSource(files: spot) }
        if !bybit.isEmpty {
            sources[.bybitLinear] = VenueSource(files: bybit)
            sources[.bybitSpot] = VenueSource(files: bybit)
        }
        guard !sources.isEmpty else {
            throw TapeError("\(folder): no recordings found (expected binance/usdm_*.gz, cm_*.gz, spot_*.gz or bybit/*.jsonl)")
        }
        return sources
    }
}

/// A listening port of the exchange.
public enum Listener: String, Sendable, Hashable, CaseIterable {
    case binanceUSDM = "binance-usdm", binanceCOINM = "binance-coinm", binanceSpot = "binance-spot", bybit, control

    /// The port that serves `venue`.
    public init(serving venue: ExchangeVenue) {
        switch venue {
        case .binanceUSDM: self = .binanceUSDM
        case .binanceCOINM: self = .binanceCOINM
        case .binanceSpot: self = .binanceSpot
        case .bybitLinear, .bybitSpot: self = .bybit
        }
    }
}

/// Where a started exchange serves each venue: the bases a connector is pointed at.
public struct ExchangeEndpoints: Sendable, CustomStringConvertible {
    public var bases: [ExchangeVenue: (webSocket: String, rest: String)]
    public var control: String
    public var ports: [Listener: Int]

    /// One line, `key=value` words: `control=http://127.0.0.1:P binance-usdm.ws=ws://... binance-usdm.rest=http://...`.
    public var description: String {
        var words = ["control=\(control)"]
        for venue in ExchangeVenue.allCases {
            guard let base = bases[venue] else { continue }
            words.append("\(venue).ws=\(base.webSocket)")
            words.append("\(venue).rest=\(base.rest)")
        }
        return words.joined(separator: " ")
    }
}
