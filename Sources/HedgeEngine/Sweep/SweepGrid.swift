import Foundation
import HedgeCore

/// A replay setting a sweep varies, named as `hedgetop replay` names its option.
public enum SweepParameter: String, Sendable, Hashable, Codable, CaseIterable {
    case entry
    case exit
    case takerFee = "taker-fee"
    case notional

    /// The option that sets it, for messages and the replay command line.
    public var option: String { "--\(rawValue)" }

    /// `text` as this parameter's value, written as the replay's parameters write it back
    /// ("2z" → "2.0z"), or why it is not one.
    public func normalise(_ text: String) throws(SweepError) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        switch self {
        case .entry, .exit:
            guard let threshold = Threshold(parsing: trimmed) else {
                if let zero = Double(trimmed.dropLast()), zero == 0, trimmed.hasSuffix("z") {
                    throw SweepError("\(option): '\(trimmed)': a threshold in standard deviations must be above 0 (as for replay); try 0.25z")
                }
                throw SweepError("\(option): \(trimmed.isEmpty ? "an empty value" : "'\(trimmed)'") is not a threshold; give standard deviations (2z, 1.5σ) or basis points (15bps)")
            }
            return ReplayParameters.argument(threshold)
        case .takerFee:
            guard let rate = FixedDecimal(trimmed), !rate.isNegative, rate < 1 else {
                throw SweepError("\(option): '\(trimmed)' is not a fee rate; give a decimal rate such as 0.0002")
            }
            return "\(rate)"
        case .notional:
            guard let amount = FixedDecimal(trimmed), amount.isPositive else {
                throw SweepError("\(option): '\(trimmed)' is not a positive notional in USD")
            }
            return "\(amount)"
        }
    }

    /// Sets this parameter in a replay's options; `value` is one `normalise` returned.
    func apply(_ value: String, to overrides: inout ReplayOverrides) {
        switch self {
        case .entry: overrides.entry = Threshold(parsing: value)
        case .exit: overrides.exit = Threshold(parsing: value)
        case .takerFee: overrides.takerFee = FixedDecimal(value)
        case .notional: overrides.notional = FixedDecimal(value)
        }
    }
}

/// One parameter and the values a sweep tries, in the order given.
public struct SweepAxis: Sendable, Hashable, Codable {
    public var parameter: SweepParameter
    public var values: [String]
}

/// The grid of a sweep: every combination of its axes' values. The order is fixed (the first
/// axis varies slowest, the last fastest, each in the order given), so a point's index names the
/// same parameters on every machine and in every shard.
public struct SweepGrid: Sendable, Hashable, Codable {
    public private(set) var axes: [SweepAxis]

    /// Parses comma-separated lists per parameter (nil: the replay's default, not swept). A
    /// list that is empty, a value that does not parse and a value given twice are refused.
    public init(lists: [(SweepParameter, String?)]) throws(SweepError) {
        var axes: [SweepAxis] = []
        for (parameter, list) in lists {
            guard let list else { continue }
            var values: [String] = []
            for item in list.split(separator: ",", omittingEmptySubsequences: false) {
                let value = try parameter.normalise(String(item))
                guard !values.contains(value) else { throw SweepError("\(parameter.option): \(value) is given twice") }
                values.append(value)
            }
            axes.append(SweepAxis(parameter: parameter, values: values))
        }
        guard !axes.isEmpty else {
            throw SweepError("nothing to sweep: give at least one of --entry, --exit, --taker-fee, --notional with a comma-separated list, e.g. --entry 1.5z,2z,2.5z")
        }
        self.axes = axes
    }

    /// How many points the grid has.
    public var count: Int { axes.reduce(1) { $0 * $1.values.count } }

    /// The point at `index` (0 ..< count).
    public func point(_ index: Int) -> SweepPoint {
        var rest = index
        var values = Array(repeating: "", count: axes.count)
        for axis in axes.indices.reversed() {
            let size = axes[axis].values.count
            values[axis] = axes[axis].values[rest % size]
            rest /= size
        }
        return SweepPoint(index: index, values: values)
    }

    public var points: [SweepPoint] { (0..<count).map(point) }

    /// The axes with more than one value: the ones a table and a heatmap show.
    public var varying: [SweepParameter] { axes.filter { $0.values.count > 1 }.map(\.parameter) }

    /// Where `parameter` is among the axes.
    public func axisIndex(_ parameter: SweepParameter) -> Int? { axes.firstIndex { $0.parameter == parameter } }

    /// The replay options of `point`: `base` with the point's values set.
    public func overrides(_ point: SweepPoint, base: ReplayOverrides) -> ReplayOverrides {
        var overrides = base
        for (axis, value) in zip(axes, point.values) { axis.parameter.apply(value, to: &overrides) }
        return overrides
    }
}

/// One combination of the grid's values, by its index in the grid's order.
public struct SweepPoint: Sendable, Hashable, Codable {
    public var index: Int
    /// One value per axis, in the grid's axis order.
    public var values: [String]
}
