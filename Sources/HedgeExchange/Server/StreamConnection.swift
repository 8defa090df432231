import NIOCore
import Synchronization
import HummingbirdWebSocket
import NIOWebSocket

/// What a subscription is for: a symbol's channel. Client names map onto it (every Binance
/// diff-depth speed is the one recorded depth stream).
struct SubscriptionKey: Hashable, Sendable {
    var symbol: String
    var channel: TapeChannel
}

/// One client WebSocket: its subscriptions and the task that plays the tape to it.
///
/// Every data frame is written by `play`, so a snapshot queued by a subscribe request (Bybit)
/// goes out before the updates that follow it; replies to requests are written by the reading
/// task before the subscription takes effect.
final class StreamConnection: Sendable {
    let market: VenueMarket
    let outbound: WebSocketOutboundWriter
    let channel: any Channel
    /// How a tape message reads on this connection under the name the client subscribed with.
    let frame: @Sendable (TapeMessage, String) -> String

    private struct State {
        var subscriptions: [SubscriptionKey: String] = [:]
        /// Frames to write before the next tape message, each with the subscription it starts.
        var pending: [(text: String, key: SubscriptionKey?, name: String?)] = []
        /// A jump forward the next time the loop runs (a Bybit snapshot taken at a later position).
        var jump: Int?
    }

    private let state = Mutex(State())

    init(market: VenueMarket, outbound: WebSocketOutboundWriter, channel: any Channel,
         frame: @escaping @Sendable (TapeMessage, String) -> String) {
        self.market = market
        self.outbound = outbound
        self.channel = channel
        self.frame = frame
    }

    func subscribe(_ key: SubscriptionKey, as name: String) {
        state.withLock { $0.subscriptions[key] = name }
    }

    func unsubscribe(_ key: SubscriptionKey) {
        state.withLock { _ = $0.subscriptions.removeValue(forKey: key) }
    }

    var subscriptionNames: [String] { state.withLock { Array($0.subscriptions.values) } }

    func isSubscribed(_ key: SubscriptionKey) -> Bool { state.withLock { $0.subscriptions[key] != nil } }

    /// Queues `text` for the play loop; with `key`, the subscription starts right after it, from
    /// tape position `jump` when given.
    func enqueue(_ text: String, starting key: SubscriptionKey? = nil, as name: String? = nil, from jump: Int? = nil) {
        state.withLock { state in
            state.pending.append((text, key, name))
            if let jump { state.jump = max(state.jump ?? 0, jump) }
        }
    }

    /// Closes with a close frame (1000 and the like).
    /// A client that never answers it (one that lost the frame, or stopped reading) would
    /// otherwise hold the connection open forever, the server waiting for its reply: as servers
    /// do (RFC 6455 7.1.1), the TCP connection is dropped once `handshakeGrace` has passed.
    func close(code: WebSocketErrorCode, reason: String, handshakeGrace: TimeAmount = .seconds(5)) async {
        try? await outbound.close(code, reason: reason)
        let channel = self.channel
        channel.eventLoop.scheduleTask(in: handshakeGrace) { channel.close(mode: .all, promise: nil) }
    }

    /// Drops the TCP connection without a close frame: the client sees 1006.
    func drop() {
        channel.close(mode: .all, promise: nil)
    }

    /// Plays the tape from position `start` until the connection ends or is cancelled.
    func play(from start: Int) async throws {
        let tape = market.tape
        let paced = market.clock.speed != nil
        var cursor = start
        while !Task.isCancelled {
            try await flushPending(&cursor)
            if let until = market.faults.silentUntil {
                try await Task.sleep(until: min(until, .now + .milliseconds(50)))
                // A silent venue's messages are lost; when paced, it resumes at the clock.
                if paced, market.faults.silentUntil == nil, let now = market.clockPosition() { cursor = max(cursor, now) }
                continue
            }
            guard cursor < tape.messages.count else {
                try await Task.sleep(for: .milliseconds(20))
                continue
            }
            if !paced && state.withLock({ $0.subscriptions.isEmpty }) {
                try await Task.sleep(for: .milliseconds(5))
                continue
            }
            if let due = market.due(cursor), due > .now {
                try await Task.sleep(until: min(due, .now + .milliseconds(50)))
                continue
            }
            let index = cursor
            let message = tape.messages[index]
            cursor += 1
            let name = state.withLock { $0.subscriptions[SubscriptionKey(symbol: message.symbol, channel: message.channel)] }
            guard let name, !market.isSkipped(index) else {
                market.noteHanded(through: cursor, sent: false)
                continue
            }
            if let rate = market.faults.throttle, rate > 0 {
                try await Task.sleep(for: .nanoseconds(Int64(1e9 / rate)))
            }
            // Counted as reached before it is written: a REST snapshot asked for once the client
            // has it must include it.
            market.noteHanded(through: cursor, sent: true)
            try await outbound.write(.text(EventTimeShift.shift(frame(message, name), by: market.eventTimeShift)))
        }
    }

    private func flushPending(_ cursor: inout Int) async throws {
        let (pending, jump) = state.withLock { state in
            let taken = (state.pending, state.jump)
            state.pending = []
            state.jump = nil
            return taken
        }
        if let jump { cursor = max(cursor, jump) }
        for item in pending {
            try await outbound.write(.text(EventTimeShift.shift(item.text, by: market.eventTimeShift)))
            if let key = item.key, let name = item.name { subscribe(key, as: name) }
        }
    }
}
