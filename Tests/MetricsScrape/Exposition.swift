/// Prometheus text exposition (format 0.0.4) parsed line by line, strictly: `# HELP` and `# TYPE`
/// at most once per name and before its samples, every sample of a declared family, names and
/// label names well formed, label values quoted with `\\`, `\"` and `\n` escapes, values numbers.
public struct Exposition: Sendable {
    public struct Sample: Sendable, Hashable {
        public var name: String
        public var labels: [String: String]
        public var value: Double
    }

    public private(set) var samples: [Sample] = []
    /// Name → counter, gauge, histogram, summary or untyped.
    public private(set) var types: [String: String] = [:]
    public private(set) var help: [String: String] = [:]

    public init(parsing text: String) throws {
        guard text.isEmpty || text.hasSuffix("\n") else { throw ScrapeError("the exposition does not end with a line feed") }
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().enumerated() {
            do {
                try parse(line)
            } catch {
                throw ScrapeError("line \(index + 1): \(error): \(line)")
            }
        }
    }

    /// The value of the series with exactly these labels.
    public func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { $0.name == name && $0.labels == labels }?.value
    }

    /// Every series of `name`.
    public func samples(named name: String) -> [Sample] { samples.filter { $0.name == name } }

    private mutating func parse(_ line: Substring) throws {
        if line.isEmpty { return }
        if line.hasPrefix("#") {
            let words = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false)
            guard words.count >= 3, words[1] == "HELP" || words[1] == "TYPE" else { return } // a plain comment
            let name = String(words[2])
            guard Self.isMetricName(name) else { throw ScrapeError("bad metric name '\(name)'") }
            guard !samples.contains(where: { Self.family(of: $0.name, in: types) == name }) else {
                throw ScrapeError("\(words[1]) for \(name) after its samples")
            }
            let rest = words.count > 3 ? String(words[3]) : ""
            if words[1] == "HELP" {
                guard help[name] == nil else { throw ScrapeError("second HELP for \(name)") }
                help[name] = rest
            } else {
                guard types[name] == nil else { throw ScrapeError("second TYPE for \(name)") }
                guard ["counter", "gauge", "histogram", "summary", "untyped"].contains(rest) else { throw ScrapeError("unknown type '\(rest)'") }
                types[name] = rest
            }
            return
        }
        var cursor = line[...]
        let name = String(cursor.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" })
        guard Self.isMetricName(name) else { throw ScrapeError("bad metric name '\(name)'") }
        cursor = cursor.dropFirst(name.count)
        guard types[Self.family(of: name, in: types)] != nil else { throw ScrapeError("sample of \(name) with no TYPE line") }
        var labels: [String: String] = [:]
        if cursor.first == "{" {
            cursor = cursor.dropFirst()
            while cursor.first != "}" {
                let label = String(cursor.prefix { $0.isLetter || $0.isNumber || $0 == "_" })
                guard let first = label.first, !first.isNumber else { throw ScrapeError("bad label name") }
                cursor = cursor.dropFirst(label.count)
                guard cursor.hasPrefix("=\"") else { throw ScrapeError("expected =\" after \(label)") }
                cursor = cursor.dropFirst(2)
                var value = ""
                while true {
                    guard let character = cursor.popFirst() else { throw ScrapeError("unterminated value of \(label)") }
                    if character == "\"" { break }
                    if character == "\\" {
                        switch cursor.popFirst() {
                        case "\\": value.append("\\")
                        case "\"": value.append("\"")
                        case "n": value.append("\n")
                        default: throw ScrapeError("bad escape in value of \(label)")
                        }
                    } else {
                        value.append(character)
                    }
                }
                guard labels.updateValue(value, forKey: label) == nil else { throw ScrapeError("label \(label) twice") }
                if cursor.first == "," { cursor = cursor.dropFirst() }
                guard !cursor.isEmpty else { throw ScrapeError("unterminated labels") }
            }
            cursor = cursor.dropFirst()
        }
        let fields = cursor.split(separator: " ")
        guard cursor.first == " ", (1...2).contains(fields.count) else { throw ScrapeError("expected ' VALUE [TIMESTAMP]'") }
        guard let value = Self.number(fields[0]) else { throw ScrapeError("bad value '\(fields[0])'") }
        if fields.count == 2, Int64(fields[1]) == nil { throw ScrapeError("bad timestamp '\(fields[1])'") }
        let sample = Sample(name: name, labels: labels, value: value)
        guard !samples.contains(where: { $0.name == name && $0.labels == labels }) else { throw ScrapeError("series repeated") }
        samples.append(sample)
    }

    private static func number(_ text: Substring) -> Double? {
        switch text {
        case "NaN": .nan
        case "+Inf": .infinity
        case "-Inf": -.infinity
        default: Double(text).flatMap { $0.isFinite ? $0 : nil }
        }
    }

    private static func isMetricName(_ name: String) -> Bool {
        guard let first = name.first, first.isASCII, first.isLetter || first == "_" || first == ":" else { return false }
        return name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == ":") }
    }

    /// A histogram's or summary's `_bucket`, `_sum`, `_count` series belong to its family.
    private static func family(of name: String, in types: [String: String]) -> String {
        for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) {
            let base = String(name.dropLast(suffix.count))
            if types[base] == "histogram" || types[base] == "summary" { return base }
        }
        return name
    }
}
