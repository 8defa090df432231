import Foundation
@testable import HedgeExchange
import MetricsScrape
import NIOSSL
import Testing

/// wss:// and https:// with a self-signed certificate made here by the openssl CLI, trusted by
/// the client through a CA file, as a connector's CA-file option would.
@Suite("Local exchange: TLS", .timeLimit(.minutes(3)))
struct TLSTests {
    /// A certificate for 127.0.0.1 and localhost and its key, in a fresh temporary folder.
    static func selfSigned() throws -> (certificate: String, key: String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hedgetop-exchange-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let certificate = folder.appendingPathComponent("cert.pem").path
        let key = folder.appendingPathComponent("key.pem").path
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        openssl.arguments = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certificate,
                             "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"]
        openssl.standardOutput = FileHandle.nullDevice
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        guard openssl.terminationStatus == 0 else { throw HarnessError("openssl could not make a certificate") }
        return (certificate, key)
    }

    @Test("Over wss:// a client that trusts the CA file gets the stream; one that does not is refused")
    func secureWebSocket() async throws {
        let (certificate, key) = try Self.selfSigned()
        let harness = try await ExchangeHarness.start([.binanceUSDM: ExchangeHarness.usdm]) {
            $0.tls = .init(certificate: certificate, privateKey: key)
        }
        defer { Task { await harness.stop() } }
        let base = harness.base(.binanceUSDM)
        #expect(base.webSocket.hasPrefix("wss://localhost:"))
        #expect(base.rest.hasPrefix("https://localhost:"))
        var trusting = TLSConfiguration.makeClientConfiguration()
        trusting.trustRoots = .file(certificate)
        let (messages, _) = try await ExchangeHarness.collect(base.webSocket + "/stream?streams=btcusdt@bookTicker", tls: trusting) { $0.count >= 3 }
        #expect(messages.count == 3)
        #expect(messages[0].hasPrefix(#"{"stream":"btcusdt@bookTicker","data":"#))
        await #expect(throws: (any Error).self) {
            _ = try await ExchangeHarness.collect(base.webSocket + "/stream?streams=btcusdt@bookTicker", tls: .makeClientConfiguration()) { $0.count >= 1 }
        }
    }

    @Test("Over https:// REST answers a client given the CA file (curl --cacert)")
    func secureREST() async throws {
        let (certificate, key) = try Self.selfSigned()
        let harness = try await ExchangeHarness.start([.binanceUSDM: ExchangeHarness.usdm]) {
            $0.tls = .init(certificate: certificate, privateKey: key)
        }
        defer { Task { await harness.stop() } }
        let url = harness.base(.binanceUSDM).rest + "/fapi/v1/depth?symbol=BTCUSDT&limit=5"
        let body = try await offPool { try Self.curl(["--silent", "--show-error", "--cacert", certificate, url]) }
        #expect(body.hasPrefix(#"{"lastUpdateId":5123107852948"#))
    }

    static func curl(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["curl"] + arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
