/// A line for the status bar, and when it stops mattering.
public struct StatusMessage: Sendable, Hashable {
    public var text: String
    var role: ThemeRole
    /// Screen uptime after which it disappears; nil stays until replaced.
    public var expires: Duration?

    public init(text: String, role: ThemeRole, expires: Duration?) {
        self.text = text
        self.role = role
        self.expires = expires
    }
}
