import Prometheus

/// A metric name with its type and help text, and one labelled value of it. The catalogue of
/// every name hedgetop exports is in `MetricFamily+Catalogue.swift`.
struct MetricFamily: Sendable, Hashable {
    enum Kind: Sendable, Hashable { case gauge, counter }

    var name: String
    var kind: Kind
    var help: String

    /// The registry's form. Our names are written whole (unit included), so the unit part is empty.
    var descriptor: MetricNameDescriptor { MetricNameDescriptor(metricName: name, unitName: "", helpText: help) }
}

/// One series' value at the newest snapshot. Counters carry the running total the engine keeps.
struct MetricSample: Sendable {
    var family: MetricFamily
    var labels: [(String, String)]
    var value: Double

    init(_ family: MetricFamily, _ labels: [(String, String)], _ value: Double) {
        self.family = family
        self.labels = labels
        self.value = value
    }

    /// A series without labels.
    init(_ family: MetricFamily, _ value: Double) {
        self.init(family, [], value)
    }

    /// Identifies the series: its name and label pairs in order.
    var series: SeriesKey { SeriesKey(name: family.name, labels: labels.flatMap { [$0.0, $0.1] }) }
}

/// A series' identity, for finding the gauge or counter that already carries it.
struct SeriesKey: Sendable, Hashable {
    var name: String
    var labels: [String]
}
