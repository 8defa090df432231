/// The live venues hedgetop connects to, by the name used in the TOML and on the command line.
public enum LiveVenueKind: String, Sendable, CaseIterable, Codable {
    case binanceUSDM = "binance-usdm"
    case binanceCOINM = "binance-coinm"
    case binanceSpot = "binance-spot"
    case bybitLinear = "bybit-linear"
    case bybitSpot = "bybit-spot"

    /// The venue's real WebSocket base URL.
    public var defaultWebSocketURL: String {
        switch self {
        case .binanceUSDM: "wss://fstream.binance.com"
        case .binanceCOINM: "wss://dstream.binance.com"
        case .binanceSpot: "wss://stream.binance.com:9443"
        case .bybitLinear: "wss://stream.bybit.com/v5/public/linear"
        case .bybitSpot: "wss://stream.bybit.com/v5/public/spot"
        }
    }

    /// The venue's real REST base URL.
    public var defaultRESTURL: String {
        switch self {
        case .binanceUSDM: "https://fapi.binance.com"
        case .binanceCOINM: "https://dapi.binance.com"
        case .binanceSpot: "https://api.binance.com"
        case .bybitLinear, .bybitSpot: "https://api.bybit.com"
        }
    }

    public var isBinance: Bool { self == .binanceUSDM || self == .binanceCOINM || self == .binanceSpot }

    /// The REST path prefix of Binance's market endpoints on this venue.
    var binanceRESTPrefix: String {
        switch self {
        case .binanceUSDM: "/fapi/v1"
        case .binanceCOINM: "/dapi/v1"
        default: "/api/v3"
        }
    }

    /// Where the venue's contract specs come from.
    public var specsPath: String {
        switch self {
        case .bybitLinear: "/v5/market/instruments-info?category=linear"
        case .bybitSpot: "/v5/market/instruments-info?category=spot"
        default: binanceRESTPrefix + "/exchangeInfo"
        }
    }

    /// The prefix replay reads a Binance recording's venue from (`usdm_btcusdt_20240808.gz`).
    var recordingPrefix: String {
        switch self {
        case .binanceUSDM: "usdm"
        case .binanceCOINM: "cm"
        case .binanceSpot: "spot"
        case .bybitLinear: "bybit_linear"
        case .bybitSpot: "bybit_spot"
        }
    }
}
