import HedgeEngine

/// Where the screen's data comes from and whether its commands can go anywhere: the embedded
/// engine, or a server it is attached to (maybe read-only, maybe cut off). Keys, the key bar,
/// the header and the help all read it, so what the screen offers matches what it will do.
public struct ScreenContext: Sendable, Hashable {
    /// The server's name when attached: `q` detaches (the server keeps trading) instead of quitting.
    public var server: String?
    /// Why every command is refused for good (a read-only watcher); nil when commands may be sent.
    public var readOnlyReason: String?
    /// Who this screen is in the event log ("watcher 2", "watcher 3 (read-only)"); nil embedded.
    public var watcherName: String?
    public var connection: ConnectionState = .connected

    public init(server: String? = nil, readOnlyReason: String? = nil, watcherName: String? = nil, connection: ConnectionState = .connected) {
        self.server = server
        self.readOnlyReason = readOnlyReason
        self.watcherName = watcherName
        self.connection = connection
    }

    /// The embedded engine: every command may be sent, `q` quits.
    public static let embedded = ScreenContext()

    var isAttached: Bool { server != nil }
    var isReadOnly: Bool { readOnlyReason != nil }
    public var isConnected: Bool { connection == .connected }

    /// Why a command key is refused right now, as the status line says it; nil when it may be sent.
    var commandRefusal: String? {
        if let readOnlyReason { return "read-only: commands refused (\(readOnlyReason))" }
        if case .disconnected(_, _, let stopped) = connection {
            return stopped ? "server stopped: commands refused until it is back" : "reconnecting: commands refused until the server is back"
        }
        return nil
    }

    /// The key bar's words in place of the command keys while they are refused.
    var keyBarRefusal: String? {
        if isReadOnly { return "read-only: commands refused" }
        if case .disconnected(_, _, let stopped) = connection { return stopped ? "server stopped: no commands" : "reconnecting: no commands" }
        return nil
    }
}
