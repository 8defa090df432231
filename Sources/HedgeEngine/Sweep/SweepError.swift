/// Why a sweep cannot run or its shards cannot be merged, in words that say what to do; the
/// program prints it after its name and exits 1 (or 64 for a bad command line).
public struct SweepError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
