import HedgeCore
import TOMLKit

/// Collects the errors of one file as it is read, each with its full key and line.
final class ConfigIssues {
    var errors: [ConfigError] = []
    let map: ConfigSourceMap

    init(map: ConfigSourceMap) { self.map = map }

    func fail(_ key: String, _ problem: String) {
        errors.append(ConfigError(key: key, line: map.line(of: key), problem: problem))
    }
}

/// One TOML table being read: every accessor checks the value's type itself (TOMLKit's decoder
/// would call a wrong type "key not found"), names the full key in its error, and remembers the
/// key, so `finish()` can refuse the keys nobody asked for (typos are never ignored).
final class ConfigTable {
    let table: TOMLTable
    /// The table's own path: "" for the root, `strategies[1]`, `venues.sim`.
    let path: String
    let issues: ConfigIssues
    private var used: [String] = []

    init(_ table: TOMLTable, path: String, issues: ConfigIssues) {
        self.table = table
        self.path = path
        self.issues = issues
    }

    func key(_ name: String) -> String { path.isEmpty ? name : path + "." + name }

    func fail(_ name: String, _ problem: String) { issues.fail(key(name), problem) }

    /// The raw value, marking the key as known.
    func value(_ name: String) -> (any TOMLValueConvertible)? {
        used.append(name)
        return table[name]
    }

    func contains(_ name: String) -> Bool { table[name] != nil }

    /// Reports a required key that is absent.
    func require(_ name: String, _ what: String) {
        if table[name] == nil { fail(name, "missing (\(what))") }
    }

    private func wrongType(_ name: String, _ expected: String, _ value: any TOMLValueConvertible) {
        fail(name, "expected \(expected), got \(Self.describe(value))")
    }

    static func describe(_ value: any TOMLValueConvertible) -> String {
        let word = value.type.description
        let article = ["a", "e", "i", "o", "u"].contains(word.first.map(String.init) ?? "") ? "an " : "a "
        switch value.type {
        case .string: return "the string \"\(value.string ?? "")\""
        case .int: return "the integer \(value.int ?? 0)"
        case .bool: return "the boolean \(value.bool ?? false)"
        default: return article + word
        }
    }

    func string(_ name: String, expected: String = "a string") -> String? {
        guard let value = value(name) else { return nil }
        guard value.type == .string, let text = value.string else { wrongType(name, expected, value); return nil }
        return text
    }

    func bool(_ name: String) -> Bool? {
        guard let value = value(name) else { return nil }
        guard value.type == .bool, let flag = value.bool else { wrongType(name, "true or false", value); return nil }
        return flag
    }

    func int(_ name: String, in range: ClosedRange<Int>) -> Int? {
        guard let value = value(name) else { return nil }
        guard value.type == .int, let number = value.int else { wrongType(name, "an integer", value); return nil }
        guard range.contains(number) else {
            fail(name, "\(number) is out of range (\(range.lowerBound) to \(range.upperBound == .max ? "any" : "\(range.upperBound)"))")
            return nil
        }
        return number
    }

    func double(_ name: String, in range: ClosedRange<Double>, expected: String = "a number") -> Double? {
        guard let value = value(name) else { return nil }
        let number: Double
        switch value.type {
        case .int: number = Double(value.int ?? 0)
        case .double: number = value.double ?? .nan
        default: wrongType(name, expected, value); return nil
        }
        guard number.isFinite, range.contains(number) else {
            fail(name, "\(number) is out of range (\(range.lowerBound) to \(range.upperBound))")
            return nil
        }
        return number
    }

    /// An exact decimal from an integer, a float (by its shortest text) or a string ("0.0002").
    func decimal(_ name: String, expected: String = "a number", allowNegative: Bool = false, allowZero: Bool = true) -> FixedDecimal? {
        guard let value = value(name) else { return nil }
        return decimalValue(name, value, expected: expected, allowNegative: allowNegative, allowZero: allowZero)
    }

    func decimalValue(_ name: String, _ value: any TOMLValueConvertible, expected: String = "a number",
                      allowNegative: Bool = false, allowZero: Bool = true) -> FixedDecimal? {
        let parsed: FixedDecimal?
        switch value.type {
        case .int: parsed = value.int.flatMap { try? FixedDecimal($0) }
        case .double: parsed = value.double.flatMap(Self.decimal(from:))
        case .string: parsed = value.string.flatMap { FixedDecimal($0) }
            if parsed == nil { fail(name, "\"\(value.string ?? "")\" is not a number (expected \(expected))"); return nil }
        default: wrongType(name, expected, value); return nil
        }
        guard let number = parsed else { fail(name, "not representable to 8 decimal places"); return nil }
        if number.isNegative && !allowNegative { fail(name, "\(number) is negative (expected \(expected))"); return nil }
        if number == .zero && !allowZero { fail(name, "must be greater than 0"); return nil }
        return number
    }

