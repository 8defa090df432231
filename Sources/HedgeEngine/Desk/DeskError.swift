/// Why a desk did not open or did not stop flat, in words that say what to do; the program
/// prints it after its name and exits 1.
public struct DeskError: Error, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
