import Foundation
import MetricsScrape
import Testing

/// `hedgetop serve --metrics`: the built binary scraped over HTTP on loopback, as Prometheus
/// would scrape it, and its refusals when the address is bad or taken. The long test waits with
/// `Task.sleep` and scrapes off the cooperative pool, so it holds no pool thread other tests need.
@Suite("Serve metrics")
struct ServeMetricsTests {
    @Test("serve --metrics answers a scrape with every strategy's series, then stops cleanly on SIGTERM")
    func scrapeServe() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hedgetop-metrics-\(UUID().uuidString)")
        // 0700: it holds the socket, and a server's socket directory must be private.
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("out"), err = directory.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try TmuxSession.hedgetopPath())
        process.arguments = ["serve", "--name", "metrics-e2e", "--socket", directory.appendingPathComponent("s.sock").path,
                             "--metrics", "127.0.0.1:0", "--speed", "20", "--log-file", directory.appendingPathComponent("log").path]
        var environment = ProcessInfo.processInfo.environment
        environment["XDG_STATE_HOME"] = directory.appendingPathComponent("state").path
        process.environment = environment
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        defer {
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
        }
        func stderr() -> String { (try? String(contentsOf: err, encoding: .utf8)) ?? "" }

        // Port 0: the start line names the port the system chose.
        let port = try await poll("the start line with the metrics address", seconds: 30, detail: stderr) { () -> UInt16? in
            let text = try String(contentsOf: out, encoding: .utf8)
            guard let range = text.range(of: #"metrics at http://127\.0\.0\.1:[0-9]+/metrics"#, options: .regularExpression) else { return nil }
            return UInt16(text[range].dropFirst("metrics at http://127.0.0.1:".count).dropLast("/metrics".count))
        }
        let exposition = try await poll("a scrape with strategy series", seconds: 30, detail: stderr) { () -> Exposition? in
            guard let reply = try? await offPool({ try LoopbackHTTP.request("GET", "/metrics", port: port) }), reply.status == 200 else { return nil }
            let exposition = try Exposition(parsing: reply.body) // a malformed exposition fails the test at once
            return exposition.samples(named: "hedgetop_strategy_state").isEmpty ? nil : exposition
        }

        #expect(exposition.value("hedgetop_info", ["mode": "paper"]) == 1)
        let strategies = Set(exposition.samples(named: "hedgetop_strategy_state").compactMap { $0.labels["strategy"] })
        #expect(!strategies.isEmpty)
        for strategy in strategies {
            let states = exposition.samples(named: "hedgetop_strategy_state").filter { $0.labels["strategy"] == strategy }
            #expect(Set(states.compactMap { $0.labels["state"] }) == Set(stateNames), "one series per state")
            #expect(states.map(\.value).reduce(0, +) == 1, "\(strategy) is in exactly one state")
            #expect(exposition.value("hedgetop_pnl_net_usd", ["strategy": strategy]) != nil)
            #expect(exposition.samples(named: "hedgetop_position_contracts").filter { $0.labels["strategy"] == strategy }.count == 2)
        }
        #expect(!exposition.samples(named: "hedgetop_venue_up").isEmpty)
        #expect(exposition.types["hedgetop_venue_orders_sent_total"] == "counter")
        let missing = try await offPool { try LoopbackHTTP.request("GET", "/nothing", port: port) }
        #expect(missing.status == 404)

        kill(process.processIdentifier, SIGTERM)
        try await poll("serve to exit after SIGTERM", seconds: 30, detail: stderr) { process.isRunning ? nil : true }
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0, "stderr: \(stderr())")
        await #expect(throws: ScrapeError.self) { try await offPool { try LoopbackHTTP.request("GET", "/metrics", port: port) } }
    }

    @Test("A bad --metrics address is refused before anything starts")
    func badAddress() throws {
        let run = try HedgetopProcess.run(["serve", "--socket", "$DIR/s.sock", "--metrics", "127.0.0.1:70000"])
        #expect(run.status == 64)
        #expect(run.error.contains("--metrics: '127.0.0.1:70000': the port must be a number from 0 to 65535"))
        #expect(run.output.isEmpty)
    }

    @Test("A metrics port already in use stops serve before trading, saying so")
    func portInUse() throws {
        let (socket, port) = try listeningOnLoopback()
        defer { close(socket) }
        let run = try HedgetopProcess.run(["serve", "--socket", "$DIR/s.sock", "--metrics", "127.0.0.1:\(port)"])
        #expect(run.status == 1)
        #expect(run.error.contains("cannot serve metrics on 127.0.0.1:\(port): address already in use"))
        #expect(run.error.contains("not trading"))
        #expect(!run.output.contains("listening on"))
    }

    /// Polls `probe` every 100 ms until it returns a value or `seconds` pass; a throw from `probe`
    /// ends it at once.
    @discardableResult
    func poll<T>(_ what: String, seconds: Double, detail: () -> String, _ probe: () async throws -> T?) async throws -> T {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            if let value = try await probe() { return value }
            if Date() >= deadline { break } // checked after a probe: a late wake-up still gets one
            try await Task.sleep(for: .milliseconds(100))
        }
        throw E2EError("no \(what) within \(seconds)s; stderr:\n\(detail())")
    }

    /// A TCP socket listening on 127.0.0.1 at a port the system chose.
    func listeningOnLoopback() throws -> (socket: Int32, port: UInt16) {
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard fd >= 0, bound, listen(fd, 1) == 0 else { throw E2EError("cannot listen on loopback: \(String(cString: strerror(errno)))") }
        return (fd, UInt16(bigEndian: address.sin_port))
    }
}
