import Foundation
import HedgeCore
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Whether a watcher is receiving live data, for the screen to show stale data as stale.
public enum ConnectionState: Sendable, Hashable {
    case connected
    /// The connection is gone and is being tried again. `serverStopped`: the server said goodbye
    /// (it stopped cleanly) rather than vanishing.
    case disconnected(reason: String, attempt: Int, serverStopped: Bool)
}

/// The watcher end of the control socket (`hedgetop attach`): turns the server's frames into the
/// same snapshot stream and command sender the embedded screen uses. When the server goes away it
/// says so (`connection`, and a line in the event log) and tries again with backoff.
public final class ControlClient: Sendable {
    public let path: String
    public let hello: WireHello
    /// Waits between reconnection attempts; the last one repeats.
    let backoff: [Duration]
    /// Whom a reconnection accepts as the server: the uid the first connection reached.
    public let expected: ExpectedServer
    private let state = Mutex<State>(State())
    private let output: AsyncStream<EngineSnapshot>.Continuation

    private struct State {
        var socket: UnixSocket?
        var welcome: WireWelcome?
        var last: EngineSnapshot?
        /// Acknowledgements of this watcher's commands, newest last; the screen reads them from
        /// each snapshot as it does from the engine's.
        var acknowledgements: [CommandAcknowledgement] = []
        var reconnecting: (attempt: Int, error: String)?
        /// The server said it was stopping (its goodbye) before the connection ended.
        var serverStopped = false
        var stopped = false
        /// Why the connection ended for good (refused, another version).
        var finalError: WireError?
    }

    /// Connects and says hello; throws the server's refusal (`WireError`) or why it could not
    /// connect (`SocketError`), including a server that is not who `expected` says: then
    /// nothing was sent.
    public static func handshake(path: String, hello: WireHello, expected: ExpectedServer = .directoryOwner) throws -> (UnixSocket, WireWelcome) {
        let socket = try UnixSocket.connect(path: path, expecting: expected)
        socket.setTimeouts(receive: 10, send: 10)
        // This client inflates what the server deflates (`read`): ask for it.
        var hello = hello
        hello.deflate = true
        // A server that refuses this peer answers before reading the hello and closes: the hello
        // may then fail to send, but the refusal is still waiting to be read, and it says why.
        let sent = socket.send(.hello(hello))
        guard let answer = try socket.readMessage(limit: WireProtocol.maxServerFrame) else {
            throw WireError(.malformed, "the server at \(path) closed the connection" + (sent ? " without answering" : ""))
        }
        if let error = answer.error { throw error }
        guard let welcome = answer.welcome else { throw WireError(.malformed, "the server answered \(answer.type.rawValue), not welcome") }
        guard welcome.version == WireProtocol.version else {
            throw WireError(.version, "the server speaks protocol version \(welcome.version), this hedgetop \(WireProtocol.version); use the same version")
        }
        socket.setTimeouts(receive: 0, send: 10)
        return (socket, welcome)
    }

    /// Starts watching over an established connection: the snapshots for the screen, the sender
    /// for its commands, and the client (to stop it, or ask why it ended).
    public static func watch(_ connection: (UnixSocket, WireWelcome), path: String, hello: WireHello,
                             backoff: [Duration] = [.milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(4)])
        -> (snapshots: AsyncStream<EngineSnapshot>, commands: CommandSender, client: ControlClient) {
        let (snapshots, continuation) = AsyncStream.makeStream(of: EngineSnapshot.self, bufferingPolicy: .bufferingNewest(1))
        let expected = (try? connection.0.peerCredentials()).map { ExpectedServer.uid($0.uid) } ?? .directoryOwner
        let client = ControlClient(path: path, hello: hello, backoff: backoff, expected: expected, output: continuation)
        client.state.withLock {
            $0.socket = connection.0
            $0.welcome = connection.1
        }
        let (sender, commands) = CommandSender.makeChannel()
        let thread = Thread { client.receiveLoop() }
        thread.name = "hedgetop-attach"
        thread.start()
        Task { await client.forward(commands) }
        return (snapshots, sender, client)
    }

    private init(path: String, hello: WireHello, backoff: [Duration], expected: ExpectedServer, output: AsyncStream<EngineSnapshot>.Continuation) {
        self.path = path
        self.expected = expected
        self.hello = hello
        self.backoff = backoff.isEmpty ? [.seconds(1)] : backoff
        self.output = output
    }

    /// The server's welcome on the current connection.
    public var welcome: WireWelcome? { state.withLock { $0.welcome } }

    /// Why watching ended for good, if it did (refused, another version).
    public var finalError: WireError? { state.withLock { $0.finalError } }

    /// Whether a connection is up right now.
    public var isConnected: Bool { state.withLock { $0.socket != nil } }

    /// The connection as the screen shows it.
    public var connection: ConnectionState {
        state.withLock { state in
            if state.socket != nil { return .connected }
            let reconnecting = state.reconnecting ?? (1, "not connected")
            return .disconnected(reason: reconnecting.error, attempt: reconnecting.attempt, serverStopped: state.serverStopped)
        }
    }

