import Foundation
import MetricsScrape
import Testing
@testable import HedgeEngine

#if canImport(Glibc)
import Glibc
#endif

/// Each connection costs the server threads: the seats bound how many it holds at once, counting
/// those that have not said hello, and a hello is owed for a few seconds at most.
@Suite("Watcher seats")
struct WatcherSeatsTests {
    let start = ContinuousClock.now

    @Test("connections beyond the capacity are refused with a message; a seat frees when one leaves")
    func capacity() {
        // No probes' room: every connection beyond the watchers' seats is refused at once.
        var seats = WatcherSeats(capacity: 2, helloTimeout: .seconds(5), probeRoom: 0)
        let first = seats.arrive(now: start), second = seats.arrive(now: start), third = seats.arrive(now: start)
        #expect(first == .seated(ticket: 1) && second == .seated(ticket: 2))
        guard case .full(let message) = third else { Issue.record("a third connection was seated"); return }
        #expect(message.contains("2 watchers") && message.contains("--max-watchers"))
        let greeted = seats.greet(1)
        let whileGreeted = seats.arrive(now: start)
        #expect(greeted && whileGreeted != .seated(ticket: 3), "a greeted watcher still holds its seat")
        seats.leave(1)
        let afterLeaving = seats.arrive(now: start)
        #expect(afterLeaving == .seated(ticket: 3))
        #expect(seats.occupied == 2)
    }

    @Test("a probe leaves its watcher seat at its hello; past the watchers' seats only probes get in, up to the probes' room")
    func probesAreNotWatchers() {
        var seats = WatcherSeats(capacity: 1, helloTimeout: .seconds(5), probeRoom: 2)
        #expect(seats.arrive(now: start) == .seated(ticket: 1))
        #expect(seats.greet(1, probe: true) == .welcome)
        #expect(seats.occupied == 0 && seats.probes == 1, "a greeted probe holds no watcher seat")
        #expect(seats.arrive(now: start) == .seated(ticket: 2), "the watcher seat is free while the probe is connected")
        #expect(seats.greet(2, probe: false) == .welcome)
        // Every watcher seat taken: one more may be a probe (the probes' room has one seat left).
        #expect(seats.arrive(now: start) == .probesOnly(ticket: 3))
        guard case .full(let message) = seats.arrive(now: start) else { Issue.record("seated beyond both rooms"); return }
        #expect(message.contains("1 watchers"))
        #expect(seats.greet(3, probe: true) == .welcome)
        #expect(seats.occupied == 1 && seats.probes == 2)
        seats.leave(3)
        #expect(seats.arrive(now: start) == .probesOnly(ticket: 4))
        guard case .full(let refusal) = seats.greet(4, probe: false) else { Issue.record("a watcher got a probe's seat"); return }
        #expect(refusal.contains("--max-watchers"))
        seats.leave(4)
        seats.leave(1)
        #expect(seats.occupied == 1 && seats.probes == 0)
    }

    @Test("a hello owed past the timeout is overdue once, at the deadline and not before; a late hello is refused")
    func helloDeadline() {
        var seats = WatcherSeats(capacity: 4, helloTimeout: .seconds(5))
        _ = seats.arrive(now: start)
        _ = seats.arrive(now: start.advanced(by: .seconds(1)))
        let early = seats.overdue(now: start.advanced(by: .milliseconds(4999)))
        let due = seats.overdue(now: start.advanced(by: .seconds(5)))
        let again = seats.overdue(now: start.advanced(by: .seconds(5)))
        #expect(early == [] && due == [1])
        #expect(again == [], "reported once")
        #expect(seats.wasDropped(1) && !seats.wasDropped(2))
        let late = seats.greet(1), onTime = seats.greet(2)
        #expect(!late, "a dropped connection's hello is too late")
        #expect(onTime)
        let later = seats.overdue(now: start.advanced(by: .seconds(60)))
        #expect(later == [], "a greeted watcher owes nothing")
        #expect(seats.occupied == 2, "the dropped connection holds its seat until it is gone")
        seats.leave(1)
        #expect(seats.occupied == 1 && !seats.wasDropped(1))
    }
}

