import HedgeCore

extension Threshold {
    /// "2z" or "2.5σ" in standard deviations; "15bps" or "15" in basis points. Shared by the
    /// configuration file and `hedgetop replay --entry/--exit`. Negative values are refused.
    public init?(parsing argument: String) {
        let text = argument.trimming(" \t").lowercased()
        if text.hasSuffix("z") || text.hasSuffix("σ") {
            guard let value = Double(String(text.dropLast()).trimming(" ")), value > 0, value.isFinite else { return nil }
            self = .z(value)
        } else {
            let number = (text.hasSuffix("bps") ? String(text.dropLast(3)) : text).trimming(" ")
            guard let value = FixedDecimal(number), value >= .zero else { return nil }
            self = .bps(value)
        }
    }
}

extension Duration {
    /// "48h", "10s", "250ms", "1h30m", "2d": a whole or decimal number and a unit (ms, s, m, h,
    /// d), repeated. Zero is allowed; nothing negative.
    public init?(configText: String) {
        let text = configText.trimming(" \t").lowercased()
        guard !text.isEmpty else { return nil }
        var total = 0.0
        var rest = Substring(text)
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard !number.isEmpty, let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            let unit = rest.prefix { $0.isLetter }
            rest = rest.dropFirst(unit.count)
            let seconds: Double
            switch unit {
            case "ms": seconds = 0.001
            case "s": seconds = 1
            case "m", "min": seconds = 60
            case "h": seconds = 3600
            case "d": seconds = 86_400
            default: return nil
            }
            total += value * seconds
        }
        guard total.isFinite, total < 1e9 else { return nil }
        self = .nanoseconds(Int64((total * 1e9).rounded()))
    }
}

extension String {
    func trimming(_ set: String) -> String {
        var slice = self[...]
        while let first = slice.first, set.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, set.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}
