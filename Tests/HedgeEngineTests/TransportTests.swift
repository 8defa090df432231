import Foundation
@testable import HedgeCore
import Logging
import MetricsScrape
import Synchronization
import Testing
@testable import HedgeEngine

#if canImport(Glibc)
import Glibc
#endif

@Suite("Control socket protocol")
struct WireProtocolTests {
    @Test("a frame is a 4-byte big-endian length then the payload, and decodes back across partial reads")
    func framesRoundTrip() throws {
        let frame = WireFrame.encode(Array("hello".utf8))
        #expect(frame == [0, 0, 0, 5] + Array("hello".utf8))
        var decoder = WireFrameDecoder(limit: 16)
        decoder.append(frame.prefix(3))
        #expect(try decoder.next() == nil)
        decoder.append(frame.dropFirst(3) + WireFrame.encode([1]))
        #expect(try decoder.next() == Array("hello".utf8))
        #expect(try decoder.next() == [1])
        #expect(try decoder.next() == nil)
    }

    @Test("an oversized or empty frame is refused before its payload is read")
    func boundedFrames() {
        #expect(throws: WireError.self) { try WireFrame.payloadLength(header: [0, 0, 0, 17], limit: 16) }
        #expect(throws: WireError.self) { try WireFrame.payloadLength(header: [0, 0, 0, 0], limit: 16) }
        #expect(throws: WireError.self) { try WireFrame.payloadLength(header: [0x7f, 0xff, 0xff, 0xff], limit: WireProtocol.maxServerFrame) }
    }

    @Test("a snapshot survives JSON, chart bands (tuples) included")
    func snapshotRoundTrip() throws {
        let snapshot = runDemo(seconds: 90).snapshot()
        let payload = Array(try WireMessage.snapshot(snapshot).frame().dropFirst(4))
        let decoded = try #require(try WireMessage.decode(payload).snapshot)
        #expect(decoded == snapshot)
        let strategy = try #require(snapshot.strategies.first)
        let back = try #require(decoded.strategies.first)
        #expect(back.entryBandBps?.upper == strategy.entryBandBps?.upper)
        #expect(back.exitBandBps?.lower == strategy.exitBandBps?.lower)
        #expect(back.entry == strategy.entry && back.exit == strategy.exit && back.meanSeries == strategy.meanSeries)
        #expect(payload.count < WireProtocol.maxServerFrame)
    }

    @Test("every command action survives JSON", arguments: [
        StrategyCommand.close, .rebalance, .resize(percent: -25), .setThresholds(entry: .bps(12), exit: .z(0.5)),
        .setThresholds(entry: nil, exit: nil), .pause, .resume, .kill,
    ])
    func commandRoundTrip(action: StrategyCommand) throws {
        let command = EngineCommand(id: 7, strategy: action == .kill ? nil : "btc-calendar", action: action)
        let payload = Array(try WireMessage.command(command).frame().dropFirst(4))
        #expect(try WireMessage.decode(payload).command == command)
    }

    @Test("an acknowledgement and a log line keep their fields in JSON")
    func answerFieldsRoundTrip() throws {
        let time = Timestamp(nanoseconds: 5)
        let ack = CommandAcknowledgement(commandID: 3, strategy: "btc-calendar", accepted: false, message: "close refused: nothing open", time: time)
        let payload = Array(try WireMessage.acknowledgement(ack).frame().dropFirst(4))
        #expect(try WireMessage.decode(payload).acknowledgement == ack)
        let line = LogEntry(id: 9, time: time, severity: .warning, strategy: "btc-calendar", message: "close refused: nothing open", commandID: 3, watcher: 2)
        let decoded = try JSONDecoder().decode(LogEntry.self, from: JSONEncoder().encode(line))
        #expect(decoded == line)
        #expect(decoded.message == "close refused: nothing open (watcher 2)")
    }

    @Test("garbage, or a type without its content, is malformed")
    func malformedPayloads() {
        #expect(throws: WireError.self) { try WireMessage.decode(Array("not json".utf8)) }
        #expect(throws: WireError.self) { try WireMessage.decode(Array(#"{"type":"command"}"#.utf8)) }
    }

