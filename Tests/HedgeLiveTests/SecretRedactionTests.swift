import Foundation
import Testing
@testable import HedgeLive

/// The secret never shows: not in description, debugDescription, interpolation, dump or Mirror,
/// not through the credentials that hold it, and it cannot be encoded.
@Suite struct SecretRedactionTests {
    static let secretText = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"
    let secret = APISecret(Self.secretText)
    var credentials: APICredentials {
        APICredentials(owner: .binance, apiKey: "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A", secret: secret, source: "a test")
    }

    /// Every way Swift turns a value into text.
    func renderings(_ value: Any) -> [String] {
        var dumped = ""
        dump(value, to: &dumped)
        var printed = ""
        print(value, to: &printed)
        var debugPrinted = ""
        debugPrint(value, to: &debugPrinted)
        return [String(describing: value), String(reflecting: value), "\(value)", dumped, printed, debugPrinted,
                String(describing: Mirror(reflecting: value).children.map { "\($0.label ?? "") \($0.value)" })]
    }

    /// Pieces of the secret long enough to matter.
    func leaks(_ text: String) -> Bool {
        text.contains(Self.secretText) || text.contains(String(Self.secretText.prefix(12))) || text.contains(String(Self.secretText.suffix(12)))
    }

    @Test("The secret's own renderings are redacted")
    func secretRedacted() {
        let texts = renderings(secret)
        for text in texts {
            #expect(!leaks(text), "\(text)")
        }
        // All but the last (the mirror's children, which are none) say it is redacted.
        for text in texts.dropLast() {
            #expect(text.contains("redacted"), "\(text)")
        }
        #expect(secret.description == "APISecret(redacted)")
        #expect(secret.debugDescription == "APISecret(redacted)")
        #expect(Mirror(reflecting: secret).children.isEmpty)
    }

    @Test("Credentials show the key shortened and never the secret, even nested in other values")
    func credentialsRedacted() {
        for text in renderings(credentials) + renderings([credentials]) + renderings(Optional(credentials) as Any) + renderings((1, credentials)) {
            #expect(!leaks(text), "\(text)")
            #expect(!text.contains("vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"), "\(text)")
        }
        #expect(credentials.description == "binance API key vmPU… (from a test)")
    }

    @Test("Neither the secret nor the credentials can be encoded or decoded")
    func notCodable() {
        #expect(!((secret as Any) is any Encodable))
        #expect(!((credentials as Any) is any Encodable))
        #expect(!(APISecret.self is any Decodable.Type))
        #expect(!(APICredentials.self is any Decodable.Type))
    }

    @Test("Signers hold credentials and do not show the secret either")
    func signersRedacted() {
        for text in renderings(BinanceSigner(credentials: credentials)) + renderings(BybitSigner(credentials: credentials)) {
            #expect(!leaks(text), "\(text)")
        }
    }
}