    /// A float's shortest round-tripping text, as a decimal (`1e-05` is expanded first).
    static func decimal(from double: Double) -> FixedDecimal? {
        guard double.isFinite, abs(double) < 9e10 else { return nil }
        let text = "\(double)"
        if let exact = FixedDecimal(text) { return exact }
        // Exponent form: go through units, rounded to 8 places.
        return FixedDecimal(units: Int64((double * 1e8).rounded()))
    }

    /// A decimal, or "off" to switch the setting off (`.some(nil)`).
    func decimalOrOff(_ name: String, expected: String) -> FixedDecimal?? {
        guard let value = value(name) else { return nil }
        if value.type == .string, value.string == "off" { return .some(nil) }
        guard let number = decimalValue(name, value, expected: expected + " or \"off\"") else { return nil }
        return .some(number)
    }

    func duration(_ name: String) -> Duration? {
        guard let value = value(name) else { return nil }
        return durationValue(name, value)
    }

    func durationValue(_ name: String, _ value: any TOMLValueConvertible) -> Duration? {
        let expected = "a duration such as \"250ms\", \"10s\", \"5m\", \"48h\" or \"1h30m\""
        guard value.type == .string, let text = value.string else { wrongType(name, expected, value); return nil }
        guard let duration = Duration(configText: text) else { fail(name, "\"\(text)\" is not \(expected)"); return nil }
        return duration
    }

    func durationOrOff(_ name: String) -> Duration?? {
        guard let value = value(name) else { return nil }
        if value.type == .string, value.string == "off" { return .some(nil) }
        guard let duration = durationValue(name, value) else { return nil }
        return .some(duration)
    }

    func threshold(_ name: String) -> Threshold? {
        guard let text = string(name, expected: "a threshold such as \"2z\" or \"15bps\"") else { return nil }
        guard let threshold = Threshold(parsing: text) else {
            fail(name, "\"\(text)\" is not a threshold: expected a positive number of standard deviations (\"2z\") or a non-negative number of basis points (\"15bps\")")
            return nil
        }
        return threshold
    }

    func choice<T>(_ name: String, _ options: [String: T]) -> T? {
        let list = options.keys.sorted().map { "\"\($0)\"" }.joined(separator: ", ")
        guard let text = string(name, expected: "one of \(list)") else { return nil }
        guard let value = options[text] else { fail(name, "\"\(text)\" is not one of \(list)"); return nil }
        return value
    }

    func stringArray(_ name: String, expected: String) -> [String]? {
        guard let value = value(name) else { return nil }
        guard value.type == .array, let array = value.array else { wrongType(name, "an array of \(expected)", value); return nil }
        var strings: [String] = []
        for (index, element) in array.enumerated() {
            guard element.type == .string, let text = element.string else {
                issues.fail(key(name) + "[\(index)]", "expected \(expected), got \(Self.describe(element))")
                return nil
            }
            strings.append(text)
        }
        return strings
    }

    func table(_ name: String) -> ConfigTable? {
        guard let value = value(name) else { return nil }
        guard value.type == .table, let inner = value.table else { wrongType(name, "a table", value); return nil }
        return ConfigTable(inner, path: key(name), issues: issues)
    }

    /// `[[name]]` tables (an array of tables).
    func tables(_ name: String) -> [ConfigTable] {
        guard let value = value(name) else { return [] }
        guard value.type == .array, let array = value.array else { wrongType(name, "an array of tables ([[\(name)]])", value); return [] }
        var tables: [ConfigTable] = []
        for (index, element) in array.enumerated() {
            guard element.type == .table, let inner = element.table else {
                issues.fail(key(name) + "[\(index)]", "expected a table, got \(Self.describe(element))")
                continue
            }
            tables.append(ConfigTable(inner, path: key(name) + "[\(index)]", issues: issues))
        }
        return tables
    }

    /// Every key of this table, in the file's order where TOMLKit keeps it.
    var keys: [String] { table.keys }

    /// Refuses the keys no accessor asked for, with the nearest known key when there is one.
    func finish() {
        let known = Set(used)
        for name in table.keys where !known.contains(name) {
            let suggestion = used.min { editDistance($0, name) < editDistance($1, name) }
            if let suggestion, editDistance(suggestion, name) <= 3 {
                fail(name, "unknown key (did you mean \(suggestion)?)")
            } else {
                fail(name, "unknown key (known here: \(used.joined(separator: ", ")))")
            }
        }
    }
}

/// Levenshtein distance, for "did you mean".
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    for i in 1...a.count {
        var current = [i] + Array(repeating: 0, count: b.count)
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return previous[b.count]
}
