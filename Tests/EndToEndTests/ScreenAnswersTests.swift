import Foundation
import Testing

/// The screen answers the trader at once and in words that match what happens: keys are drawn
/// whatever `--fps`, Ctrl-C asks like q, the kill switch's halt reads HALTED and lifting it asks.
@Suite("Screen answers in tmux", .serialized)
struct ScreenAnswersTests {
    static let utf8 = ["LANG": "C.UTF-8", "TERM": "xterm-256color"]
    static let helpLine = "next colour theme"

    /// Sends `key` and polls the screen as fast as tmux answers until `condition` holds: the
    /// time from the key leaving to the change being on the screen (tmux's own round trips included).
    static func keyToScreen(_ session: TmuxSession, key: String, seconds: Double = 5, until condition: (String) -> Bool) throws -> Duration {
        let clock = ContinuousClock()
        let start = clock.now
        try session.send(key)
        while clock.now - start < .seconds(seconds) {
            if condition(try session.screen()) { return clock.now - start }
            Thread.sleep(forTimeInterval: 0.005)
        }
        throw E2EError("the screen did not answer \(key) within \(seconds)s; screen:\n\((try? session.screen()) ?? "")")
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }

    /// At `--fps 1` a frame is due once a second; before issue 18 a key waited for it (up to
    /// 900 ms). Keys are sent at random moments of the frame; the figure is printed (the README
    /// quotes it) and the bound is generous: a loaded CI machine must not fail it.
    @Test("at --fps 1 a key is on the screen well inside the frame interval")
    func keysAnswerAtOnceAtOneFramePerSecond() throws {
        let session = try TmuxSession(width: 120, height: 40, environment: Self.utf8, arguments: "--fps 1")
        _ = try session.waitForScreen { $0.contains("Strategies") && $0.contains("bps") }
        var samples: [Duration] = []
        for round in 0..<20 {
            Thread.sleep(forTimeInterval: Double.random(in: 0.05...0.7))
            let opening = round % 2 == 0
            // `?` opens help and any key closes it; `?` both ways keeps Esc's 25 ms wait for a
            // sequence out of the figure.
            samples.append(try Self.keyToScreen(session, key: "?") { screen in
                screen.contains(Self.helpLine) == opening
            })
        }
        let sorted = samples.map(Self.milliseconds).sorted()
        let median = sorted[sorted.count / 2], p90 = sorted[sorted.count * 9 / 10], worst = sorted.last ?? 0
        print("key-to-screen at --fps 1 over \(sorted.count) keys: median \(Int(median.rounded())) ms, p90 \(Int(p90.rounded())) ms, max \(Int(worst.rounded())) ms")
        #expect(p90 < 500, "keys waited for the frame: \(sorted.map { Int($0) }) ms")
        try session.send("q")
        if (try? session.waitForScreen(seconds: 2) { $0.contains("Quit?") }) != nil { try session.send("y") }
        #expect(try session.waitForExit().status == 0)
    }

    /// The demo opens a spread within about a minute; Ctrl-C then asks, and a second one quits.
    @Test("Ctrl-C with a spread open asks like q; a second Ctrl-C quits with the terminal restored")
    func controlCAsksWhileASpreadIsOpen() throws {
        // A spread can close between seeing it and Ctrl-C (then the program quits at once, as it
        // should): try again in a fresh session.
        for _ in 0..<3 {
            let session = try TmuxSession(width: 120, height: 40, environment: Self.utf8)
            // The state in the strategies row or the state panel, not in a logged transition.
            _ = try session.waitForScreen(seconds: 120) { screen in
                screen.split(separator: "\n").contains { $0.contains("MONITORING_SPREAD") && !$0.contains("→") }
            }
            try session.send("C-c")
            guard let asked = try? session.waitForScreen(seconds: 3, { $0.contains("Quit?") && $0.contains("n/Esc: no") }) else {
                #expect(try session.waitForExit().status == 0)
                continue
            }
            #expect(asked.contains("Quitting leaves these positions open") && asked.contains("Ctrl-C now quits at once, without asking again."))
            // n keeps the screen; Ctrl-C asks again, and the second one quits.
            try session.send("n")
            _ = try session.waitForScreen { !$0.contains("Quit?") && $0.contains("Strategies") }
            try session.send("C-c")
            if (try? session.waitForScreen(seconds: 3) { $0.contains("Quit?") }) != nil { try session.send("C-c") }
            let (status, stty) = try session.waitForExit()
            #expect(status == 0)
            #expect(stty.contains(" icanon") && stty.contains(" echo"))
            return
        }
        Issue.record("never caught an open spread with Ctrl-C in three sessions")
    }

    @Test("the kill switch halts as HALTED, not ERROR; p asks before lifting it")
    func killHaltsAsHaltedAndResumeAsks() throws {
        let session = try TmuxSession(width: 120, height: 40, environment: Self.utf8)
        _ = try session.waitForScreen { $0.contains("Strategies") && $0.contains("bps") }
        try session.send("K")
        // The prompt is the dialog's last row: wait for it, so the capture holds the whole box.
        let dialog = try session.waitForScreen { $0.contains("KILL SWITCH?") && $0.contains("n/Esc: no") }
        #expect(!dialog.contains("until restarted"))
        #expect(dialog.contains("every strategy is HALTED") && dialog.contains("resumed with p"))
        try session.send("y")
        let halted = try session.waitForScreen(seconds: 30) { screen in
            screen.split(separator: "\n").contains { $0.hasPrefix("│") && $0.contains("HALTED") }
        }
        #expect(!halted.split(separator: "\n").contains { $0.hasPrefix("│") && $0.contains(" ERROR ") && $0.contains("BTCUSDT") },
                "a strategies row still reads ERROR:\n\(halted)")
        #expect(halted.contains("HALTED for"))
        // p asks first; n keeps the halt, y lifts it.
        try session.send("p")
        let resume = try session.waitForScreen { $0.contains("HALTED by the kill switch since") && $0.contains("n/Esc: no") }
        #expect(resume.contains("Resuming lets it scan and open new spreads again."))
        try session.send("n")
        _ = try session.waitForScreen { $0.contains("cancelled") && !$0.contains("HALTED by the kill switch since") }
        try session.send("p")
        _ = try session.waitForScreen { $0.contains("HALTED by the kill switch since") }
        try session.send("y")
        _ = try session.waitForScreen { $0.contains("resume accepted") || $0.contains("is now SCANNING_SPREADS") }
        try session.send("q")
        if (try? session.waitForScreen(seconds: 2) { $0.contains("Quit?") }) != nil { try session.send("y") }
        #expect(try session.waitForExit().status == 0)
    }
}
