import Dispatch
import Foundation
import HedgeCore
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The server end of the control socket (`hedgetop serve`). Each watcher has two threads of its
/// own (reading commands, writing snapshots) and a mailbox that keeps only the newest snapshot,
/// so a watcher that stalls or vanishes never holds up the engine or the other watchers.
///
/// Commands from watchers are renumbered for the engine (each watcher numbers its own), and each
/// acknowledgement goes back to the watcher that sent the command, with that watcher's id.
public final class ControlServer: Sendable {
    public let path: String
    public let name: String
    public let policy: PeerPolicy
    private let commands: CommandSender
    private let logger: Logger
    private let state: Mutex<State>
    private let listener = Mutex<Int32>(-1)

    private struct State {
        var watchers: [Int: Watcher] = [:]
        /// `status` and `list` probes being served, by ticket: not watchers (no number, no seat).
        var probes: [Int: Watcher] = [:]
        var nextWatcher = 1
        /// The newest snapshot, acknowledgements removed (they go to their senders only).
        var latest: EngineSnapshot?
        var sequence: UInt64 = 0
        /// `latest` as a frame, encoded once for every watcher that wants it.
        var encoded: (sequence: UInt64, frame: [UInt8])?
        /// The delta to `latest` from one earlier snapshot (by `sequence` when it was latest) as
        /// a frame, encoded once for every watcher that had that one.
        var encodedDelta: (base: UInt64, sequence: UInt64, frame: [UInt8])?
        /// Engine command id → (watcher, the watcher's own id).
        var routes: [UInt64: (watcher: Int, id: UInt64)] = [:]
        /// Commands waiting for room in flight, in arrival order.
        var waiting: [(watcher: Int, command: EngineCommand)] = []
        /// Engine log entry id → the watcher whose command it answers, named on the line
        /// (`LogEntry.watcher`) for every watcher to read ("pause accepted: … (watcher 2)").
        var attributions: [UInt64: Int] = [:]
        var stopped = false
        /// Every connection's seat, owing a hello or watching.
        var seats: WatcherSeats
        /// Connections that have not said hello yet, by ticket: closed if they take too long.
        var owing: [Int: UnixSocket] = [:]
    }

    /// Connections that may wait to be accepted (the kernel caps it at `net.core.somaxconn`): a
    /// burst of watchers is accepted, and those beyond `maxWatchers` told so, rather than turned
    /// away by the kernel.
    static let listenBacklog = Int32(SOMAXCONN)

    /// Commands in flight at most: the engine's snapshots carry only its recent acknowledgements
    /// (32), so more unanswered at once could lose one.
    static let commandsInFlight = 16

    /// Watchers at once by default (`--max-watchers`).
    public static let defaultMaxWatchers = 64

    /// `maxWatchers` counts every connection, hello said or not; one that has not said hello
    /// within `helloTimeout` is closed.
    public init(path: String, name: String, policy: PeerPolicy, commands: CommandSender, logger: Logger,
                maxWatchers: Int = ControlServer.defaultMaxWatchers, helloTimeout: Duration = .seconds(5)) {
        self.state = Mutex(State(seats: WatcherSeats(capacity: maxWatchers, helloTimeout: helloTimeout)))
        self.path = path
        self.name = name
        self.policy = policy
        self.commands = commands
        self.logger = logger
    }

