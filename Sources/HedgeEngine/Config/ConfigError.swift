/// One thing wrong in a configuration file: the full key (`strategies[1].entry`), the line (and
/// column for a TOML syntax error) and what is wrong, so the trader can fix it.
public struct ConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    public var key: String?
    public var line: Int?
    public var column: Int?
    public var problem: String

    public init(key: String?, line: Int?, column: Int? = nil, problem: String) {
        self.key = key
        self.line = line
        self.column = column
        self.problem = problem
    }

    public var description: String {
        var text = ""
        if let line { text += "line \(line)" + (column.map { ", column \($0)" } ?? "") + ": " }
        if let key { text += key + ": " }
        return text + problem
    }
}

/// Every error found in a configuration file, in file order. Thrown when anything is wrong, so
/// nothing starts on a half-understood file.
public struct ConfigErrors: Error, Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var errors: [ConfigError]

    public init(file: String, errors: [ConfigError]) {
        self.file = file
        self.errors = errors
    }

    /// One line per error, `FILE:LINE: KEY: problem`.
    public var lines: [String] {
        errors.map { error in
            var text = file
            if let line = error.line { text += ":\(line)" + (error.column.map { ":\($0)" } ?? "") }
            text += ": "
            if let key = error.key { text += key + ": " }
            return text + error.problem
        }
    }

    public var description: String { lines.joined(separator: "\n") }
}

/// Where each key sits in the text: TOMLKit's tables keep no source positions. Keys are full
/// paths as errors name them: `screen.fps`, `strategies[1].entry`, `venues.sim.faults[0].kind`.
struct ConfigSourceMap: Sendable, Hashable {
    private var lines: [String: Int] = [:]

    public init(_ text: String) {
        var prefix: [String] = []
        var arrayCounts: [String: Int] = [:]
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.drop { $0 == " " || $0 == "\t" }
            if line.hasPrefix("#") || line.isEmpty { continue }
            if line.hasPrefix("[") {
                let isArray = line.hasPrefix("[[")
                let body = line.dropFirst(isArray ? 2 : 1).prefix { $0 != "]" }
                let segments = Self.segments(body)
                // Rebuild the path, giving each array of tables met on the way its current index.
                var plain: [String] = []
                var path: [String] = []
                for (position, segment) in segments.enumerated() {
                    plain.append(segment)
                    let name = plain.joined(separator: ".")
                    if isArray && position == segments.count - 1 { arrayCounts[name, default: 0] += 1 }
                    if let count = arrayCounts[name] {
                        path.append(segment + "[\(count - 1)]")
                    } else {
                        path.append(segment)
                    }
                }
                prefix = path
                let key = path.joined(separator: ".")
                if lines[key] == nil { lines[key] = index + 1 }
            } else if let equals = line.firstIndex(of: "=") {
                let key = (prefix + Self.segments(line[..<equals])).joined(separator: ".")
                if lines[key] == nil { lines[key] = index + 1 }
            }
        }
    }

    /// `a. "b c" .d` → ["a", "b c", "d"].
    static func segments(_ text: Substring) -> [String] {
        text.split(separator: ".").map { part in
            var word = part.trimmedWord(" \t")
            if word.count >= 2, let first = word.first, first == "\"" || first == "'", word.last == first {
                word = String(word.dropFirst().dropLast())
            }
            return word
        }
    }

    /// The line of `key`, else of the nearest enclosing key or table written in the file
    /// (`legs[1]` → `legs`; a key of an inline table → the table's line).
    public func line(of key: String) -> Int? {
        var candidate = key
        while true {
            if let line = lines[candidate] { return line }
            if candidate.hasSuffix("]"), let open = candidate.lastIndex(of: "[") {
                let trimmed = String(candidate[..<open])
                if let line = lines[trimmed] { return line }
            }
            guard let dot = candidate.lastIndex(of: ".") else { return nil }
            candidate = String(candidate[..<dot])
        }
    }
}

extension Substring {
    fileprivate func trimmedWord(_ set: String) -> String {
        var slice = self[...]
        while let first = slice.first, set.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, set.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}