    @Test("the version is read from a hello of any shape")
    func versionProbe() {
        let probe = WireMessage.helloVersion(Array(#"{"type":"hello","hello":{"magic":"hedgetop-control","version":9,"new":[1]}}"#.utf8))
        #expect(probe?.version == 9)
    }

    @Test("owner steers, allowed group watches, anyone else is refused", arguments: [
        (UInt32(1000), UInt32(1000), "owner"), (2000, 50, "watcher"), (2000, 2000, "refused"), (3000, 3000, "watcher"),
    ])
    func peerPolicy(uid: UInt32, gid: UInt32, expected: String) {
        let policy = PeerPolicy(ownerUID: 1000, allowedGroup: 50)
        let admission = policy.admit(PeerCredentials(pid: 1, uid: uid, gid: gid)) { $0 == 3000 ? [3000, 50] : [$0] }
        switch admission {
        case .owner: #expect(expected == "owner")
        case .watcher: #expect(expected == "watcher")
        case .refused: #expect(expected == "refused")
        }
    }
}

/// A server over a real engine at 10× speed, on a socket in a private directory.
final class ServedEngine: Sendable {
    let server: ControlServer
    let path: String
    let task: Task<Void, Never>
    let relay: Task<Void, Never>

    init(path: String? = nil, policy: PeerPolicy = PeerPolicy(), pace: EngineLoop<ContinuousClock>.Pace = .realTime(speed: 10),
         maxWatchers: Int = ControlServer.defaultMaxWatchers, helloTimeout: Duration = .seconds(5)) throws {
        let path = path ?? FileManager.default.temporaryDirectory.appendingPathComponent("hedgetop-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))/t.sock").path
        self.path = path
        let start = Timestamp(seconds: 1_800_000_000)
        let engine = PaperScenario.calendarDemo(start: start).makeEngine(startedAt: start)
        let (sender, commands) = CommandSender.makeChannel()
        let (snapshots, sink) = EngineLoop<ContinuousClock>.makeSnapshotStream()
        server = ControlServer(path: path, name: "test", policy: policy, commands: sender, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() },
                               maxWatchers: maxWatchers, helloTimeout: helloTimeout)
        try server.start()
        let loop = EngineLoop(clock: ContinuousClock(), pace: pace)
        // The engine moves into the loop's task; nothing here touches it again.
        // Off the shared pool: a parallel test replaying a whole recording must not starve it.
        let executor = DedicatedExecutor()
        task = Task(executorPreference: executor) { await loop.run(engine, commands: commands, snapshots: sink) }
        let server = self.server
        relay = Task(executorPreference: executor) { for await snapshot in snapshots { server.publish(snapshot) } }
    }

    func stop() {
        server.stop()
        task.cancel()
        relay.cancel()
    }
}

/// A raw watcher: hello, then frames by hand.
func rawWatcher(_ path: String, readOnly: Bool = false, fps: Int = 30, version: Int = WireProtocol.version) throws -> (UnixSocket, WireMessage?) {
    let socket = try UnixSocket.connect(path: path)
    socket.setTimeouts(receive: 10, send: 10)
    // A server that refuses the peer answers before reading the hello and closes, so the send
    // may fail (EPIPE): the answer read next is what the tests judge.
    _ = socket.send(.hello(WireHello(version: version, readOnly: readOnly, framesPerSecond: fps, client: "test")))
    return (socket, try socket.readMessage(limit: WireProtocol.maxServerFrame))
}

/// Reads until an acknowledgement for each of `ids` arrived (or the stream ends).
func acknowledgements(on socket: UnixSocket, for ids: Set<UInt64>) -> [UInt64: CommandAcknowledgement] {
    var found: [UInt64: CommandAcknowledgement] = [:]
    let deadline = ContinuousClock.now.advanced(by: .seconds(20))
    while found.count < ids.count, ContinuousClock.now < deadline, let message = try? socket.readMessage(limit: WireProtocol.maxServerFrame) {
        if let ack = message.acknowledgement, ids.contains(ack.commandID) { found[ack.commandID] = ack }
    }
    return found
}

@Suite("Control socket server", .serialized)
struct ControlServerTests {
    @Test("the directory is 0700 and the socket 0600")
    func modes() async throws {
        try await offPool {
            let served = try ServedEngine()
            defer { served.stop() }
            var info = stat()
            #expect(stat(served.path, &info) == 0 && info.st_mode & 0o777 == 0o600)
            #expect(stat((served.path as NSString).deletingLastPathComponent, &info) == 0 && info.st_mode & 0o777 == 0o700)
        }
    }

