@testable import HedgeCore
import Testing
@testable import HedgeEngine

/// The server names the sending watcher on the engine's answer line, once, for every watcher to
/// read; lines that left the engine's log are forgotten.
@Suite struct WatcherAttributionTests {
    static let at = Timestamp(nanoseconds: 1_000_000_000)

    @Test func theAnswerLineIsTheAnsweringStrategysLineForTheSameCommand() {
        let ack = CommandAcknowledgement(commandID: 1, strategy: "held", accepted: true, message: "pause accepted: no new spreads", time: Self.at)
        #expect(ControlServer.answers(ack, LogEntry(id: 4, time: Self.at, severity: .notice, strategy: "held", message: "pause accepted: no new spreads", commandID: 1)))
        #expect(!ControlServer.answers(ack, LogEntry(id: 5, time: Self.at, severity: .notice, strategy: "other", message: "pause accepted: no new spreads", commandID: 1)))
        // The same words, earlier: the answer to another command.
        #expect(!ControlServer.answers(ack, LogEntry(id: 6, time: Timestamp(nanoseconds: 2), severity: .notice, strategy: "held", message: "pause accepted: no new spreads", commandID: 0)))
    }

    @Test func attributedLinesNameTheirWatcherAndGoneLinesAreForgotten() {
        var log = [LogEntry(id: 4, time: Self.at, severity: .notice, strategy: "held", message: "pause accepted"),
                   LogEntry(id: 5, time: Self.at, severity: .notice, strategy: "held", message: "spread opened")]
        var attributions: [UInt64: Int] = [4: 2, 1: 3]
        ControlServer.attribute(&log, &attributions)
        #expect(log.map(\.message) == ["pause accepted (watcher 2)", "spread opened"])
        #expect(attributions == [4: 2])
    }
}
