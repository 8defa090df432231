import Foundation
import Testing

/// Issue 18 item 8: Home and End scroll the event log to its oldest and newest lines in tmux,
/// which sends them as `ESC[1~` and `ESC[4~`, sequences the xterm-256color entry does not name.
@Suite("Event log Home and End in tmux", .serialized)
struct LogHomeEndKeysTests {
    /// The demo's first event log line (the strategy's legs and size) ends so.
    static let oldestLine = "USD a leg"

    @Test("Home shows the oldest line, End the newest again")
    func homeAndEndScrollTheLog() throws {
        // At 100×30 the log holds four lines; at 20× the demo logs more than that within seconds.
        let session = try TmuxSession(width: 100, height: 30, environment: ["LANG": "C.UTF-8", "TERM": "xterm-256color"],
                                      arguments: "--speed 20")
        _ = try session.waitForScreen { $0.contains("Events") && $0.contains(Self.oldestLine) }
        _ = try session.waitForScreen(seconds: 60) { $0.contains("Events") && !$0.contains(Self.oldestLine) }

        try session.send("Home")
        let oldest = try session.waitForScreen { $0.contains(Self.oldestLine) }
        #expect(oldest.contains("End: newest"), "the log's title says it is scrolled back:\n\(oldest)")
        #expect(!oldest.contains("unknown key"), "Home arrived as loose characters:\n\(oldest)")

        try session.send("End")
        let newest = try session.waitForScreen { !$0.contains(Self.oldestLine) && !$0.contains("End: newest") }
        #expect(!newest.contains("unknown key"), "End arrived as loose characters:\n\(newest)")
        try session.send("q")
        let afterQ = try session.waitForScreen { $0.contains("Quit?") || !$0.contains("Events") }
        if afterQ.contains("Quit?") { try session.send("y") }
        _ = try session.waitForExit()
    }
}
