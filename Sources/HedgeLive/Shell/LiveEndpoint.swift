import Foundation
import NIOSSL

/// Where one venue is reached: its WebSocket and REST base URLs (the real ones by default) and,
/// for a test exchange with a self-signed certificate, the CA file to trust.
public struct LiveEndpoint: Sendable, Hashable {
    public var kind: LiveVenueKind
    public var webSocketURL: String
    public var restURL: String
    /// A PEM file of certificate authorities trusted instead of the system's.
    public var caFile: String?

    public init(kind: LiveVenueKind, webSocketURL: String? = nil, restURL: String? = nil, caFile: String? = nil) {
        self.kind = kind
        self.webSocketURL = webSocketURL ?? kind.defaultWebSocketURL
        self.restURL = restURL ?? kind.defaultRESTURL
        self.caFile = caFile
    }

    /// The TLS setup for wss/https: the system's roots, or only the CA file's.
    func tlsConfiguration() throws -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let caFile {
            guard FileManager.default.isReadableFile(atPath: caFile) else {
                throw LiveFailure("ca_file \(caFile) cannot be read")
            }
            tls.trustRoots = .file(caFile)
        }
        return tls
    }
}

/// A connection problem in words a trader can act on.
public struct LiveFailure: Error, Sendable, CustomStringConvertible {
    public var message: String
    /// Retrying soon cannot help (region blocked, unknown symbol).
    public var fatal: Bool

    public init(_ message: String, fatal: Bool = false) {
        self.message = message
        self.fatal = fatal
    }

    public var description: String { message }
}
