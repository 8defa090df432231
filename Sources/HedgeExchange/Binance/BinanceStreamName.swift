/// Binance stream names as clients write them: `<symbol>@<channel>[@<speed>]`.
enum BinanceStreamName {
    /// The channel a stream name asks for: every diff-depth speed (`@depth`, `@depth@100ms`,
    /// `@depth@0ms`, `@depth@500ms`) is served from the recorded diff-depth stream, and
    /// `@markPrice` / `@markPrice@1s` from the (synthesized) mark stream. Partial-book depth
    /// (`@depth5`), aggTrade and klines are not in the recordings: `.other`, never sent.
    static func channel(_ suffix: String) -> TapeChannel {
        let base = suffix.split(separator: "@").first.map(String.init) ?? suffix
        switch base {
        case "bookTicker": return .bookTicker
        case "depth": return .depth
        case "trade": return .trade
        case "markPrice": return .markPrice
        default: return .other
        }
    }

    /// (upper-case symbol, channel) of a client's stream name; nil when it has no `@`.
    static func parse(_ name: String) -> (symbol: String, channel: TapeChannel)? {
        let parts = name.split(separator: "@", maxSplits: 1)
        guard parts.count == 2, !parts[0].isEmpty else { return nil }
        return (String(parts[0]).uppercased(), channel(String(parts[1])))
    }
}
