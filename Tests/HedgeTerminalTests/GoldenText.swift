import Foundation
import Testing

/// Compares rendered lines with a file in `Expected/`, line by line; with `HEDGETOP_RECORD` set
/// in the environment it writes the file instead (re-record, then read the diff).
enum GoldenText {
    static func check(_ actual: [String], against name: String) throws {
        let file = WidgetGoldenTests.expectedDirectory.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["HEDGETOP_RECORD"] != nil {
            try (actual.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        #expect(actual.count == expected.count, "\(name): \(actual.count) lines, expected \(expected.count)")
        for (row, (got, want)) in zip(actual, expected).enumerated() {
            #expect(got == want, "\(name) line \(row + 1)")
        }
    }
}