    @Test("watchers attach and detach while the engine trades: every command is acknowledged to its sender, with its own id")
    func noCommandLost() async throws {
        try await offPool {
            let served = try ServedEngine()
            defer { served.stop() }
            let (first, welcomeA) = try rawWatcher(served.path)
            let (second, welcomeB) = try rawWatcher(served.path)
            #expect(welcomeA?.welcome?.readOnly == false && welcomeB?.welcome?.readOnly == false)
            // The churn ends before the server stops (the test waits for it below): a connection
            // made while it stops would fail its hello outside any test.
            let churned = DispatchSemaphore(value: 0)
            let churn = Thread {
                for _ in 0..<10 { if let (socket, _) = try? rawWatcher(served.path) { _ = try? socket.readMessage(limit: WireProtocol.maxServerFrame); socket.shutdown() } }
                churned.signal()
            }
            churn.start()
            let ids = Set<UInt64>(1...20)
            for id in ids {
                let action: StrategyCommand = id % 2 == 0 ? .resume : .pause
                #expect(first.send(.command(EngineCommand(id: id, strategy: "btc-calendar", action: action))))
                #expect(second.send(.command(EngineCommand(id: id, strategy: "btc-calendar", action: action))))
            }
            #expect(acknowledgements(on: first, for: ids).count == ids.count)
            #expect(acknowledgements(on: second, for: ids).count == ids.count)
            churned.wait()
        }
    }

    @Test("a read-only watcher's command is refused, visibly, and never reaches the engine")
    func readOnlyRefused() async throws {
        try await offPool {
            let served = try ServedEngine()
            defer { served.stop() }
            let (socket, welcome) = try rawWatcher(served.path, readOnly: true)
            #expect(welcome?.welcome?.readOnly == true)
            #expect(socket.send(.command(EngineCommand(id: 3, strategy: "btc-calendar", action: .kill))))
            let ack = try #require(acknowledgements(on: socket, for: [3])[3])
            #expect(!ack.accepted)
            #expect(ack.message.contains("read-only"))
        }
    }

    @Test("a peer whose uid is not the owner's is refused (SO_PEERCRED)")
    func otherUIDRefused() async throws {
        try await offPool {
            let served = try ServedEngine(policy: PeerPolicy(ownerUID: getuid() &+ 4242))
            defer { served.stop() }
            let (_, answer) = try rawWatcher(served.path)
            #expect(answer?.error?.code == .notAllowed)
        }
    }

    @Test("another protocol version gets a clear message")
    func versionMismatch() async throws {
        try await offPool {
            let served = try ServedEngine()
            defer { served.stop() }
            let (_, answer) = try rawWatcher(served.path, version: 99)
            #expect(answer?.error?.code == .version)
            #expect(answer?.error?.message.contains("version 99") == true)
        }
    }

    @Test("malformed and oversized frames close that connection only", arguments: ["garbage", "oversized", "hello-again"])
    func badFramesCloseOneConnection(kind: String) async throws {
        try await offPool {
            let served = try ServedEngine()
            defer { served.stop() }
            let (good, _) = try rawWatcher(served.path)
            let (bad, _) = try rawWatcher(served.path)
            switch kind {
            case "garbage": #expect(bad.write(WireFrame.encode(Array("{nope".utf8))))
            case "oversized": #expect(bad.write([0x10, 0, 0, 0]))
            default: #expect(bad.send(.hello(WireHello(readOnly: false, framesPerSecond: 4, client: "test"))))
            }
            var closedWith: WireError?
            while let message = try? bad.readMessage(limit: WireProtocol.maxServerFrame) {
                if let error = message.error { closedWith = error }
            }
            #expect(closedWith?.code == .malformed)
            // The other watcher still gets fresh snapshots (whole or as deltas) and can still act.
            var fresh = 0
            while fresh < 3, let message = try good.readMessage(limit: WireProtocol.maxServerFrame) {
                if message.snapshot != nil || message.delta != nil { fresh += 1 }
            }
            #expect(fresh == 3)
            #expect(good.send(.command(EngineCommand(id: 1, strategy: "btc-calendar", action: .pause))))
            #expect(acknowledgements(on: good, for: [1]).count == 1)
        }
    }

