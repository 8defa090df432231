import Foundation
@testable import HedgeExchange
import MetricsScrape
import Testing

/// Clients the project did not write, from PyPI: if the exchange spoke a dialect of its own,
/// `websockets` + hand checks or `ccxt` would stumble. The venv is made once and kept under the
/// build folder (.build/exchange-venv), so later runs skip the install.
@Suite("Local exchange: third-party clients")
struct ThirdPartyClientTests {
    static let packages = ["websockets==17.4", "ccxt==4.5.90"]

    static var buildFolder: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build")
    }

    /// The venv's python, made and filled on first use.
    static func python() throws -> String {
        let venv = buildFolder.appendingPathComponent("exchange-venv")
        let python = venv.appendingPathComponent("bin/python").path
        let marker = venv.appendingPathComponent("installed-\(packages.joined(separator: "_"))").path
        if FileManager.default.fileExists(atPath: marker) { return python }
        try run("/usr/bin/env", ["python3", "-m", "venv", venv.path])
        try run(python, ["-m", "pip", "install", "--quiet", "--disable-pip-version-check"] + packages)
        FileManager.default.createFile(atPath: marker, contents: nil)
        return python
    }

    @discardableResult
    static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw HarnessError("\(([executable] + arguments).joined(separator: " ")) failed (\(process.terminationStatus)):\n\(text)")
        }
        return text
    }

    @Test("websockets and ccxt from PyPI read Binance and Bybit streams, markets and order books as the venues'",
          .timeLimit(.minutes(15)))
    func websocketsAndCCXT() async throws {
        let python = try await offPool { try Self.python() }
        // Paced in real time, so a subscription made seconds in on a loaded machine still finds messages coming.
        let harness = try await ExchangeHarness.start([.binanceUSDM: ExchangeHarness.usdm, .bybitLinear: ExchangeHarness.bybit,
                                                       .bybitSpot: ExchangeHarness.bybit], speed: 1)
        defer { Task { await harness.stop() } }
        let script = ExchangeHarness.fixture("third_party_client.py")
        let arguments = [script, harness.base(.binanceUSDM).webSocket, harness.base(.binanceUSDM).rest,
                         harness.base(.bybitLinear).webSocket, harness.base(.bybitLinear).rest]
        let output = try await offPool { try Self.run(python, arguments) }
        #expect(output.hasPrefix("OK binance"), "\(output)")
    }
}

/// ccxt from PyPI trading through the venues' signed APIs: if a signature, a parameter or an
/// answer field were our own dialect, ccxt would raise.
@Suite("Local exchange: third-party trading client")
struct ThirdPartyTradingTests {
    @Test("ccxt's binanceusdm and bybit place, fetch and cancel a limit order and fill a market order",
          .timeLimit(.minutes(15)))
    func ccxtTrades() async throws {
        let python = try await offPool { try ThirdPartyClientTests.python() }
        // Paced from launch: the venues' time runs with the wall clock, as ccxt's clock sync expects.
        let harness = try await ExchangeHarness.start([.binanceUSDM: ExchangeHarness.usdm, .bybitLinear: ExchangeHarness.bybit], speed: 1) { configuration in
            configuration.startAtLaunch = true
            configuration.accounts = [ExchangeAccount(apiKey: "ccxt-key", secret: "ccxt-secret")]
        }
        defer { Task { await harness.stop() } }
        let arguments = [ExchangeHarness.fixture("third_party_trading.py"), harness.base(.binanceUSDM).rest,
                         harness.base(.bybitLinear).rest, "ccxt-key", "ccxt-secret"]
        let output = try await offPool { try ThirdPartyClientTests.run(python, arguments) }
        #expect(output.hasPrefix("OK binanceusdm filled at"), "\(output)")
    }
}
