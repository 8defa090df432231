import Foundation
@testable import HedgeCore
@testable import HedgeVenues
import Logging
import Testing
@_spi(Testing) @testable import HedgeEngine

@Suite("Snapshot deltas: a watcher applying them has the server's snapshot")
struct SnapshotDeltaTests {
    /// Whether every field of `a` equals `b`'s (`StrategySnapshot ==` compares only part of one).
    static func sameFacts(_ a: EngineSnapshot, _ b: EngineSnapshot) -> Bool {
        a.sequence == b.sequence && a.time == b.time && a.mode == b.mode && a.venues == b.venues && a.log == b.log
            && a.acknowledgements == b.acknowledgements && a.limits == b.limits && a.desk == b.desk
            && a.killSwitch == b.killSwitch && a.feeds == b.feeds && a.strategies.count == b.strategies.count
            && zip(a.strategies, b.strategies).allSatisfy { IncrementalSnapshotTests.sameFacts($0, $1) }
    }

    /// `message` after a trip through its frame, as a watcher reads it: deflated on the
    /// connection's stream when given one.
    static func wireTrip(_ message: WireMessage, _ stream: (WireDeflater, WireInflater)? = nil) throws -> WireMessage {
        var decoder = WireFrameDecoder(limit: WireProtocol.maxServerFrame)
        decoder.append(try stream.map { try message.frame(deflatingWith: $0.0) } ?? message.frame())
        let payload = try #require(try decoder.next())
        guard let stream else { return try WireMessage.decode(payload) }
        #expect(payload.first == WireProtocol.deflatedMark)
        return try WireMessage.decode(try stream.1.decompress(payload.dropFirst(), limit: WireProtocol.maxServerFrame))
    }

    @Test("an array delta rebuilds the new array", arguments: [
        ([1, 2, 3, 4], [2, 3, 4, 5]), ([1, 2, 3], [1, 2, 9]), ([1, 2, 3], [3, 7, 8]), ([1, 2], []), ([], [1]),
        ([1, 2, 3], [4, 5]), ([1, 2, 3, 4], [2, 9, 4]), ([5, 5, 6], [5, 6, 7]),
    ])
    func arrayDelta(old: [Int], new: [Int]) throws {
        let delta = try #require(ArrayDelta(from: old, to: new))
        #expect(try delta.apply(to: old) == new)
        #expect(ArrayDelta(from: new, to: new) == nil)
    }

    @Test("an array delta that does not fit the watcher's array is malformed")
    func arrayDeltaMisfit() {
        let delta = ArrayDelta<Int>(drop: 2, keep: 3, append: [])
        #expect(throws: WireError.self) { try delta.apply(to: [1, 2, 3]) }
    }

    @Test("across a run with several strategies trading, the watcher's snapshot equals the server's at every step, behind or not",
          arguments: [PaperScenario.Name.cross, .basis])
    func watcherFollows(name: PaperScenario.Name) throws {
        let engine = IncrementalSnapshotTests().engine(name, copies: 4)
        var time = engine.now
        // The server's copy of what the watcher has, and the watcher's own, decoded from frames.
        let stream = try (#require(WireDeflater()), #require(WireInflater()))
        var sent = engine.snapshot()
        var watcher = try #require(try Self.wireTrip(.snapshot(sent), stream).snapshot)
        #expect(Self.sameFacts(watcher, sent))
        var deltas = 0, deltaBytes = 0, fullBytes = 0
        for step in 0..<720 {
            time = time + .milliseconds(250)
            engine.run(until: time)
            if step % 41 == 7 { engine.apply(EngineCommand(id: UInt64(step), strategy: nil, action: step % 82 == 7 ? .pause : .resume), at: time) }
            let newest = engine.snapshot()
            // A watcher that falls behind skips snapshots: its next delta spans them.
            if step % 13 == 5 || step % 13 == 6 { continue }
            let delta = SnapshotDelta(from: sent, to: newest)
            if step % 20 == 0 {
                // Plain JSON both, on a sample of the steps (encoding a whole snapshot is slow in a debug build).
                deltaBytes += try WireMessage.delta(delta).frame().count
                fullBytes += try WireMessage.snapshot(newest).frame().count
            }
            watcher = try #require(try Self.wireTrip(.delta(delta), stream).delta).apply(to: watcher)
            #expect(Self.sameFacts(watcher, newest), "step \(step)")
            sent = newest
            deltas += 1
        }
        #expect(engine.machines.contains { $0.completedCycles > 0 }, "no strategy traded")
        #expect(deltaBytes * 4 < fullBytes, "deltas \(deltaBytes) bytes against \(fullBytes) in full over \(deltas) frames")
    }

    @Test("a delta from another snapshot than the watcher's is refused")
    func wrongBase() throws {
        let engine = IncrementalSnapshotTests().engine(.cross, copies: 2)
        let first = engine.snapshot()
        engine.run(until: engine.now + .seconds(5))
        let second = engine.snapshot()
        engine.run(until: engine.now + .seconds(5))
        let third = engine.snapshot()
        #expect(throws: WireError.self) { try SnapshotDelta(from: second, to: third).apply(to: first) }
    }

    @Test("over the socket, a watcher gets a full snapshot, then deltas, and has what the server published")
    func overTheSocket() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hedgetop-delta-\(getpid())-\(UInt32.random(in: 0...UInt32.max))/t.sock").path
        let (sender, _) = CommandSender.makeChannel()
        let server = ControlServer(path: path, name: "test", policy: PeerPolicy(), commands: sender,
                                   logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        try server.start()
        defer { server.stop() }
        let engine = IncrementalSnapshotTests().engine(.cross, copies: 3)
        var published = engine.snapshot()
        server.publish(published)
        let (socket, welcome) = try rawWatcher(path, readOnly: true, fps: 30)
        defer { socket.shutdown() }
        #expect(welcome?.welcome != nil)
        var have = try #require(try socket.readMessage(limit: WireProtocol.maxServerFrame)?.snapshot, "the first frame is a whole snapshot")
        #expect(Self.sameFacts(have, published))
        var deltas = 0
        for _ in 0..<20 {
            engine.run(until: engine.now + .milliseconds(500))
            published = engine.snapshot()
            server.publish(published)
            // Frames come at the watcher's rate, each the newest: read until this one arrived.
            while have.sequence != published.sequence {
                let message = try #require(try socket.readMessage(limit: WireProtocol.maxServerFrame))
                if let delta = message.delta {
                    have = try delta.apply(to: have)
                    deltas += 1
                } else if let snapshot = message.snapshot {
                    have = snapshot
                }
            }
            #expect(Self.sameFacts(have, published))
        }
        #expect(deltas > 0, "no delta was sent")
    }
}