@Suite("Control server limits", .serialized)
struct WatcherLimitTests {
    @Test("a watcher beyond --max-watchers is told so and closed; another gets in when one leaves")
    func beyondCapacityRefused() async throws {
        try await offPool {
            let served = try ServedEngine(maxWatchers: 2)
            defer { served.stop() }
            let (first, a) = try rawWatcher(served.path)
            let (second, b) = try rawWatcher(served.path)
            defer { withExtendedLifetime(second) {} }
            #expect(a?.welcome != nil && b?.welcome != nil)
            let (_, third) = try rawWatcher(served.path)
            #expect(third?.error?.code == .full, "\(String(describing: third))")
            #expect(third?.error?.message.contains("already has 2 watchers") == true, "\(String(describing: third?.error))")
            first.shutdown()
            let deadline = ContinuousClock.now.advanced(by: .seconds(5))
            while served.server.connectionCount > 1, ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.01) }
            let (_, fourth) = try rawWatcher(served.path)
            #expect(fourth?.welcome != nil)
        }
    }

    /// A `status`-like probe: connects, says hello as a probe, and reads the answer.
    static func probe(_ path: String) throws -> (UnixSocket, WireMessage?) {
        let socket = try UnixSocket.connect(path: path)
        socket.setTimeouts(receive: 10, send: 10)
        _ = socket.send(.hello(WireHello(readOnly: true, framesPerSecond: 1, client: "status", probe: true)))
        return (socket, try socket.readMessage(limit: WireProtocol.maxServerFrame))
    }

    @Test("status and list probes are not watchers: no watcher number, no seat, and a full server still answers them")
    func probesAreNotCounted() async throws {
        try await offPool {
            let served = try ServedEngine(maxWatchers: 1)
            defer { served.stop() }
            let (probe, welcome) = try Self.probe(served.path)
            #expect(welcome?.welcome != nil && welcome?.welcome?.watcher == nil, "\(String(describing: welcome))")
            #expect(try probe.readMessage(limit: WireProtocol.maxServerFrame)?.snapshot != nil, "a probe reads snapshots")
            // The probe still connected, the one watcher seat is free and the first watcher is watcher 1.
            let (first, a) = try rawWatcher(served.path)
            #expect(a?.welcome?.watcher == 1, "\(String(describing: a))")
            #expect(served.server.watcherCount == 1 && served.server.connectionCount == 1)
            // The server full of watchers, a probe still gets in; a watcher does not.
            let (second, b) = try Self.probe(served.path)
            #expect(b?.welcome != nil, "\(String(describing: b))")
            #expect(try rawWatcher(served.path).1?.error?.code == .full)
            // The refused watcher's probe seat frees once its thread has told it and left.
            let settled = ContinuousClock.now.advanced(by: .seconds(5))
            while served.server.probeCount > 2, ContinuousClock.now < settled { Thread.sleep(forTimeInterval: 0.01) }
            #expect(served.server.probeCount == 2)
            probe.shutdown()
            second.shutdown()
            first.shutdown()
            let deadline = ContinuousClock.now.advanced(by: .seconds(5))
            while served.server.connectionCount + served.server.probeCount > 0, ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.01) }
            // Watchers are numbered 1, 2, ...: the probes took no number.
            #expect(try rawWatcher(served.path).1?.welcome?.watcher == 2)
        }
    }

    /// Connects and then sends nothing, or drips a hello one byte at a time, too slowly to finish.
    static func silentConnection(_ path: String, drip: Bool) throws -> (UnixSocket, WireMessage?, Duration) {
        let socket = try UnixSocket.connect(path: path)
        socket.setTimeouts(receive: 10, send: 10)
        let began = ContinuousClock.now
        if drip {
            let hello = try WireMessage.hello(WireHello(readOnly: true, framesPerSecond: 1, client: "drip")).frame()
            Thread {
                for byte in hello.prefix(60) {
                    guard socket.write([byte]) else { return }
                    Thread.sleep(forTimeInterval: 0.05)
                }
            }.start()
        }
        let answer = try? socket.readMessage(limit: WireProtocol.maxServerFrame)
        return (socket, answer, began.duration(to: .now))
    }

    @Test("a connection that says no hello, or drips it, is closed after the hello timeout with a message", arguments: [false, true])
    func helloTimeout(drip: Bool) async throws {
        try await offPool {
            let served = try ServedEngine(helloTimeout: .milliseconds(300))
            defer { served.stop() }
            let (_, answer, waited) = try Self.silentConnection(served.path, drip: drip)
            #expect(answer?.error?.code == .timeout)
            #expect(answer?.error?.message.contains("no hello within 0.3 s") == true, "\(String(describing: answer))")
            // The server times from its accept, a moment before the client notes its connect returned.
            #expect(waited >= .milliseconds(250) && waited < .seconds(2), "closed after \(waited)")
        }
    }

    @Test("silent connections lose their seats at the hello timeout, and a watcher then gets in")
    func silentConnectionsFreeTheirSeats() async throws {
        try await offPool {
            let served = try ServedEngine(maxWatchers: 2, helloTimeout: .milliseconds(300))
            defer { served.stop() }
            let silent = try (0..<2).map { _ in try UnixSocket.connect(path: served.path) }
            Thread.sleep(forTimeInterval: 0.05)
            #expect(try rawWatcher(served.path).1?.error?.code == .full)
            let deadline = ContinuousClock.now.advanced(by: .seconds(3))
            var admitted = false
            while !admitted, ContinuousClock.now < deadline {
                Thread.sleep(forTimeInterval: 0.1)
                admitted = try rawWatcher(served.path).1?.welcome != nil
            }
            #expect(admitted)
            withExtendedLifetime(silent) {}
        }
    }
}

@Suite("max_watchers in the config")
struct MaxWatchersConfigTests {
    @Test("[serve] max_watchers is read, and a value out of 1-4096 is refused with the key named", arguments: [
        ("3", 3, false), ("0", nil, true), ("5000", nil, true), ("\"many\"", nil, true),
    ] as [(String, Int?, Bool)])
    func maxWatchers(text: String, expected: Int?, refused: Bool) {
        let config = HedgetopConfig.parse("[serve]\nmax_watchers = \(text)\n", file: "test.toml", directory: "/tmp")
        #expect(config.maxWatchers == expected)
        #expect(config.issues.contains { $0.description.contains("max_watchers") } == refused, "\(config.issues)")
    }
}