    @Test("a watcher shows reconnecting while the server is gone and reconnects when it is back")
    func reconnects() async throws {
        let served = try ServedEngine()
        let hello = WireHello(readOnly: false, framesPerSecond: 30, client: "test")
        let connection = try ControlClient.handshake(path: served.path, hello: hello)
        let (snapshots, commands, client) = ControlClient.watch(connection, path: served.path, hello: hello,
                                                                backoff: [.milliseconds(50), .milliseconds(100)])
        defer { client.stop() }
        var iterator = snapshots.makeAsyncIterator()
        _ = await iterator.next()
        served.stop()
        var sawReconnecting = false
        while !sawReconnecting, let snapshot = await iterator.next() {
            sawReconnecting = snapshot.log.contains { $0.message.contains("stopped; reconnecting") }
        }
        #expect(sawReconnecting)
        // The server said goodbye before closing: the watcher knows it stopped, not vanished.
        guard case .disconnected(_, _, serverStopped: true) = client.connection else {
            Issue.record("expected a stopped server, got \(client.connection)")
            return
        }
        let again = try ServedEngine(path: served.path)
        defer { again.stop() }
        let deadline = ContinuousClock.now.advanced(by: .seconds(10))
        while !client.isConnected && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(client.isConnected)
        let id = commands.send(.pause, to: "btc-calendar")
        var acknowledged = false
        while !acknowledged, ContinuousClock.now < deadline, let snapshot = await iterator.next() {
            acknowledged = snapshot.acknowledgements.contains { $0.commandID == id && $0.accepted }
        }
        #expect(acknowledged)
    }

    /// Data seconds simulated per wall second, at full speed, over `seconds`.
    static func simulatedRate(_ served: ServedEngine, seconds: Double) throws -> Double {
        let (probe, _) = try rawWatcher(served.path, readOnly: true, fps: 30)
        defer { probe.shutdown() }
        func dataTime() throws -> Timestamp {
            while true {
                // The first frame is a whole snapshot, the rest deltas: both carry the time.
                let message = try probe.readMessage(limit: WireProtocol.maxServerFrame)
                if let time = message?.snapshot?.time ?? message?.delta?.time { return time }
            }
        }
        let first = try dataTime()
        let began = ContinuousClock.now
        Thread.sleep(forTimeInterval: seconds)
        let last = try dataTime()
        let wall = began.duration(to: .now)
        let wallNanoseconds: Double = Double(wall.components.seconds) * 1e9 + Double(wall.components.attoseconds) / 1e9
        let dataNanoseconds: Double = Double(last.nanoseconds - first.nanoseconds)
        return dataNanoseconds / wallNanoseconds
    }

    @Test("three watchers, one never reading, leave the engine's event rate within 5 % of none")
    func watchersDoNotSlowTheEngine() async throws {
        try await offPool {
            let served = try ServedEngine(pace: .fastest)
            defer { served.stop() }
            var without: [Double] = []
            var with: [Double] = []
            for _ in 0..<3 {
                without.append(try Self.simulatedRate(served, seconds: 1))
                let stalled = try rawWatcher(served.path, fps: 30).0
                let readers = try (0..<2).map { _ in try rawWatcher(served.path, fps: 30).0 }
                let running = Mutex(true)
                for reader in readers {
                    Thread { while running.withLock({ $0 }), (try? reader.readMessage(limit: WireProtocol.maxServerFrame)) != nil {} }.start()
                }
                with.append(try Self.simulatedRate(served, seconds: 1))
                running.withLock { $0 = false }
                for socket in readers + [stalled] { socket.shutdown() }
            }
            let best = (without: without.max() ?? 0, with: with.max() ?? 0)
            print("simulated seconds per wall second: without watchers \(without), with three \(with)")
            #expect(best.with >= best.without * 0.95)
        }
    }
}
