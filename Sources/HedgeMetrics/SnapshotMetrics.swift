import HedgeCore
import HedgeEngine
import Prometheus
import Synchronization

/// The newest engine snapshot as Prometheus metrics. Recording a snapshot is cheap (the snapshot
/// is kept and only its new log lines are counted), so the relay that feeds watchers never
/// slows down; the snapshot is mapped onto the registry's gauges and counters when a scraper asks.
public final class SnapshotMetrics: Sendable {
    private let registry = PrometheusCollectorRegistry()
    private let state = Mutex(State())

    public init() {}

    /// Keeps `snapshot` as the newest; `receivedAt` is the wall clock, for the snapshot's age.
    public func record(_ snapshot: EngineSnapshot, receivedAt: Timestamp) {
        state.withLock { $0.record(snapshot, receivedAt: receivedAt) }
    }

    /// The text exposition (format 0.0.4) of the newest snapshot; empty before the first.
    func exposition() -> [UInt8] {
        state.withLock { state in
            guard let snapshot = state.latest else { return [] }
            var samples = snapshot.metricSamples
            samples.append(MetricSample(.snapshotReceived, state.receivedAt.secondsSinceEpoch))
            for severity in [LogEntry.Severity.info, .notice, .warning, .error] {
                samples.append(MetricSample(.logEntries, [("severity", severity.rawValue)], Double(state.logEntries[severity, default: 0])))
            }
            samples.append(MetricSample(.logEntriesMissed, Double(state.logEntriesMissed)))
            state.apply(samples, to: registry)
            return registry.emitToBuffer()
        }
    }

    private struct State {
        var latest: EngineSnapshot?
        var receivedAt = Timestamp.zero
        /// The id of the newest log entry counted.
        var lastLogID: UInt64 = 0
        var logEntries: [LogEntry.Severity: Int] = [:]
        var logEntriesMissed = 0
        var gauges: [SeriesKey: Gauge] = [:]
        /// Each counter with the total it shows.
        var counters: [SeriesKey: (counter: Counter, total: Int64)] = [:]

        mutating func record(_ snapshot: EngineSnapshot, receivedAt: Timestamp) {
            latest = snapshot
            self.receivedAt = receivedAt
            // Log ids run 1, 2, 3...: count the entries after the last one counted, newest last.
            var first = snapshot.log.endIndex
            while first > snapshot.log.startIndex, snapshot.log[first - 1].id > lastLogID { first -= 1 }
            guard first < snapshot.log.endIndex else { return }
            for entry in snapshot.log[first...] { logEntries[entry.severity, default: 0] += 1 }
            logEntriesMissed += Int(snapshot.log[first].id - lastLogID - 1)
            lastLogID = snapshot.log[snapshot.log.endIndex - 1].id
        }

        /// Sets every sample's series, and removes the series that have no sample any more.
        mutating func apply(_ samples: [MetricSample], to registry: PrometheusCollectorRegistry) {
            var seen = Set<SeriesKey>()
            for sample in samples {
                let key = sample.series
                seen.insert(key)
                switch sample.family.kind {
                case .gauge:
                    let gauge = gauges[key] ?? registry.makeGauge(descriptor: sample.family.descriptor, labels: sample.labels)
                    gauges[key] = gauge
                    gauge.set(to: sample.value)
                case .counter:
                    let total = Int64(sample.value)
                    let counter = counters[key]?.counter
                        ?? registry.makeCounter(descriptor: sample.family.descriptor, labels: sample.labels)
                    var shown = counters[key]?.total ?? 0
                    if total < shown {
                        counter.reset()
                        shown = 0
                    }
                    counter.increment(by: total - shown)
                    counters[key] = (counter, total)
                }
            }
            for (key, gauge) in gauges where !seen.contains(key) {
                registry.unregisterGauge(gauge)
                gauges[key] = nil
            }
            for (key, entry) in counters where !seen.contains(key) {
                registry.unregisterCounter(entry.counter)
                counters[key] = nil
            }
        }
    }
}
