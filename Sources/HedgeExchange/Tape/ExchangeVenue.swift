/// A venue the local exchange can stand in for, with the real venue's addresses and paths.
public enum ExchangeVenue: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case binanceUSDM = "binance-usdm"
    case binanceCOINM = "binance-coinm"
    case binanceSpot = "binance-spot"
    case bybitLinear = "bybit-linear"
    case bybitSpot = "bybit-spot"

    public var description: String { rawValue }

    public var isBinance: Bool { self == .binanceUSDM || self == .binanceCOINM || self == .binanceSpot }

    /// The REST path prefix: `/fapi/v1`, `/dapi/v1`, `/api/v3`, Bybit's `/v5/market`.
    public var restPrefix: String {
        switch self {
        case .binanceUSDM: "/fapi/v1"
        case .binanceCOINM: "/dapi/v1"
        case .binanceSpot: "/api/v3"
        case .bybitLinear, .bybitSpot: "/v5/market"
        }
    }

    /// Bybit's WebSocket path and REST category.
    public var bybitCategory: String? {
        switch self {
        case .bybitLinear: "linear"
        case .bybitSpot: "spot"
        default: nil
        }
    }

    /// The real venue's WebSocket and REST bases, which the local ones stand in for.
    public var realBases: (webSocket: String, rest: String) {
        switch self {
        case .binanceUSDM: ("wss://fstream.binance.com", "https://fapi.binance.com")
        case .binanceCOINM: ("wss://dstream.binance.com", "https://dapi.binance.com")
        case .binanceSpot: ("wss://stream.binance.com:9443", "https://api.binance.com")
        case .bybitLinear: ("wss://stream.bybit.com/v5/public/linear", "https://api.bybit.com")
        case .bybitSpot: ("wss://stream.bybit.com/v5/public/spot", "https://api.bybit.com")
        }
    }

    /// Binance's futures depth rules (`pu`) or spot's (`U == u + 1`).
    public var isSpot: Bool { self == .binanceSpot || self == .bybitSpot }
}