    /// Closes the connection and ends the snapshot stream.
    public func stop() {
        let socket = state.withLock { state -> UnixSocket? in
            state.stopped = true
            return state.socket
        }
        socket?.shutdown()
        output.finish()
    }

    // MARK: - Threads

    private func receiveLoop() {
        var attempt = 0
        while !state.withLock({ $0.stopped }) {
            if let socket = state.withLock({ $0.socket }) {
                attempt = 0
                let reason = read(socket)
                let (stopped, permanent) = state.withLock { ($0.stopped, $0.finalError != nil) }
                if stopped { break }
                if permanent { output.finish(); return }
                state.withLock { state in
                    state.socket = nil
                    state.reconnecting = (1, reason)
                }
                publish()
                continue
            }
            // Not connected: wait, then try again.
            let wait = backoff[min(attempt, backoff.count - 1)]
            attempt += 1
            Thread.sleep(forTimeInterval: Double(wait.components.seconds) + Double(wait.components.attoseconds) / 1e18)
            if state.withLock({ $0.stopped }) { break }
            do {
                let connection = try Self.handshake(path: path, hello: hello, expected: expected)
                state.withLock { state in
                    state.socket = connection.0
                    state.welcome = connection.1
                    state.reconnecting = nil
                    state.serverStopped = false
                }
            } catch let error as WireError where error.code == .version || error.code == .notAllowed {
                state.withLock { $0.finalError = error }
                output.finish()
                return
            } catch {
                state.withLock { $0.reconnecting = (attempt + 1, "\(error)") }
                publish()
            }
        }
        output.finish()
    }

    /// Reads frames until the connection ends; returns why.
    private func read(_ socket: UnixSocket) -> String {
        // The connection's deflate stream starts with it (the server's starts with the watcher).
        let inflater = WireInflater()
        while true {
            let message: WireMessage?
            do {
                message = try socket.readMessage(limit: WireProtocol.maxServerFrame, inflatingWith: inflater)
            } catch {
                return error.message
            }
            guard let message else { return "the server closed the connection" }
            switch message.type {
            case .snapshot:
                state.withLock { $0.last = message.snapshot }
                publish()
            case .delta:
                guard let delta = message.delta else { return "a delta frame without its delta" }
                do throws(WireError) {
                    // A delta that does not fit what this watcher has ends the connection: the
                    // next one starts with a full snapshot.
                    try state.withLock { state throws(WireError) in
                        guard let last = state.last else { throw WireError(.malformed, "a delta before any snapshot") }
                        state.last = try delta.apply(to: last)
                    }
                } catch {
                    return error.message
                }
                publish()
            case .acknowledgement:
                if let acknowledgement = message.acknowledgement { acknowledge(acknowledgement) }
            case .error:
                guard let error = message.error else { return "error" }
                if error.code == .shuttingDown {
                    // The server's goodbye: it stopped on purpose (SIGTERM, SIGINT).
                    state.withLock { $0.serverStopped = true }
                    return error.message
                }
                state.withLock { $0.finalError = error }
                return error.message
            case .hello, .welcome, .command:
                return "the server sent an unexpected \(message.type.rawValue)"
            }
        }
    }

    private func acknowledge(_ acknowledgement: CommandAcknowledgement) {
        state.withLock { state in
            state.acknowledgements.append(acknowledgement)
            if state.acknowledgements.count > 64 { state.acknowledgements.removeFirst(state.acknowledgements.count - 64) }
        }
        publish()
    }

    /// Sends the screen's commands in order; while disconnected each is refused at once, visibly.
    private func forward(_ commands: AsyncStream<EngineCommand>) async {
        for await command in commands {
            let socket = state.withLock { $0.socket }
            if let socket, socket.send(.command(command)) { continue }
            acknowledge(CommandAcknowledgement(commandID: command.id, accepted: false,
                                               message: "not connected to the server (reconnecting); not sent", namesCommand: false,
                                               time: state.withLock { $0.last?.time } ?? .wallClockNow()))
        }
    }

    /// Yields the newest snapshot with this watcher's acknowledgements; while reconnecting, the
    /// event log says so (the screen shows the rest from `connection`).
    private func publish() {
        let snapshot = state.withLock { state -> EngineSnapshot? in
            guard var snapshot = state.last else { return nil }
            snapshot.acknowledgements = state.acknowledgements
            if let reconnecting = state.reconnecting {
                let name = state.welcome?.name ?? "server"
                let id = (snapshot.log.last?.id ?? 0) + 1
                snapshot.log.append(LogEntry(id: id, time: snapshot.time, severity: .warning, strategy: nil,
                                             message: state.serverStopped
                                                ? "server \(name) stopped; reconnecting when it starts again (attempt \(reconnecting.attempt))"
                                                : "reconnecting to \(name) (attempt \(reconnecting.attempt)): \(reconnecting.error)"))
            }
            return snapshot
        }
        if let snapshot { output.yield(snapshot) }
    }
}
