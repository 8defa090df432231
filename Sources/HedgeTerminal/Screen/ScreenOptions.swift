import HedgeEngine

/// How the screen runs. The defaults suit a trader's terminal; tests and scripts change them.
public struct ScreenOptions: Sendable {
    /// Whether colours may be used: `automatic` honours `NO_COLOR` and the terminal's abilities.
    public enum ColourPolicy: Sendable, Hashable {
        case automatic
        /// Attributes only (bold, reverse), as with `NO_COLOR`.
        case never
    }

    /// Most frames a second; the screen draws only when something changed.
    public var fps: Int
    public var theme: Theme
    /// The name `t` cycles from (a catalog name, or the path given).
    var themeName: String
    /// Where `t` finds the next theme.
    var themeCatalog: ThemeCatalog
    /// Why the requested theme could not be used; shown in the status line and event log.
    var themeWarning: String?
    var colour: ColourPolicy
    /// ASCII charts and boxes even on a UTF-8 terminal (fonts without braille).
    var forceASCII: Bool
    /// Leave the screen when the snapshot stream ends; otherwise keep the last picture up
    /// (a finished replay is still worth reading) until `q`.
    var exitWhenEngineStops: Bool
    /// Ring the terminal bell when a strategy goes unhedged or into ERROR (`--no-bell`, `[screen] bell`).
    public var bell = true
    /// Embedded, or attached to a server (read-only or not): what `q` and the command keys do.
    public var context: ScreenContext = .embedded
    /// Asked every frame while attached: whether the data is live or the link is down.
    public var connection: (@Sendable () -> ConnectionState)?

    public init(fps: Int = 4, theme: Theme = .defaultDark, colour: ColourPolicy = .automatic,
                forceASCII: Bool = false, exitWhenEngineStops: Bool = false,
                themeName: String = "default", themeCatalog: ThemeCatalog = ThemeCatalog(directory: nil), themeWarning: String? = nil) {
        self.fps = fps
        self.theme = theme
        self.themeName = themeName
        self.themeCatalog = themeCatalog
        self.themeWarning = themeWarning
        self.colour = colour
        self.forceASCII = forceASCII
        self.exitWhenEngineStops = exitWhenEngineStops
    }
}

/// Why the screen returned.
public enum ScreenExitReason: Sendable, Hashable {
    /// The trader pressed `q`.
    case quit
    /// Ctrl-C (SIGINT).
    case interrupted
    /// The snapshot stream ended and `exitWhenEngineStops` was set.
    case engineStopped
    /// The task running the screen was cancelled.
    case cancelled
}

extension ScreenOptions {
    /// Options with the theme `--theme` asks for (a name in the catalog or a path); a theme
    /// that cannot be used gives the default and a warning, never an error.
    public static func withTheme(_ request: String?, fps: Int = 4, catalog: ThemeCatalog = .standard()) -> ScreenOptions {
        let (theme, warning) = catalog.resolve(request)
        return ScreenOptions(fps: fps, theme: theme, themeName: request ?? "default", themeCatalog: catalog, themeWarning: warning)
    }
}
