/// Colours and attributes per role. Widgets never name a colour; they name a role.
public struct Theme: Sendable, Hashable {
    public var name: String
    var background: PaletteColour
    var foregrounds: [ThemeRole: PaletteColour]
    /// Roles drawn bold whatever the colour depth (they must stand out without colour too).
    var boldRoles: Set<ThemeRole>

    public init(name: String, background: PaletteColour, foregrounds: [ThemeRole: PaletteColour], boldRoles: Set<ThemeRole>) {
        self.name = name
        self.background = background
        self.foregrounds = foregrounds
        self.boldRoles = boldRoles
    }

    func foreground(_ role: ThemeRole) -> PaletteColour {
        foregrounds[role] ?? role.fallback.flatMap { foregrounds[$0] } ?? foregrounds[.text] ?? .terminalDefault
    }

    /// The built-in dark theme; `themes/default.toml` holds the same values for people to copy.
    public static let defaultDark = Theme(
        name: "default",
        background: .terminalDefault,
        foregrounds: [
            .background: .indexed(234),
            .text: .indexed(252),
            .muted: .indexed(245),
            .accent: .indexed(39),
            .profit: .indexed(41),
            .loss: .indexed(203),
            .warning: .indexed(214),
            .danger: .indexed(203),
            .spreadLine: .indexed(81),
            .thresholdLine: .indexed(178),
            .meanLine: .indexed(141),
            .zeroLine: .indexed(240),
            .selected: .indexed(231),
            .border: .indexed(60),
            .title: .indexed(111),
            .stateScanning: .indexed(110),
            .stateOpening: .indexed(220),
            .stateMonitoring: .indexed(42),
            .stateClosing: .indexed(208),
            .stateUnwinding: .indexed(202),
            .stateError: .indexed(203),
            .feedConnecting: .indexed(245),
            .feedLive: .indexed(41),
            .feedStale: .indexed(214),
            .feedResyncing: .indexed(179),
            .feedDown: .indexed(203),
        ],
        boldRoles: [.title, .danger, .stateError]
    )
}