    /// Creates the directory (0700; 02710 with an allowed group) and the socket (0600; 0660 with
    /// an allowed group), then accepts watchers on a thread of its own. A directory of another
    /// user, or one open to others, is refused; so is a live server already on this path, and
    /// anything at the path that is not a stale socket of this user (a file, a symlink, a
    /// directory): only a socket nobody answers is replaced. Modes come from the umask at `bind`
    /// and the directory's descriptor, never from a `chmod` or `chown` of a path.
    public func start() throws(SocketError) {
        let group = policy.allowedGroup
        let directory = try SocketDirectory.open(forSocket: path, allowedGroup: group)
        let entry = (path as NSString).lastPathComponent
        let occupant = SocketPathOccupant.inspect(path)
        if let refusal = occupant.refusal(path: path) { throw refusal }
        if occupant == .staleSocket { directory.remove(entry) }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SocketError.errno("socket") }
        var address = try SocketAddress.unix(directory.entry(entry))
        // The socket is born with its final mode (0600, or 0660 for the group the directory's
        // setgid bit hands it): nothing to change afterwards, so nothing a racer could redirect.
        // Linux gives the bound path the descriptor's mode less the umask, so a descriptor set to
        // the mode first needs no change of the umask, which is the whole process's: a thread
        // creating a directory at that moment would get it too (0600, unusable). Only when the
        // umask would take bits of the mode away is it set for the bind.
        let mode: mode_t = group == nil ? 0o600 : 0o660
        func bindSocket() -> Int32 {
            withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
        }
        let bound: Int32
        if let current = Self.currentUmask(), mode & current == 0, fchmod(fd, mode) == 0 {
            bound = bindSocket()
        } else {
            let previous = umask(~mode & 0o777)
            bound = bindSocket()
            umask(previous)
        }
        guard bound == 0 else {
            let error = SocketError.errno("bind \(path)")
            close(fd)
            throw error
        }
        guard listen(fd, Self.listenBacklog) == 0 else {
            let error = SocketError.errno("listen \(path)")
            close(fd)
            throw error
        }
        listener.withLock { $0 = fd }
        let thread = Thread { [self] in acceptLoop(fd) }
        thread.name = "hedgetop-accept"
        thread.start()
        logger.info("control socket listening", metadata: ["path": "\(path)"])
    }

    /// The process's umask, read without changing it (Linux: /proc/self/status); nil elsewhere.
    static func currentUmask() -> mode_t? {
        #if os(Linux)
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Umask:") }),
              let value = mode_t(line.dropFirst(6).trimmingCharacters(in: .whitespaces), radix: 8) else { return nil }
        return value
        #else
        return nil
        #endif
    }

    /// Throws what `start` would refuse at this path, touching nothing: `serve` asks before it
    /// recovers or trades.
    public static func checkPath(_ path: String) throws(SocketError) {
        try SocketDirectory.check(forSocket: path)
        if let refusal = SocketPathOccupant.inspect(path).refusal(path: path) { throw refusal }
    }

    /// How long `stop` lets the watchers' writers say goodbye before it closes their sockets.
    static let farewellLimit = Duration.milliseconds(250)

    /// Closes every connection and the socket, and removes the socket file. Never waits on a
    /// watcher: each writer sends the goodbye if its socket takes it within `farewellLimit`;
    /// a watcher that stopped reading is cut off without it.
    public func stop() {
        let watchers = state.withLock { state -> [Watcher] in
            state.stopped = true
            return Array(state.watchers.values) + Array(state.probes.values)
        }
        let goodbye = try? WireMessage.error(WireError(.shuttingDown, "the server \(name) is stopping")).frame()
        for watcher in watchers { watcher.bidFarewell(goodbye ?? []) }
        let deadline = ContinuousClock.now.advanced(by: Self.farewellLimit)
        while ContinuousClock.now < deadline, watchers.contains(where: { !$0.isClosed }) { usleep(5_000) }
        for watcher in watchers { watcher.close() }
        let fd = listener.withLock { fd in
            defer { fd = -1 }
            return fd
        }
        if fd >= 0 {
            Glibc.shutdown(fd, Int32(SHUT_RDWR))
            unlink(path)
        }
    }

    /// How many watchers are connected (probes are not watchers).
    var watcherCount: Int { state.withLock { $0.watchers.count } }

    /// How many connections hold a watcher seat (watchers, and connections yet to say hello).
    var connectionCount: Int { state.withLock { $0.seats.occupied } }

    /// How many `status`/`list` probes hold a probe's seat.
    var probeCount: Int { state.withLock { $0.seats.probes } }

    /// Takes the engine's newest snapshot: routes its acknowledgements to the watchers whose
    /// commands they answer and offers the rest to every watcher (each takes the newest when its
    /// turn comes). Cheap: no encoding happens here.
    public func publish(_ snapshot: EngineSnapshot) {
        var shared = snapshot
        shared.acknowledgements = []
        let deliveries = state.withLock { state -> [(Watcher, CommandAcknowledgement)] in
            var deliveries: [(Watcher, CommandAcknowledgement)] = []
            for acknowledgement in snapshot.acknowledgements {
                guard let route = state.routes.removeValue(forKey: acknowledgement.commandID),
                      let watcher = state.watchers[route.watcher] else { continue }
                var own = acknowledgement
                own.commandID = route.id
                deliveries.append((watcher, own))
                if let entry = shared.log.last(where: { Self.answers(acknowledgement, $0) && state.attributions[$0.id] == nil }) {
                    state.attributions[entry.id] = route.watcher
                }
            }
            Self.attribute(&shared.log, &state.attributions)
            state.latest = shared
            state.sequence += 1
            forwardWaiting(&state)
            return deliveries
        }
        for (watcher, acknowledgement) in deliveries { watcher.post(acknowledgement) }
        for watcher in state.withLock({ Array($0.watchers.values) + Array($0.probes.values) }) { watcher.wake() }
    }

    /// Whether `entry` is the engine's log line for `acknowledgement`: the answering strategy's
    /// line for the same command.
    static func answers(_ acknowledgement: CommandAcknowledgement, _ entry: LogEntry) -> Bool {
        guard let strategy = acknowledgement.strategy else { return false }
        return entry.commandID == acknowledgement.commandID && entry.strategy == strategy
    }

    /// Names the sending watcher on the log lines that answer a watcher's command; forgets lines
    /// that left the engine's log.
    static func attribute(_ log: inout [LogEntry], _ attributions: inout [UInt64: Int]) {
        guard !attributions.isEmpty else { return }
        let oldest = log.first?.id ?? .max
        attributions = attributions.filter { $0.key >= oldest }
        for index in log.indices {
            if let watcher = attributions[log[index].id] { log[index].watcher = watcher }
        }
    }

    // MARK: - Threads

    private func acceptLoop(_ fd: Int32) {
        defer { close(fd) }
        while true {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, 100)
            if state.withLock({ $0.stopped }) { return }
            dropOverdue()
            guard ready > 0 else { continue }
            let connection = accept(fd, nil, nil)
            if connection < 0 {
                if errno == EINTR || errno == EAGAIN || errno == ECONNABORTED { continue }
                if state.withLock({ $0.stopped }) { return }
                logger.error("accept failed", metadata: ["error": "\(String(cString: strerror(errno)))"])
                usleep(100_000)
                continue
            }
            _ = fcntl(connection, F_SETFD, FD_CLOEXEC)
            let socket = UnixSocket(descriptor: connection)
            let arrival = state.withLock { state -> WatcherSeats.Arrival in
                let arrival = state.seats.arrive(now: .now)
                switch arrival {
                case .seated(let ticket), .probesOnly(let ticket): state.owing[ticket] = socket
                case .full: break
                }
                return arrival
            }
            switch arrival {
            case .full(let message):
                // Told and closed from this thread, never blocking it: the frame fits in the
                // socket's empty buffer, or is lost with a peer that cannot take it.
                logger.warning("connection refused: no seat left", metadata: ["maxWatchers": "\(state.withLock { $0.seats.capacity })"])
                if let frame = try? WireMessage.error(WireError(.full, "server \(name): \(message)")).frame() {
                    _ = frame.withUnsafeBytes { Glibc.send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
                }
            case .seated(let ticket), .probesOnly(let ticket):
                let thread = Thread { [self] in
                    serve(socket, ticket: ticket)
                    state.withLock { state in
                        state.owing[ticket] = nil
                        state.seats.leave(ticket)
                    }
                }
                thread.name = "hedgetop-watcher"
                thread.start()
            }
        }
    }

    /// Wakes the thread of every connection whose hello is overdue: it tells the peer and closes.
    private func dropOverdue() {
        let late = state.withLock { state in state.seats.overdue(now: .now).compactMap { state.owing[$0] } }
        // Only the reading half: the watcher's thread still sends why it closes.
        for socket in late { _ = Glibc.shutdown(socket.descriptor, Int32(SHUT_RD)) }
    }

    /// One watcher, from handshake to goodbye: this thread reads its commands; another writes.
    private func serve(_ socket: UnixSocket, ticket: Int) {
        let peer: PeerCredentials
        do { peer = try socket.peerCredentials() } catch {
            logger.warning("peer credentials unavailable; connection closed", metadata: ["error": "\(error)"])
            return
        }
        let admission = policy.admit(peer)
        if case .refused(let message) = admission {
            logger.warning("connection refused", metadata: ["uid": "\(peer.uid)", "pid": "\(peer.pid)"])
            socket.send(.error(WireError(.notAllowed, message)))
            return
        }
        socket.setTimeouts(receive: 5, send: 5)
        let hello: WireHello
        do throws(WireError) {
            hello = try handshake(socket)
            let greeting = state.withLock { state in
                state.owing[ticket] = nil
                return state.seats.greet(ticket, probe: hello.probe == true)
            }
            switch greeting {
            case .welcome: break
            case .late: throw WireError(.timeout, "")
            case .full(let message):
                logger.warning("connection refused: no seat left", metadata: ["maxWatchers": "\(state.withLock { $0.seats.capacity })"])
                throw WireError(.full, "server \(name): \(message)")
            }
        } catch {
            var error = error
            if state.withLock({ $0.seats.wasDropped(ticket) }) {
                let timeout = state.withLock { $0.seats.helloTimeout }.components
                let seconds = String(format: "%g", Double(timeout.seconds) + Double(timeout.attoseconds) / 1e18)
                error = WireError(.timeout, "no hello within \(seconds) s; the server \(name) closed the connection")
            }
            if error.code != .full {
                logger.warning("handshake failed; connection closed", metadata: ["uid": "\(peer.uid)", "error": "\(error.message)"])
            }
            socket.send(.error(error))
            return
        }
        if hello.probe == true { return serveProbe(socket, ticket: ticket, peer: peer, client: hello.client) }
        var readOnlyReason: String?
        if case .watcher(let reason) = admission { readOnlyReason = reason }
        if readOnlyReason == nil && hello.readOnly { readOnlyReason = "this watcher attached with --read-only" }
        let interval = Duration.milliseconds(1000 / max(1, min(30, hello.framesPerSecond)))
        let id = state.withLock { state -> Int? in
            guard !state.stopped else { return nil }
            defer { state.nextWatcher += 1 }
            return state.nextWatcher
        }
        guard let id else { return }
        let watcher = Watcher(id: id, socket: socket, readOnlyReason: readOnlyReason, interval: interval, deflate: hello.deflate == true)
        // Counted before it is welcomed: whoever reads the welcome finds it among the watchers.
        state.withLock { $0.watchers[id] = watcher }
        guard socket.send(.welcome(WireWelcome(name: name, readOnly: readOnlyReason != nil, serverPID: getpid(), readOnlyReason: readOnlyReason, watcher: id))) else {
            state.withLock { $0.watchers[id] = nil }
            return
        }
        logger.info("watcher attached", metadata: ["watcher": "\(id)", "uid": "\(peer.uid)", "client": "\(hello.client)", "readOnly": "\(readOnlyReason != nil)"])
        converse(with: watcher, writerName: "hedgetop-watcher-out")
        state.withLock { state in
            state.watchers[id] = nil
            state.routes = state.routes.filter { $0.value.watcher != id }
            state.waiting.removeAll { $0.watcher == id }
            forwardWaiting(&state)
        }
        logger.info("watcher detached", metadata: ["watcher": "\(id)"])
    }

    /// A `status` or `list` probe: the welcome and snapshots like a read-only watcher, without a
    /// watcher's number or seat; its commands, if it sent any, are refused.
    private func serveProbe(_ socket: UnixSocket, ticket: Int, peer: PeerCredentials, client: String) {
        let reason = "a \(client) probe only reads"
        let probe = Watcher(id: 0, socket: socket, readOnlyReason: reason, interval: .seconds(1))
        let admitted = state.withLock { state -> Bool in
            guard !state.stopped else { return false }
            state.probes[ticket] = probe
            return true
        }
        guard admitted else { return }
        defer { state.withLock { _ = $0.probes.removeValue(forKey: ticket) } }
        guard socket.send(.welcome(WireWelcome(name: name, readOnly: true, serverPID: getpid(), readOnlyReason: reason, watcher: nil))) else { return }
        logger.debug("probe attached", metadata: ["uid": "\(peer.uid)", "client": "\(client)"])
        converse(with: probe, writerName: "hedgetop-probe-out")
    }

    /// Snapshots out on a thread of their own, commands in on this one, until the client goes.
    /// Reads wait as long as the client likes; writes to a client that stopped reading give up
    /// after a minute and close it.
    private func converse(with watcher: Watcher, writerName: String) {
        watcher.socket.setTimeouts(receive: 0, send: 60)
        let writer = Thread { [self] in writeLoop(watcher) }
        writer.name = writerName
        writer.start()
        readLoop(watcher)
        watcher.close()
    }

    /// Sends waiting commands to the engine while fewer than `commandsInFlight` are unanswered.
    private func forwardWaiting(_ state: inout State) {
        while state.routes.count < Self.commandsInFlight, !state.waiting.isEmpty {
            let (watcher, command) = state.waiting.removeFirst()
            guard state.watchers[watcher] != nil else { continue }
            let engineID = commands.send(command.action, to: command.strategy)
            state.routes[engineID] = (watcher, command.id)
        }
    }

    /// The first frame must be a `hello` of this protocol's version.
    private func handshake(_ socket: UnixSocket) throws(WireError) -> WireHello {
        guard let payload = try socket.readFrame(limit: WireProtocol.maxClientFrame) else {
            throw WireError(.malformed, "the connection closed before hello")
        }
        guard let probe = WireMessage.helloVersion(payload), probe.magic == WireProtocol.magic else {
            throw WireError(.malformed, "the first frame must be a hedgetop hello")
        }
        guard probe.version == WireProtocol.version else {
            throw WireError(.version, "protocol version \(probe.version) is not spoken here: server \(name) speaks version \(WireProtocol.version); attach with the same hedgetop version as the server")
        }
        let message = try WireMessage.decode(payload)
        guard message.type == .hello, let hello = message.hello else { throw WireError(.malformed, "the first frame must be hello") }
        return hello
    }

    private func readLoop(_ watcher: Watcher) {
        while true {
            let message: WireMessage?
            do {
                message = try watcher.socket.readMessage(limit: WireProtocol.maxClientFrame)
            } catch {
                logger.warning("bad frame; watcher closed", metadata: ["watcher": "\(watcher.id)", "error": "\(error.message)"])
                watcher.socket.send(.error(error))
                return
            }
            guard let message else { return }
            guard message.type == .command, let command = message.command else {
                let error = WireError(.malformed, "a watcher may send only commands after hello, not \(message.type.rawValue)")
                logger.warning("bad frame; watcher closed", metadata: ["watcher": "\(watcher.id)", "error": "\(error.message)"])
                watcher.socket.send(.error(error))
                return
            }
            if let reason = watcher.readOnlyReason {
                watcher.post(CommandAcknowledgement(commandID: command.id, accepted: false, message: "read-only watcher: \(reason)",
                                                    namesCommand: false, time: .wallClockNow()))
                continue
            }
            state.withLock { state in
                state.waiting.append((watcher.id, command))
                forwardWaiting(&state)
            }
        }
    }

    private func writeLoop(_ watcher: Watcher) {
        var sent: UInt64 = 0
        /// What this watcher has: the next frame is a delta from it (nil: a full snapshot).
        var base: EngineSnapshot?
        /// This watcher's own deflate stream, when it asked for one.
        let deflater = watcher.deflate ? WireDeflater() : nil
        var lastSent = ContinuousClock.now.advanced(by: .seconds(-60))
        while !watcher.isClosed {
            watcher.waitForWork()
            if let farewell = watcher.farewell {
                // The server is stopping: the goodbye only (`stop` cuts it short if it blocks).
                if !farewell.isEmpty { _ = watcher.socket.write(farewell) }
                return watcher.close()
            }
            for acknowledgement in watcher.takeAcknowledgements() {
                guard watcher.socket.send(.acknowledgement(acknowledgement)) else { return watcher.close() }
            }
            let due = lastSent.advanced(by: watcher.interval)
            let now = ContinuousClock.now
            if now < due {
                // Not this watcher's turn yet: wait, then send whatever is newest by then.
                let wait = now.duration(to: due)
                usleep(UInt32(max(1, wait.components.attoseconds / 1_000_000_000_000 + wait.components.seconds * 1_000_000)))
            }
            guard let (sequence, snapshot, frame) = frame(after: sent, base: base) else { continue }
            guard watcher.socket.write(deflater.map { WireFrame.deflated(frame, with: $0) } ?? frame) else { return watcher.close() }
            sent = sequence
            base = snapshot
            lastSent = ContinuousClock.now
        }
    }

    /// A watcher whose snapshot is older than this (data time) gets a full snapshot again: a
    /// delta over so long would carry nearly everything anyway.
    static let fullSnapshotAfter = Duration.seconds(60)

    /// The newest snapshot as a frame if it is newer than `sequence`: a delta from `base` (the
    /// snapshot that was latest at `sequence`) when the watcher has one recent enough, else the
    /// whole snapshot; each encoded at most once.
    private func frame(after sequence: UInt64, base: EngineSnapshot?) -> (UInt64, EngineSnapshot, [UInt8])? {
        let (latest, current, cached, cachedDelta) = state.withLock { ($0.latest, $0.sequence, $0.encoded, $0.encodedDelta) }
        guard let latest, current > sequence else { return nil }
        if let base, latest.time >= base.time, latest.time - base.time <= Self.fullSnapshotAfter {
            if let cachedDelta, cachedDelta.base == sequence, cachedDelta.sequence == current { return (current, latest, cachedDelta.frame) }
            if let frame = try? WireMessage.delta(SnapshotDelta(from: base, to: latest)).frame() {
                state.withLock { state in
                    if (state.encodedDelta?.sequence ?? 0) <= current { state.encodedDelta = (sequence, current, frame) }
                }
                return (current, latest, frame)
            }
        }
        if let cached, cached.sequence == current { return (current, latest, cached.frame) }
        guard let frame = try? WireMessage.snapshot(latest).frame() else { return nil }
        state.withLock { state in
            if (state.encoded?.sequence ?? 0) < current { state.encoded = (current, frame) }
        }
        return (current, latest, frame)
    }
}

