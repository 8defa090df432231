/// Why API keys could not be had, in words that say what to do. Never carries a secret: messages
/// name files, lines and fields, never their values.
public struct CredentialError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// Neither the environment nor a key file gives this exchange's key.
        case missing
        /// One of the two environment variables is set without the other.
        case partialEnvironment
        /// The key file is a symlink (never followed).
        case symlink
        /// The key file is a directory, FIFO, device or socket.
        case notRegularFile
        /// The key file belongs to another uid.
        case wrongOwner
        /// The key file has group or other permission bits.
        case tooOpen
        /// The key file cannot be opened or read.
        case unreadable
        /// A line of the key file is not `[section]`, `key = "..."` or `secret = "..."`.
        case malformed
        /// A section lacks its key or its secret.
        case missingField
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
