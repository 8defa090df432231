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
    public var colour: ColourPolicy
    /// ASCII charts and boxes even on a UTF-8 terminal (fonts without braille).
    public var forceASCII: Bool
    /// Leave the screen when the snapshot stream ends; otherwise keep the last picture up
    /// (a finished replay is still worth reading) until `q`.
    public var exitWhenEngineStops: Bool

    public init(fps: Int = 4, theme: Theme = .defaultDark, colour: ColourPolicy = .automatic,
                forceASCII: Bool = false, exitWhenEngineStops: Bool = false) {
        self.fps = fps
        self.theme = theme
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
