import HedgeCore
import HedgeVenues

/// `--balance VENUE:ASSET=AMOUNT`: one asset's starting balance on a replay's simulated venue,
/// as `balances` under `[venues.VENUE]` gives it in a config file. A coin-margined leg needs its
/// coin (a COIN-M BCH contract posts margin in BCH), which the default wallet may not hold.
public struct VenueBalance: Sendable, Hashable {
    public var venue: String
    public var asset: String
    public var amount: FixedDecimal

    public init(venue: String, asset: String, amount: FixedDecimal) {
        self.venue = venue
        self.asset = asset
        self.amount = amount
    }

    /// Reads `VENUE:ASSET=AMOUNT`; the error says what is wrong with the text.
    public init(parsing text: String) throws(ReplayFailure) {
        let example = "e.g. binance-coinm:BTC=2"
        guard let colon = text.firstIndex(of: ":"), let equals = text.lastIndex(of: "="), colon < equals else {
            throw ReplayFailure("--balance takes VENUE:ASSET=AMOUNT (\(example)), got \"\(text)\"")
        }
        let venue = String(text[..<colon]), asset = String(text[text.index(after: colon)..<equals])
        let amountText = String(text[text.index(after: equals)...])
        guard !venue.isEmpty, !asset.isEmpty, !asset.contains(":"), !asset.contains("=") else {
            throw ReplayFailure("--balance takes VENUE:ASSET=AMOUNT (\(example)), got \"\(text)\"")
        }
        guard let amount = FixedDecimal(amountText) else {
            throw ReplayFailure("--balance \(text): \"\(amountText)\" is not an amount of \(asset) (a number with at most 8 decimals, \(example))")
        }
        guard !amount.isNegative else { throw ReplayFailure("--balance \(text): \(amount) is negative; a starting balance is 0 or more") }
        self.init(venue: venue, asset: asset, amount: amount)
    }

    /// Why the balances name a venue the replay does not trade on, or nil when they all fit.
    static func unknownVenue(_ balances: [VenueBalance], venues: [String]) -> String? {
        guard let stray = balances.first(where: { !venues.contains($0.venue) }) else { return nil }
        return "unknown venue \"\(stray.venue)\" in \(stray.venue):\(stray.asset)=\(stray.amount): the legs trade on \(venues.joined(separator: ", "))"
    }
}

extension SimulatedVenue.Settings {
    /// These settings with the balances given for `venue` set, each asset on its own; the other
    /// assets keep their balance (the default wallet's, or the config's `balances`).
    func with(_ balances: [VenueBalance], venue: String) -> SimulatedVenue.Settings {
        var settings = self
        for balance in balances where balance.venue == venue { settings.balances[balance.asset] = balance.amount }
        return settings
    }
}
