import Foundation

/// Where the theme files are and which ones there are, so `--theme NAME` and the `t` key find
/// them. The directory is looked for from the executable's own directory upward (a checkout's
/// `.build/debug/hedgetop` finds the package's `themes/`), then in the current directory.
public struct ThemeCatalog: Sendable, Hashable {
    /// The `themes` directory found, if any.
    public var directory: String?
    /// Theme names in the directory (file names without `.toml`), `default` first.
    public var names: [String]

    public init(directory: String?) {
        self.directory = directory
        var found = directory.flatMap { try? FileManager.default.contentsOfDirectory(atPath: $0) } ?? []
        found = found.filter { $0.hasSuffix(".toml") }.map { String($0.dropLast(5)) }.sorted()
        if let index = found.firstIndex(of: "default") { found.remove(at: index) }
        names = ["default"] + found
    }

    /// The catalog for this process: the executable's directory and its parents, then the
    /// current directory.
    public static func standard() -> ThemeCatalog {
        ThemeCatalog(directory: locate(executable: executablePath(), currentDirectory: FileManager.default.currentDirectoryPath))
    }

    static func executablePath() -> String? {
        if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return resolved }
        return CommandLine.arguments.first.map { URL(fileURLWithPath: $0).resolvingSymlinksInPath().path }
    }

    /// The first `themes` directory holding a `.toml` file: beside the executable or above it,
    /// then in `currentDirectory`.
    static func locate(executable: String?, currentDirectory: String) -> String? {
        var candidates: [URL] = []
        if let executable {
            var directory = URL(fileURLWithPath: executable).deletingLastPathComponent()
            for _ in 0..<8 {
                candidates.append(directory.appendingPathComponent("themes"))
                let parent = directory.deletingLastPathComponent()
                if parent.path == directory.path { break }
                directory = parent
            }
        }
        candidates.append(URL(fileURLWithPath: currentDirectory).appendingPathComponent("themes"))
        return candidates.map(\.path).first { path in
            (try? FileManager.default.contentsOfDirectory(atPath: path))?.contains { $0.hasSuffix(".toml") } == true
        }
    }

    /// A theme by name (looked up in the directory) or by path (anything with a `/` or ending
    /// in `.toml`). `default` without a file is the built-in dark theme.
    public func load(_ nameOrPath: String) -> Result<Theme, ThemeError> {
        let isPath = nameOrPath.contains("/") || nameOrPath.hasSuffix(".toml")
        let path: String
        if isPath {
            path = nameOrPath
        } else if let directory, FileManager.default.fileExists(atPath: directory + "/" + nameOrPath + ".toml") {
            path = directory + "/" + nameOrPath + ".toml"
        } else if nameOrPath == "default" {
            return .success(.defaultDark)
        } else {
            let known = names.joined(separator: ", ")
            return .failure(ThemeError(file: nameOrPath, line: nil, key: nil,
                                       problem: "no such theme (known: \(known)\(directory.map { " in " + $0 } ?? "; no themes/ directory found"))"))
        }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            return .failure(ThemeError(file: path, line: nil, key: nil, problem: "cannot be read (missing, unreadable or not UTF-8)"))
        }
        do {
            return .success(try ThemeFile.parse(text, file: path))
        } catch {
            return .failure(error)
        }
    }

    /// The theme to use for a request, never failing: a broken one gives the built-in default
    /// and the message to show.
    public func resolve(_ nameOrPath: String?) -> (theme: Theme, warning: String?) {
        switch load(nameOrPath ?? "default") {
        case .success(let theme): (theme, nil)
        case .failure(let error): (.defaultDark, error.description + "; using the default theme")
        }
    }

    /// The name after `current` in the cycle (back to the first after the last).
    public func name(after current: String) -> String {
        guard let index = names.firstIndex(of: current) else { return names.first ?? "default" }
        return names[(index + 1) % names.count]
    }
}
