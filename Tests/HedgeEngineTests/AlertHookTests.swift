import Foundation
@testable import HedgeCore
@testable import HedgeEngine
import Logging
import Testing

/// The trader's alert command as hedgetop runs it: the JSON on its input, its failures, a
/// command that hangs (killed with its whole process group), and output that is garbage.
@Suite("Alert command")
struct AlertHookTests {
    let input = Array(#"{"event":"unhedged","summary":"a: legs unhedged for 12s"}"#.utf8) + [0x0A]

    @Test("The command reads the alert on its standard input")
    func readsInput() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hedgetop-hook-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("alert.json").path
        let run = AlertHook(command: "cat > '\(file)'").run(input: input)
        #expect(run.outcome == .exited(status: 0))
        #expect(try Array(Data(contentsOf: URL(fileURLWithPath: file))) == input)
    }

    @Test("A failing command's exit status and what it said are kept")
    func failure() {
        let run = AlertHook(command: "echo 'no route to slack' >&2; exit 3").run(input: input)
        #expect(run.outcome == .exited(status: 3))
        #expect(run.output == #"no route to slack\u{a}"#)
    }

    @Test("A command that hangs is killed at the timeout, the children it started with it")
    func hangs() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hedgetop-hook-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let pidFile = directory.appendingPathComponent("child.pid").path
        let started = ContinuousClock.now
        // sh starts a sleeping child and waits for it: killing only sh would leave the sleep.
        let run = AlertHook(command: "sleep 30 & echo $! > '\(pidFile)'; wait", timeout: .milliseconds(300)).run(input: input)
        #expect(run.outcome == .timedOut)
        #expect(ContinuousClock.now - started < .seconds(5))
        let child = try #require(pid_t(String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        // The sleep was in the group: gone (or a zombie about to be reaped by init) within a moment.
        var gone = false
        for _ in 0..<100 where !gone {
            let state = (try? String(contentsOfFile: "/proc/\(child)/stat", encoding: .utf8))?.split(separator: " ").dropFirst(2).first
            gone = state == nil || state == "Z"
            if !gone { usleep(20_000) }
        }
        #expect(gone, "the hook's child \(child) outlived the timeout")
    }

    @Test("Garbage output is bounded, and escapes and bad UTF-8 are made harmless")
    func garbage() {
        let run = AlertHook(command: #"printf '\033[2J\377ok\n'; head -c 100000 /dev/zero | tr '\0' x"#).run(input: input)
        #expect(run.outcome == .exited(status: 0))
        #expect(run.output.hasPrefix(#"\u{1b}[2J�ok\u{a}xxx"#), "\(run.output.prefix(40))")
        #expect(!run.output.unicodeScalars.contains { $0.properties.generalCategory == .control })
        // ESC [ 2 J, 0xFF, "ok", newline: 8 bytes, then 100,000 x.
        #expect(run.outputDropped == 100_008 - AlertHook.outputLimit)
    }

    @Test("A command that does not read its input still runs")
    func ignoresInput() {
        #expect(AlertHook(command: "true").run(input: Array(repeating: 0x41, count: 200_000)).outcome == .exited(status: 0))
    }
}

/// The notifier between the snapshots and the command: the engine's side never waits. (Its
/// run loop, running the command and logging the outcome, is covered end to end by the suite
/// "Real Prometheus alerts", in a serve process; here the async loop would share the test
/// process's two-thread pool with long synchronous tests and could starve for minutes.)
@Suite("Alert notifier")
struct AlertNotifierTests {
    @Test("observe only queues: a command that would hang delays nothing, and the same alert is queued once in the interval")
    func observeOnlyQueues() async throws {
        let lines = LogLines()
        let notifier = AlertNotifier(hook: AlertHook(command: "sleep 30", timeout: .seconds(60)),
                                     interval: .seconds(60), logger: Logger(label: "test") { _ in lines },
                                     wallClock: { Timestamp(seconds: 1_723_161_600) })
        let started = ContinuousClock.now
        notifier.observe(AlertDetectorTests.snapshot(at: 1, venue: .stale))
        notifier.observe(AlertDetectorTests.snapshot(at: 2, venue: .live))
        notifier.observe(AlertDetectorTests.snapshot(at: 3, venue: .stale))
        notifier.observe(AlertDetectorTests.snapshot(at: 4, venue: .down))
        // Running the command would take its 30 s.
        #expect(ContinuousClock.now - started < .seconds(10))
        // The stale alert, then the down one: the second stale, within the interval, was dropped.
        var queued = notifier.events.makeAsyncIterator()
        let first = await queued.next(), second = await queued.next()
        #expect(first?.venueCondition == .stale)
        #expect(second?.venueCondition == .down)
        #expect(lines.all.isEmpty)
    }
}

/// The serve log's lines, kept for a test to read.
final class LogLines: LogHandler, @unchecked Sendable {
    private let lock = NSLock()
    private var kept: [String] = []
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    var all: [String] { lock.withLock { kept } }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        lock.withLock { kept.append("\(event.level) \(event.message)") }
    }
}
