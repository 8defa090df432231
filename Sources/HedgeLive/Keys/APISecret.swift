import Crypto
import Foundation

/// A venue's API secret. It signs and does nothing else: it never prints, never reflects, and is
/// not Codable, so no description, log line, dump or saved file can carry it by accident.
public struct APISecret: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The bytes, private; swift-crypto's SymmetricKey is not Sendable, so one is made per
    /// signature.
    private let bytes: [UInt8]

    public init(_ text: String) {
        bytes = Array(text.utf8)
    }

    /// Whether the secret is the empty string.
    public var isEmpty: Bool { bytes.isEmpty }

    /// HMAC-SHA256 of `message` under the secret, as lower-case hex: what both venues want.
    public func signatureHex(of message: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Array(message.utf8), using: SymmetricKey(data: bytes))
        return code.hexLowerCase
    }

    public var description: String { "APISecret(redacted)" }
    public var debugDescription: String { "APISecret(redacted)" }
    /// No children: `dump` and `Mirror` see the redacted description only.
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}

extension Sequence<UInt8> {
    /// Lower-case hex of the bytes.
    var hexLowerCase: String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for byte in self {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
