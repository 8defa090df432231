import Foundation
@testable import HedgeCore
@testable import HedgeEngine
@testable import HedgeMetrics
import Logging
import MetricsScrape
import Testing

/// The endpoint scraped over real HTTP on loopback, as Prometheus would.
@Suite("Metrics endpoint")
struct MetricsEndpointTests {
    let logger = Logger(label: "test.metrics") { _ in SwiftLogNoOpLogHandler() }

    @Test("GET /metrics answers the newest snapshot's exposition, on the port the system chose")
    func scrape() async throws {
        let metrics = SnapshotMetrics()
        metrics.record(MetricsFixture.snapshot, receivedAt: MetricsFixture.at(601))
        let endpoint = MetricsEndpoint(metrics: metrics, logger: logger)
        let bound = try await endpoint.start(on: MetricsAddress(parsing: "127.0.0.1:0"))
        #expect(bound.host == "127.0.0.1")
        #expect(bound.port != 0)

        let reply = try await offPool { try LoopbackHTTP.request("GET", "/metrics", port: bound.port) }
        await endpoint.stop()

        #expect(reply.status == 200)
        #expect(reply.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8")
        let exposition = try Exposition(parsing: reply.body)
        #expect(exposition.value("hedgetop_pnl_net_usd", ["strategy": "cal-btc"]) == MetricsFixture.strategy.pnl.net.doubleValue)
        #expect(exposition.value("hedgetop_strategy_state", ["strategy": "cal-btc", "state": "MONITORING_SPREAD"]) == 1)
        #expect(exposition.value("hedgetop_venue_orders_rejected_total", ["venue": "binance-usdm"]) == 1)
    }

    @Test("Another path is 404 and another method 405")
    func otherRequests() async throws {
        let endpoint = MetricsEndpoint(metrics: SnapshotMetrics(), logger: logger)
        let port = try await endpoint.start(on: MetricsAddress(parsing: "127.0.0.1:0")).port
        let (other, root, post) = try await offPool {
            (try LoopbackHTTP.request("GET", "/other", port: port), try LoopbackHTTP.request("GET", "/", port: port),
             try LoopbackHTTP.request("POST", "/metrics", port: port))
        }
        await endpoint.stop()
        #expect(other.status == 404)
        #expect(root.status == 404)
        #expect(post.status == 405)
        #expect(post.headers["allow"] == "GET, HEAD")
    }

    @Test("HEAD /metrics answers like GET, with GET's content type and length, and no body")
    func headLikeGet() async throws {
        let metrics = SnapshotMetrics()
        metrics.record(MetricsFixture.snapshot, receivedAt: MetricsFixture.at(601))
        let endpoint = MetricsEndpoint(metrics: metrics, logger: logger)
        let port = try await endpoint.start(on: MetricsAddress(parsing: "127.0.0.1:0")).port
        let (head, get) = try await offPool {
            (try LoopbackHTTP.request("HEAD", "/metrics", port: port), try LoopbackHTTP.request("GET", "/metrics", port: port))
        }
        await endpoint.stop()
        #expect(head.status == 200)
        #expect(head.body.isEmpty)
        #expect(head.headers["content-type"] == get.headers["content-type"])
        #expect(head.headers["content-length"] == String(get.body.utf8.count))
        #expect(!get.body.isEmpty)
    }

    @Test("A port already in use is refused with the address and the reason")
    func portInUse() async throws {
        let first = MetricsEndpoint(metrics: SnapshotMetrics(), logger: logger)
        let taken = try await first.start(on: MetricsAddress(parsing: "127.0.0.1:0"))
        let second = MetricsEndpoint(metrics: SnapshotMetrics(), logger: logger)
        await #expect {
            _ = try await second.start(on: taken)
        } throws: { error in
            "\(error)" == "cannot serve metrics on \(taken): address already in use: another program listens there; choose another port, or port 0 for a free one"
        }
        await first.stop()
    }

    @Test("After stop the port no longer answers")
    func stops() async throws {
        let endpoint = MetricsEndpoint(metrics: SnapshotMetrics(), logger: logger)
        let port = try await endpoint.start(on: MetricsAddress(parsing: "127.0.0.1:0")).port
        await endpoint.stop()
        await #expect(throws: ScrapeError.self) {
            _ = try await offPool { try LoopbackHTTP.request("GET", "/metrics", port: port) }
        }
    }
}
