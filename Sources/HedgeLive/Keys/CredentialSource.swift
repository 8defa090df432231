import Foundation

/// Where a run's API keys come from: per exchange, the environment first
/// (`HEDGETOP_BINANCE_API_KEY` and `HEDGETOP_BINANCE_API_SECRET`, the same with `BYBIT`), else the
/// key file (`HEDGETOP_KEY_FILE`, else the default path; see `KeyFile` for its format and checks).
public struct CredentialSource: Sendable {
    public var environment: [String: String]
    /// The key file named explicitly (a command-line option); nil for `HEDGETOP_KEY_FILE` or the
    /// default path.
    public var keyFile: String?

    public init(environment: [String: String], keyFile: String? = nil) {
        self.environment = environment
        self.keyFile = keyFile
    }

    /// The key file to read: the one named, else `HEDGETOP_KEY_FILE`, else the default path.
    public var keyFilePath: String? {
        if let keyFile { return keyFile }
        if let named = environment["HEDGETOP_KEY_FILE"], !named.isEmpty { return named }
        return KeyFile.defaultPath(environment: environment)
    }

    /// The key and secret for `owner`.
    public func credentials(for owner: APIKeyOwner) throws(CredentialError) -> APICredentials {
        let key = environment[owner.keyVariable].flatMap { $0.isEmpty ? nil : $0 }
        let secret = environment[owner.secretVariable].flatMap { $0.isEmpty ? nil : $0 }
        switch (key, secret) {
        case let (key?, secret?):
            try CredentialValue.check(key, what: owner.keyVariable)
            try CredentialValue.check(secret, what: owner.secretVariable)
            return APICredentials(owner: owner, apiKey: key, secret: APISecret(secret), source: "environment")
        case (.some, nil):
            throw CredentialError(.partialEnvironment, "\(owner.keyVariable) is set but \(owner.secretVariable) is not: set both, or neither to use the key file")
        case (nil, .some):
            throw CredentialError(.partialEnvironment, "\(owner.secretVariable) is set but \(owner.keyVariable) is not: set both, or neither to use the key file")
        case (nil, nil):
            break
        }
        let advice = "set \(owner.keyVariable) and \(owner.secretVariable), or put a [\(owner.rawValue)] section with key and secret in a key file"
        guard let path = keyFilePath else {
            throw CredentialError(.missing, "no \(owner.rawValue) API key: \(advice) (HEDGETOP_KEY_FILE names it)")
        }
        let sections: [APIKeyOwner: APICredentials]
        do throws(CredentialError) {
            sections = try KeyFile.load(path: path)
        } catch {
            // The default path unused is not an error of the file: say what to set up.
            if error.code == .unreadable && keyFile == nil && environment["HEDGETOP_KEY_FILE"] == nil && !fileExists(path) {
                throw CredentialError(.missing, "no \(owner.rawValue) API key: \(advice) (\(path), chmod 600)")
            }
            throw error
        }
        guard let found = sections[owner] else {
            throw CredentialError(.missing, "no \(owner.rawValue) API key: key file \(path) has no [\(owner.rawValue)] section; \(advice)")
        }
        return found
    }

    private func fileExists(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0
    }
}
