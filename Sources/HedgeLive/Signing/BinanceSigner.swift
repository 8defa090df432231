/// Signs Binance SIGNED (TRADE and USER_DATA) requests: `timestamp` and `recvWindow` appended to
/// the parameters, then HMAC-SHA256 of the exact query string sent, hex, as `signature`; the key
/// goes in the `X-MBX-APIKEY` header. The same on USD-M, COIN-M and spot.
public struct BinanceSigner: Sendable {
    public let credentials: APICredentials

    public init(credentials: APICredentials) {
        self.credentials = credentials
    }

    /// The header that carries the API key.
    public static let apiKeyHeader = "X-MBX-APIKEY"

    /// The query string to send: `parameters` percent-encoded in their order, then `recvWindow`
    /// and `timestamp`, then the signature of all that.
    public func signedQuery(_ parameters: [(name: String, value: String)], timestampMillis: Int64, recvWindowMillis: Int) -> String {
        let payload = Self.encode(parameters + [("recvWindow", String(recvWindowMillis)), ("timestamp", String(timestampMillis))])
        return payload + "&signature=" + credentials.secret.signatureHex(of: payload)
    }

    /// The signature of a payload exactly as sent. When parameters go partly in the query string
    /// and partly in the body, Binance signs the two concatenated with no `&` between them.
    public func signature(ofPayload payload: String) -> String {
        credentials.secret.signatureHex(of: payload)
    }

    /// `name=value&...` with values percent-encoded outside RFC 3986's unreserved characters, so
    /// what is signed is byte for byte what the venue receives.
    static func encode(_ parameters: [(name: String, value: String)]) -> String {
        parameters.map { "\($0.name)=\(percentEncoded($0.value))" }.joined(separator: "&")
    }

    static func percentEncoded(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                 UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + [byte].hexLowerCase.uppercased()
            }
        }
        return out
    }
}
