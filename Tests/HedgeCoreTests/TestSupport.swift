@testable import HedgeCore

/// A decimal from a literal in a test; a bad literal stops the test run at once.
func dec(_ text: String) -> FixedDecimal {
    do { return try FixedDecimal(parsing: text) } catch { preconditionFailure("bad decimal \(text): \(error)") }
}
