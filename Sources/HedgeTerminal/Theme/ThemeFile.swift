import TOMLKit

/// Why a theme file could not be used, naming the file, the line and the key so the trader can
/// fix it. TOMLKit's decoder reports a wrong type as "key not found" (DESIGN §8), so the file is
/// read as a plain table and every value's type is checked here.
public struct ThemeError: Error, Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var key: String?
    public var problem: String

    public init(file: String, line: Int?, key: String?, problem: String) {
        self.file = file
        self.line = line
        self.key = key
        self.problem = problem
    }

    public var description: String {
        var text = "theme " + file
        if let line { text += ":\(line)" }
        if let key { text += ": " + key }
        return text + ": " + problem
    }
}

/// Reads themes from TOML:
///
///     [theme]
///     name = "nord"
///     screen_background = "default"      # or a colour
///     bold = ["title", "danger"]          # roles always drawn bold
///     [colours]
///     text = 252                          # a 256-palette index
///     profit = "#a3be8c"                  # or #rrggbb, mapped to the nearest of the 256
///
/// Every role must be given exactly once; unknown keys are errors, so a typo is never ignored.
enum ThemeFile {
    public static func parse(_ text: String, file: String) throws(ThemeError) -> Theme {
        // TOMLKit hands the text to C++ as a C string, which ends at a NUL: the rest of the file
        // would be dropped without a word.
        if let nul = text.utf8.firstIndex(of: 0) {
            let line = text.utf8[..<nul].reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
            throw ThemeError(file: file, line: line, key: nil, problem: "a NUL byte: a TOML file is text and cannot hold one (is this a binary file?)")
        }
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ThemeError(file: file, line: error.source.begin.line, key: nil, problem: "not valid TOML: " + error.description)
        } catch {
            throw ThemeError(file: file, line: nil, key: nil, problem: "not valid TOML: \(error)")
        }
        let lines = SourceLines(text)
        for key in table.keys where key != "theme" && key != "colours" {
            throw ThemeError(file: file, line: lines.table(key) ?? lines.key(key, in: nil), key: key,
                             problem: "unknown section (expected [theme] and [colours])")
        }
        func fail(_ key: String, in section: String?, _ problem: String) -> ThemeError {
            ThemeError(file: file, line: lines.key(key, in: section), key: section.map { $0 + "." + key } ?? key, problem: problem)
        }
        func sectionTable(_ name: String) throws(ThemeError) -> TOMLTable? {
            guard let value = table[name] else { return nil }
            guard value.type == .table, let inner = value.table else {
                throw fail(name, in: nil, "expected a table [\(name)], got \(article(value.type))")
            }
            return inner
        }
        let header = try sectionTable("theme")
        guard let colours = try sectionTable("colours") else {
            throw ThemeError(file: file, line: nil, key: "colours", problem: "missing the [colours] table")
        }
        var name = baseName(file)
        var background = PaletteColour.terminalDefault
        var bold: Set<ThemeRole> = []
        if let header {
            for key in header.keys {
                let value = header[key]!
                switch key {
                case "name":
                    guard let text = value.string else { throw fail(key, in: "theme", "expected a string, got \(article(value.type))") }
                    name = text
                case "screen_background":
                    do { background = try colour(value) } catch { throw fail(key, in: "theme", error.problem) }
                case "bold":
                    guard value.type == .array, let array = value.array else {
                        throw fail(key, in: "theme", "expected an array of role names, got \(article(value.type))")
                    }
                    for element in array {
                        guard let roleName = element.string else {
                            throw fail(key, in: "theme", "expected role names as strings, got \(article(element.type))")
                        }
                        guard let role = ThemeRole(fileKey: roleName) else {
                            throw fail(key, in: "theme", "unknown role \"\(roleName)\" (roles: \(ThemeRole.fileKeys))")
                        }
                        bold.insert(role)
                    }
                default:
                    throw fail(key, in: "theme", "unknown key (expected name, screen_background, bold)")
                }
            }
        }
        var foregrounds: [ThemeRole: PaletteColour] = [:]
        for key in colours.keys {
            guard let role = ThemeRole(fileKey: key) else {
                throw fail(key, in: "colours", "unknown role (roles: \(ThemeRole.fileKeys))")
            }
            do { foregrounds[role] = try colour(colours[key]!) } catch { throw fail(key, in: "colours", error.problem) }
        }
        for role in ThemeRole.allCases where foregrounds[role] == nil {
            if let fallback = role.fallback, let colour = foregrounds[fallback] { foregrounds[role] = colour }
        }
        if let missing = ThemeRole.allCases.first(where: { foregrounds[$0] == nil }) {
            throw ThemeError(file: file, line: lines.table("colours"), key: "colours." + missing.fileKey,
                             problem: "no colour for this role (every role needs one)")
        }
        return Theme(name: name, background: background, foregrounds: foregrounds, boldRoles: bold)
    }

    struct ColourProblem: Error { var problem: String }

    /// A palette index 0…255, "#rrggbb", or "default" (the terminal's own colour).
    static func colour(_ value: any TOMLValueConvertible) throws(ColourProblem) -> PaletteColour {
        let expected = "expected a palette index 0-255, \"#rrggbb\" or \"default\""
        switch value.type {
        case .int:
            guard let index = value.int, (0...255).contains(index) else {
                throw ColourProblem(problem: "\(value.int.map(String.init) ?? "?") is not a palette index 0-255")
            }
            return .indexed(UInt8(index))
        case .string:
            let text = value.string ?? ""
            if text == "default" { return .terminalDefault }
            guard let rgb = hexRGB(text) else { throw ColourProblem(problem: "\"\(text)\" is not a colour; \(expected)") }
            return .indexed(PaletteColour.nearestIndex(r: rgb.r, g: rgb.g, b: rgb.b))
        default:
            throw ColourProblem(problem: "\(expected), got \(article(value.type))")
        }
    }

    static func hexRGB(_ text: String) -> (r: Int, g: Int, b: Int)? {
        guard text.count == 7, text.first == "#", let value = Int(text.dropFirst(), radix: 16) else { return nil }
        return (value >> 16 & 0xFF, value >> 8 & 0xFF, value & 0xFF)
    }

    static func article(_ type: TOMLType) -> String {
        let word = type.description
        return (["a", "e", "i", "o", "u"].contains(word.first.map(String.init) ?? "") ? "an " : "a ") + word
    }

    static func baseName(_ path: String) -> String {
        let last = path.split(separator: "/").last.map(String.init) ?? path
        return last.hasSuffix(".toml") ? String(last.dropLast(5)) : last
    }
}