/// One attached watcher: its socket, its rights, and its mailbox of acknowledgements.
final class Watcher: Sendable {
    let id: Int
    let socket: UnixSocket
    /// Why its commands are refused; nil for the owner steering.
    let readOnlyReason: String?
    let interval: Duration
    /// Its snapshot frames go deflated (it said so in its hello).
    let deflate: Bool
    private let mailbox = Mutex<(acknowledgements: [CommandAcknowledgement], closed: Bool, farewell: [UInt8]?)>(([], false, nil))
    private let bell = DispatchSemaphore(value: 0)

    init(id: Int, socket: UnixSocket, readOnlyReason: String?, interval: Duration, deflate: Bool = false) {
        self.deflate = deflate
        self.id = id
        self.socket = socket
        self.readOnlyReason = readOnlyReason
        self.interval = interval
    }

    var isClosed: Bool { mailbox.withLock { $0.closed } }

    func post(_ acknowledgement: CommandAcknowledgement) {
        mailbox.withLock { $0.acknowledgements.append(acknowledgement) }
        bell.signal()
    }

    func wake() { bell.signal() }

    /// The server is stopping: the writer sends `frame` (the goodbye) instead of anything else,
    /// then closes.
    func bidFarewell(_ frame: [UInt8]) {
        mailbox.withLock { $0.farewell = frame }
        bell.signal()
    }

    /// The goodbye to send, once the server is stopping.
    var farewell: [UInt8]? { mailbox.withLock { $0.farewell } }

    func waitForWork() { _ = bell.wait(timeout: .now() + .milliseconds(500)) }

    func takeAcknowledgements() -> [CommandAcknowledgement] {
        mailbox.withLock { box in
            defer { box.acknowledgements.removeAll() }
            return box.acknowledgements
        }
    }

    func close() {
        let first = mailbox.withLock { box in
            defer { box.closed = true }
            return !box.closed
        }
        if first { socket.shutdown() }
        bell.signal()
    }
}
