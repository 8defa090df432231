/// The two exchanges whose keys hedgetop holds: one Binance key serves USD-M, COIN-M and spot,
/// one Bybit key serves every category.
public enum APIKeyOwner: String, Sendable, CaseIterable {
    case binance
    case bybit

    /// The environment variables that carry this exchange's key and secret.
    public var keyVariable: String { "HEDGETOP_\(rawValue.uppercased())_API_KEY" }
    public var secretVariable: String { "HEDGETOP_\(rawValue.uppercased())_API_SECRET" }
}

extension LiveVenueKind {
    /// Whose API key trades on this venue.
    public var keyOwner: APIKeyOwner { isBinance ? .binance : .bybit }
}

/// An API key and its secret for one exchange. The key is shown shortened (enough to tell two
/// keys apart on the screen); the secret is never shown.
public struct APICredentials: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public let owner: APIKeyOwner
    public let apiKey: String
    public let secret: APISecret
    /// Where they came from, for messages: `environment` or the key file's path.
    public let source: String

    public init(owner: APIKeyOwner, apiKey: String, secret: APISecret, source: String) {
        self.owner = owner
        self.apiKey = apiKey
        self.secret = secret
        self.source = source
    }

    /// The key's first four characters, enough to recognise it.
    public var shortKey: String { apiKey.count > 8 ? String(apiKey.prefix(4)) + "…" : "…" }

    public var description: String { "\(owner.rawValue) API key \(shortKey) (from \(source))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror {
        Mirror(self, children: ["owner": owner, "apiKey": shortKey, "source": source], displayStyle: .struct)
    }
}