/// Finds where a key sits in the text: TOMLKit's tables do not keep source positions.
struct SourceLines {
    /// (line number, section, key) for every `key = …` line.
    private var entries: [(line: Int, section: String?, key: String)] = []
    private var sections: [String: Int] = [:]

    init(_ text: String) {
        var section: String?
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingPrefix(while: { $0 == " " || $0 == "\t" })
            if line.hasPrefix("[") {
                let name = line.dropFirst().prefix { $0 != "]" }.trimmingPrefix(while: { $0 == " " })
                section = String(name).trimmingSuffixSpaces()
                if sections[section!] == nil { sections[section!] = index + 1 }
            } else if let equals = line.firstIndex(of: "="), !line.hasPrefix("#") {
                var key = String(line[..<equals]).trimmingSuffixSpaces()
                if key.hasPrefix("\""), key.hasSuffix("\""), key.count >= 2 { key = String(key.dropFirst().dropLast()) }
                entries.append((index + 1, section, key))
            }
        }
    }

    func key(_ key: String, in section: String?) -> Int? {
        entries.first { $0.section == section && $0.key == key }?.line
    }

    func table(_ name: String) -> Int? { sections[name] }
}

extension String {
    fileprivate func trimmingSuffixSpaces() -> String {
        var copy = self
        while copy.last == " " || copy.last == "\t" { copy.removeLast() }
        return copy
    }
}

extension ThemeRole {
    /// The role a theme file's key names (`spread_line` → `.spreadLine`).
    public init?(fileKey: String) {
        guard let role = ThemeRole.allCases.first(where: { $0.fileKey == fileKey }) else { return nil }
        self = role
    }

    static var fileKeys: String { allCases.map(\.fileKey).joined(separator: ", ") }
}

extension PaletteColour {
    /// The palette index (16…255: the colour cube and greys, which terminals do not restyle)
    /// nearest to an RGB colour.
    static func nearestIndex(r: Int, g: Int, b: Int) -> UInt8 {
        var best: UInt8 = 16
        var bestDistance = Int.max
        for index in UInt8(16)...255 {
            let c = rgb(of: index)
            let dr = r - c.r, dg = g - c.g, db = b - c.b
            let distance = 3 * dr * dr + 4 * dg * dg + 2 * db * db
            if distance < bestDistance { bestDistance = distance; best = index }
        }
        return best
    }
}
