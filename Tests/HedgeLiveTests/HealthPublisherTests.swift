import HedgeCore
@testable import HedgeLive
import HedgeVenues
import Synchronization
import Testing

@Suite("Live shell: health reaches the screen")
struct HealthPublisherTests {
    /// A connector whose health the test sets, counting the dear (latency) calls.
    struct Scripted: MarketConnector {
        var state: FeedHealth.State = .live
        let fullCalls = Counter()
        var kind: LiveVenueKind { .binanceUSDM }
        mutating func handle(_ input: ConnectorInput) -> [ConnectorAction] { [] }
        func health(at now: Timestamp, latency: Bool) -> FeedHealth {
            if latency { fullCalls.count.add(1, ordering: .relaxed) }
            return FeedHealth(venue: "binance-usdm", state: state, lastMessageAt: now, latencyP50Millis: latency ? 4 : nil)
        }
    }

    final class Counter: Sendable { let count = Atomic<Int>(0) }

    final class Collected: LiveSink {
        let healths = Mutex<[FeedHealth]>([])
        func deliver(_ events: [MarketEvent], receivedAt: Timestamp) {}
        func record(_ line: RecordedLine, venue: LiveVenueKind) {}
        func log(_ level: ConnectorLogLevel, _ message: String, venue: LiveVenueKind) {}
        func health(_ health: FeedHealth) { healths.withLock { $0.append(health) } }
    }

    @Test("A change of state goes out at once; between changes, at most one health per tick, with its latency")
    func throttled() {
        let sink = Collected()
        var publisher = HealthPublisher(sink: sink, interval: .milliseconds(100))
        var connector = Scripted()
        let t0 = Timestamp(milliseconds: 1_000)
        for step in 0..<50 { publisher.publish(connector, at: t0 + .milliseconds(step)) }   // 50 messages in 50 ms
        #expect(sink.healths.withLock { $0.count } == 1)
        connector.state = .resyncing
        publisher.publish(connector, at: t0 + .milliseconds(51))
        #expect(sink.healths.withLock { $0.last?.state } == .resyncing)
        publisher.publish(connector, at: t0 + .milliseconds(152))
        let sent = sink.healths.withLock { $0 }
        #expect(sent.count == 3)
        #expect(sent.allSatisfy { $0.latencyP50Millis == 4 })
        #expect(connector.fullCalls.count.load(ordering: .relaxed) == 3)
    }
}
