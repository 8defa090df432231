import Foundation
import MetricsScrape
import Testing

/// The shipped rules against the real thing: Debian's `prometheus` on loopback scrapes
/// `hedgetop serve --metrics` every second with prometheus/hedgetop.rules.yml loaded; a stale
/// fault freezes a leg, and Prometheus's own /api/v1/alerts shows HedgetopVenueUnhealthy firing.
/// The same run checks serve's alert command got the same event as JSON.
@Suite("Real Prometheus alerts", .serialized)
struct PrometheusAlertTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("A stale leg fires HedgetopVenueUnhealthy in Prometheus, and serve's alert command gets it")
    func staleLegFires() async throws {
        let prometheus = "/usr/bin/prometheus"
        // Not a skip: .ci/run installs it, and a missing tool must fail loudly.
        #expect(FileManager.default.isExecutableFile(atPath: prometheus), "install Debian's prometheus package (apt-get install prometheus): .ci/run does")
        guard FileManager.default.isExecutableFile(atPath: prometheus) else { return }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hedgetop-prom-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: directory) }
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

        let alerts = path("alerts.jsonl")
        try """
        [venues.sim]
        stale_after = "2s"

        [[venues.sim.faults]]
        kind = "stale"
        instrument = "sim:near"
        from = "4s"
        until = "10m"

        [serve]
        on_alert = "cat >> '\(alerts)'"
        """.write(toFile: path("hedgetop.toml"), atomically: true, encoding: .utf8)
        var environment = ProcessInfo.processInfo.environment
        environment["XDG_STATE_HOME"] = path("state")
        let serve = try BackgroundProcess([try TmuxSession.hedgetopPath(), "serve", "--config", path("hedgetop.toml"), "--name", "prom-e2e",
                                           "--socket", path("s.sock"), "--metrics", "127.0.0.1:0", "--log-file", path("serve.log")],
                                          environment: environment, output: path("serve.out"), error: path("serve.err"))
        defer { serve.stop() }
        func serveDetail() -> String {
            ["serve.err", "serve.log"].map { "\($0):\n" + ((try? String(contentsOfFile: path($0), encoding: .utf8)) ?? "") }.joined(separator: "\n")
        }
        let metricsPort = try await poll("serve's metrics address", seconds: 30, detail: serveDetail) { () -> UInt16? in
            let text = (try? String(contentsOfFile: path("serve.out"), encoding: .utf8)) ?? ""
            guard let range = text.range(of: #"metrics at http://127\.0\.0\.1:[0-9]+/metrics"#, options: .regularExpression) else { return nil }
            return UInt16(text[range].dropFirst("metrics at http://127.0.0.1:".count).dropLast("/metrics".count))
        }

        let rules = Self.repository.appendingPathComponent("prometheus/hedgetop.rules.yml").path
        try """
        global:
          scrape_interval: 1s
          evaluation_interval: 1s
        rule_files:
          - \(rules)
        scrape_configs:
          - job_name: hedgetop
            static_configs:
              - targets: ['127.0.0.1:\(metricsPort)']
        """.write(toFile: path("prometheus.yml"), atomically: true, encoding: .utf8)
        let webPort = try freeLoopbackPort()
        let server = try BackgroundProcess([prometheus, "--config.file=\(path("prometheus.yml"))", "--storage.tsdb.path=\(path("tsdb"))",
                                            "--web.listen-address=127.0.0.1:\(webPort)", "--log.level=warn"],
                                           output: path("prometheus.out"), error: path("prometheus.err"))
        defer { server.stop() }
        func detail() -> String {
            serveDetail() + "\nprometheus.err:\n" + ((try? String(contentsOfFile: path("prometheus.err"), encoding: .utf8)) ?? "")
        }
        func api(_ request: String) async throws -> [String: Any]? {
            guard let reply = try? await offPool({ try LoopbackHTTP.request("GET", request, port: webPort, timeout: 10) }), reply.status == 200 else { return nil }
            return try JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as? [String: Any]
        }

        // A scrape reached Prometheus: hedgetop's series are in its database.
        let hedged = try await poll("hedgetop_strategy_hedged in Prometheus", seconds: 40, detail: detail) { () -> [[String: Any]]? in
            let result = (try await api("/api/v1/query?query=hedgetop_strategy_hedged")?["data"] as? [String: Any])?["result"] as? [[String: Any]]
            return result?.isEmpty == false ? result : nil
        }
        let labels = try #require(hedged.first?["metric"] as? [String: String])
        #expect(labels["job"] == "hedgetop" && labels["strategy"] != nil, "\(labels)")

        // The leg freezes 4 s in, is stale 2 s later, and the rule waits 3 s: firing well within 40 s.
        let firing = try await poll("HedgetopVenueUnhealthy firing", seconds: 40, detail: detail) { () -> [String: Any]? in
            let alerts = (try await api("/api/v1/alerts")?["data"] as? [String: Any])?["alerts"] as? [[String: Any]] ?? []
            return alerts.first { ($0["labels"] as? [String: String])?["alertname"] == "HedgetopVenueUnhealthy" && $0["state"] as? String == "firing" }
        }
        let alertLabels = try #require(firing["labels"] as? [String: String])
        #expect(alertLabels["venue"] == "sim")
        #expect(alertLabels["state"] == "stale")
        #expect(alertLabels["severity"] == "page")
        #expect((firing["annotations"] as? [String: String])?["summary"] == "venue sim is stale")

        // serve's own detector saw it too, and its command read the alert as JSON.
        let line = try await poll("the alert command's JSON", seconds: 20, detail: detail) { () -> [String: Any]? in
            let text = (try? String(contentsOfFile: alerts, encoding: .utf8)) ?? ""
            return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
                .first { $0["event"] as? String == "venue" }
        }
        #expect(line["venue"] as? String == "sim")
        #expect(line["condition"] as? String == "stale")
        #expect(line["severity"] as? String == "page")
        #expect((line["summary"] as? String)?.hasPrefix("venue sim is stale") == true)
        #expect(line["engine_time"] is String && line["wall_time"] is String)
        #expect(((try? String(contentsOfFile: path("serve.log"), encoding: .utf8)) ?? "").contains("alert command ran"))

        #expect(serve.stop() == 0, "\(serveDetail())")
    }

    /// A port on 127.0.0.1 nothing listens on now (the system's choice, released at once).
    func freeLoopbackPort() throws -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard fd >= 0, bound else { throw E2EError("cannot bind on loopback: \(String(cString: strerror(errno)))") }
        return UInt16(bigEndian: address.sin_port)
    }

    /// Polls `probe` every 200 ms until it returns a value or `seconds` pass.
    func poll<T>(_ what: String, seconds: Double, detail: () -> String, _ probe: () async throws -> T?) async throws -> T {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            if let value = try await probe() { return value }
            if Date() >= deadline { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw E2EError("no \(what) within \(seconds)s; \(detail())")
    }
}
