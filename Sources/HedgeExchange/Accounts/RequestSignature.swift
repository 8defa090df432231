import Crypto
import Foundation

/// The venues' request signature: hex HMAC-SHA256 of a payload under the account's secret
/// (Binance: the total params; Bybit v5: timestamp + key + recvWindow + query or body).
enum RequestSignature {
    /// Lower-case hex HMAC-SHA256 of `payload` keyed by `secret`.
    static func hex(secret: String, payload: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Data(payload.utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return code.map { String(format: "%02x", $0) }.joined()
    }

    /// Whether `signature` (hex, either case) is `payload`'s under `secret`, compared in constant time.
    static func matches(_ signature: String, secret: String, payload: String) -> Bool {
        let expected = Array(hex(secret: secret, payload: payload).utf8)
        let given = Array(signature.lowercased().utf8)
        guard expected.count == given.count else { return false }
        var difference: UInt8 = 0
        for (left, right) in zip(expected, given) { difference |= left ^ right }
        return difference == 0
    }
}
