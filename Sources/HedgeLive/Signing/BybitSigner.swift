/// Signs Bybit v5 private requests: HMAC-SHA256 of `timestamp + apiKey + recvWindow + payload`,
/// where the payload is the query string of a GET or the raw JSON body of a POST, as lower-case
/// hex in `X-BAPI-SIGN`; and the private WebSocket's `auth` message, which signs
/// `GET/realtime` + expires.
public struct BybitSigner: Sendable {
    public let credentials: APICredentials

    public init(credentials: APICredentials) {
        self.credentials = credentials
    }

    /// The text that is signed, as Bybit's guide spells it out.
    public func stringToSign(timestampMillis: Int64, recvWindowMillis: Int, payload: String) -> String {
        "\(timestampMillis)\(credentials.apiKey)\(recvWindowMillis)\(payload)"
    }

    public func signature(timestampMillis: Int64, recvWindowMillis: Int, payload: String) -> String {
        credentials.secret.signatureHex(of: stringToSign(timestampMillis: timestampMillis, recvWindowMillis: recvWindowMillis, payload: payload))
    }

    /// The four authentication headers of a request whose query string or body is `payload`.
    public func headers(timestampMillis: Int64, recvWindowMillis: Int, payload: String) -> [(name: String, value: String)] {
        [
            ("X-BAPI-API-KEY", credentials.apiKey),
            ("X-BAPI-TIMESTAMP", String(timestampMillis)),
            ("X-BAPI-SIGN", signature(timestampMillis: timestampMillis, recvWindowMillis: recvWindowMillis, payload: payload)),
            ("X-BAPI-RECV-WINDOW", String(recvWindowMillis)),
        ]
    }

    /// The signature of the private WebSocket's auth: `GET/realtime` followed by `expires`, the
    /// millisecond time after which the venue refuses it.
    public func webSocketSignature(expiresMillis: Int64) -> String {
        credentials.secret.signatureHex(of: "GET/realtime\(expiresMillis)")
    }

    /// The `auth` message to send first on the private WebSocket.
    public func webSocketAuthMessage(expiresMillis: Int64) -> String {
        #"{"op":"auth","args":["\#(credentials.apiKey)",\#(expiresMillis),"\#(webSocketSignature(expiresMillis: expiresMillis))"]}"#
    }
}
