/// Why the screen could not start or had to stop, said so the trader knows what to do.
public struct ScreenError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        case notATerminal
        case unknownTerminal
    }

    public var code: Code
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "screen: \(message)" }
}
