import Foundation
@testable import HedgeCore
import MetricsScrape
import Testing
@testable import HedgeEngine

/// A trader's command is checked against the ranges the config reader allows and refused with
/// the reason; nothing a command carries can make the server trap.
@Suite("Command validation")
struct CommandValidationTests {
    static let start = Timestamp(seconds: 1_800_000_000)

    static let outOfRange: [(StrategyCommand, String)] = [
        (.setThresholds(entry: .z(1e18), exit: nil), "0 to 20"),
        (.setThresholds(entry: .z(-1e18), exit: nil), "above 0"),
        (.setThresholds(entry: .z(.infinity), exit: nil), "0 to 20"),
        (.setThresholds(entry: .z(.nan), exit: nil), "above 0"),
        (.setThresholds(entry: .z(21), exit: .z(1)), "0 to 20"),
        (.setThresholds(entry: nil, exit: .z(-1e300)), "negative"),
        (.setThresholds(entry: .bps("10001"), exit: .bps("1")), "0 to 10000"),
        (.setThresholds(entry: .bps("900000000"), exit: nil), "0 to 10000"),
        (.resize(percent: .max), "between -90 % and +100 %"),
        (.resize(percent: .min), "between -90 % and +100 %"),
    ]

    @Test("an out-of-range command is refused through the engine's apply, with the reason", arguments: 0..<outOfRange.count)
    func refusedByApply(case index: Int) {
        let (action, reason) = Self.outOfRange[index]
        let engine = PaperScenario.calendarDemo(start: Self.start).makeEngine(startedAt: Self.start)
        engine.run(until: Self.start + .seconds(2))
        engine.apply(EngineCommand(id: 1, strategy: "btc-calendar", action: action), at: engine.now)
        let ack = engine.snapshot().acknowledgements.first { $0.commandID == 1 }
        #expect(ack?.accepted == false)
        #expect(ack?.message.contains(reason) == true, "\(ack?.message ?? "no answer")")
        // The thresholds in force are unchanged, and the engine runs on.
        #expect(engine.machines[0].config.entry == PaperScenario.calendarDemo(start: Self.start).strategies[0].entry)
        engine.run(until: Self.start + .seconds(10))
    }

    @Test("in-range thresholds at the limits are accepted")
    func limitsAccepted() {
        let engine = PaperScenario.calendarDemo(start: Self.start).makeEngine(startedAt: Self.start)
        engine.apply(EngineCommand(id: 1, strategy: "btc-calendar", action: .setThresholds(entry: .z(20), exit: .z(0))), at: engine.now)
        engine.apply(EngineCommand(id: 2, strategy: "btc-calendar", action: .setThresholds(entry: .bps("10000"), exit: .bps("0"))), at: engine.now)
        #expect(engine.snapshot().acknowledgements.map(\.accepted) == [true, true])
    }

    @Test("labels of any double never trap")
    func labelsNeverTrap() {
        for value in [1e18, -1e18, 9.3e17, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .infinity, -.infinity, .nan] {
            #expect(!value.formatted1.isEmpty)
        }
        #expect(2.25.formatted1 == "2.3" || 2.25.formatted1 == "2.2")
        #expect((-0.04).formatted1 == "-0.0" || (-0.04).formatted1 == "0.0")
    }

    /// The acknowledgement of command `id`, waiting up to 90 s: in a parallel run the served
    /// engine shares two pool threads with every other test, and may not run for many seconds.
    static func answer(on socket: UnixSocket, to id: UInt64) -> CommandAcknowledgement? {
        socket.setTimeouts(receive: 90, send: 10)
        let deadline = ContinuousClock.now.advanced(by: .seconds(90))
        while ContinuousClock.now < deadline, let message = try? socket.readMessage(limit: WireProtocol.maxServerFrame) {
            if let ack = message.acknowledgement, ack.commandID == id { return ack }
        }
        return nil
    }

    @Test("setThresholds with z = 1e18 through the socket is refused with the reason, and the server serves on")
    func refusedThroughSocket() async throws {
        try await offPool {
            let served = try ServedEngine()
            defer { served.stop() }
            let (socket, welcome) = try rawWatcher(served.path)
            #expect(welcome?.welcome != nil)
            #expect(socket.send(.command(EngineCommand(id: 7, strategy: "btc-calendar", action: .setThresholds(entry: .z(1e18), exit: nil)))))
            let ack = try #require(Self.answer(on: socket, to: 7))
            #expect(!ack.accepted)
            #expect(ack.message.contains("0 to 20"), "\(ack.message)")
            #expect(socket.send(.command(EngineCommand(id: 8, strategy: "btc-calendar", action: .pause))))
            #expect(Self.answer(on: socket, to: 8)?.accepted == true)
        }
    }
}
