import Foundation
import Testing

/// `hedgetop` as a new user runs it: in a real terminal (tmux), on the simulated market.
@Suite("Live screen in tmux", .serialized)
struct LiveScreenTests {
    let utf8 = ["LANG": "C.UTF-8", "TERM": "xterm-256color"]

    @Test("at 120×40 it shows a state and a spread; q quits with status 0 and the terminal restored")
    func showsStateAndQuits() throws {
        let session = try TmuxSession(width: 120, height: 40, environment: utf8)
        let screen = try session.waitForScreen { screen in
            stateNames.contains { screen.contains($0) } && screen.contains("bps")
        }
        #expect(screen.contains("PAPER"))
        #expect(screen.contains("BTCUSDT_"))
        #expect(screen.contains("⠀") || screen.unicodeScalars.contains { (0x2800...0x28FF).contains($0.value) }, "braille chart expected")
        try session.send("q")
        let (status, stty) = try session.waitForExit()
        #expect(status == 0)
        // Cooked mode again: line editing and echo are back on.
        #expect(stty.contains(" icanon") && stty.contains(" echo"), "stty after exit:\n\(stty)")
        let after = try session.screen()
        #expect(!stateNames.contains { after.contains($0) }, "the screen should be gone after quitting:\n\(after)")
    }

    @Test("Ctrl-C quits cleanly too")
    func controlCQuits() throws {
        let session = try TmuxSession(width: 120, height: 40, environment: utf8)
        _ = try session.waitForScreen { $0.contains("SCANNING_SPREADS") }
        try session.send("C-c")
        // A spread that opened meanwhile makes it ask, like q; a second Ctrl-C quits anyway.
        if (try? session.waitForScreen(seconds: 1) { $0.contains("Quit?") }) != nil { try session.send("C-c") }
        let (status, stty) = try session.waitForExit()
        #expect(status == 0)
        #expect(stty.contains(" icanon") && stty.contains(" echo"))
    }

    @Test("resizing down to a tiny terminal shows a message, and back up redraws")
    func resizeNeverCrashes() throws {
        let session = try TmuxSession(width: 120, height: 40, environment: utf8)
        _ = try session.waitForScreen { $0.contains("SCANNING_SPREADS") }
        try session.resize(width: 40, height: 10)
        _ = try session.waitForScreen { $0.contains("too small") }
        try session.resize(width: 80, height: 24)
        _ = try session.waitForScreen { screen in stateNames.contains { screen.contains($0) } }
        try session.resize(width: 200, height: 60)
        _ = try session.waitForScreen { screen in stateNames.contains { screen.contains($0) } && screen.contains("Legs") }
        try session.send("q")
        #expect(try session.waitForExit().status == 0)
    }

    @Test("an unknown TERM falls back to xterm-256color and says so")
    func unknownTermFallsBack() throws {
        let session = try TmuxSession(width: 120, height: 40, environment: ["LANG": "C.UTF-8", "TERM": "no-such-terminal"])
        let screen = try session.waitForScreen { $0.contains("SCANNING_SPREADS") }
        #expect(screen.contains("xterm-256color"))
        try session.send("q")
        #expect(try session.waitForExit().status == 0)
    }

    @Test("with a non-UTF-8 locale the screen is plain ASCII")
    func asciiWithoutUTF8() throws {
        let session = try TmuxSession(width: 120, height: 40, environment: ["LANG": "C", "LC_ALL": "C", "TERM": "xterm"])
        let screen = try session.waitForScreen { $0.contains("SCANNING_SPREADS") && $0.contains("bps") }
        #expect(screen.unicodeScalars.allSatisfy { $0.isASCII }, "non-ASCII on screen:\n\(screen)")
        try session.send("q")
        #expect(try session.waitForExit().status == 0)
    }
}

extension LiveScreenTests {
    @Test("SIGTERM while the screen is up closes it, restores the terminal and exits 0")
    func sigtermClosesTheScreen() throws {
        let session = try TmuxSession(width: 120, height: 40, environment: utf8)
        _ = try session.waitForScreen { $0.contains("SCANNING_SPREADS") }
        let panePID = try session.tmux(["display-message", "-p", "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)
        // The pane runs a shell whose child is hedgetop.
        let kill = Process()
        kill.executableURL = URL(fileURLWithPath: "/usr/bin/pkill")
        kill.arguments = ["-TERM", "-P", panePID, "hedgetop"]
        try kill.run()
        kill.waitUntilExit()
        let (status, stty) = try session.waitForExit()
        #expect(status == 0)
        #expect(stty.contains(" icanon") && stty.contains(" echo"), "stty after exit:\n\(stty)")
    }
}

extension LiveScreenTests {
    @Test("SIGHUP (the terminal went away) ends the run after flattening, never leaving it stuck")
    func sighupEndsTheRun() throws {
        let session = try TmuxSession(width: 120, height: 40, environment: utf8)
        _ = try session.waitForScreen { $0.contains("SCANNING_SPREADS") }
        let panePID = try session.tmux(["display-message", "-p", "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let pgrep = Process()
        pgrep.executableURL = URL(fileURLWithPath: "/usr/bin/pgrep")
        pgrep.arguments = ["-P", panePID, "hedgetop"]
        let out = Pipe()
        pgrep.standardOutput = out
        try pgrep.run()
        pgrep.waitUntilExit()
        let pid = try #require(Int32(String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)))
        kill(pid, SIGHUP)
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline, kill(pid, 0) == 0 { Thread.sleep(forTimeInterval: 0.1) }
        #expect(kill(pid, 0) != 0, "hedgetop still running 15 s after SIGHUP")
    }
}
