import HedgeCore
import HedgeEngine
import HedgeVenues
import Logging

/// The shell behind a `LiveVenue`: it takes the engine's requests in order from the mailbox,
/// sends them signed through a `LiveOrderClient`, and posts back what the venue answered. An
/// order is followed by queries of its client id until it has ended and every one of its fills
/// (from the venue's trade list, with trade ids and fees) is posted; an order whose answer was
/// lost is found by its client id before anything else is sent, never placed twice.
public actor LiveTrader {
    let mailbox: LiveVenueMailbox
    let client: LiveOrderClient
    let contracts: [InstrumentID: ContractSpec]
    let pause: @Sendable (Duration) async -> Void
    let logger: Logger?
    /// How long, once the mailbox has closed, the orders still followed get to end.
    static let closingGrace = Duration.seconds(10)
    /// How long to wait between queries of an order still working: short at first (a market
    /// order's fills are listed within milliseconds), then longer for one resting on the book.
    static let firstPoll = Duration.milliseconds(20)
    static let longestPoll = Duration.seconds(2)
    /// Each order's place request, so its cancel goes after it, never before (dropped once the
    /// order's follower has ended).
    private var placing: [OrderID: Task<LiveOrderState?, Never>] = [:]
    /// What runs for the orders (followers, cancels, hold timers), each removed when done.
    private var work: [UInt64: Task<Void, Never>] = [:]
    private var workCount: UInt64 = 0
    /// Whether the last request found the venue's order API usable; a failure to reach it or an
    /// order of unknown fate blocks entries until a request succeeds again.
    private var reachable = true
    /// From the market data that led to an order (its receipt) to the order handed, signed, to
    /// the HTTP client; and from there to the venue's answer.
    public private(set) var tickToOrder = LatencyWindow(capacity: 4096)
    public private(set) var orderRoundTrip = LatencyWindow(capacity: 4096)
    /// Counts rate-limit holds, so only the latest one's end makes the venue live again.
    private var holdGeneration: UInt64 = 0

    /// - Parameter pause: how the trader waits between queries (tests pass a shorter one).
    public init(mailbox: LiveVenueMailbox, client: LiveOrderClient, contracts: [ContractSpec], logger: Logger? = nil,
                pause: @escaping @Sendable (Duration) async -> Void = { try? await Task.sleep(for: $0) }) {
        self.logger = logger
        self.mailbox = mailbox
        self.client = client
        self.contracts = Dictionary(contracts.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.pause = pause
    }

    /// Measures the venue's clock and reads the balances, then sends requests until the mailbox
    /// closes or the task is cancelled. The venue reads `.live` only once the clock and the
    /// key have been checked: no order goes out before.
    public func run() async {
        let connected = await connect()
        await withTaskCancellationHandler {
            for await request in mailbox.requests {
                // Closed before the key and clock were checked: nothing goes out blind (the
                // venue state holds these orders; the next start asks the venue about them).
                guard connected else {
                    logger?.warning("\(client.venue.rawValue): not sent at the stop: \(request)")
                    continue
                }
                switch request {
                case .place(let order, let decidedAt):
                    let sent = Task { await self.send(order, decidedAt: decidedAt) }
                    placing[order.id] = sent
                    start {
                        if let state = await sent.value { await self.follow(order, from: state) }
                        await self.forget(order.id)
                    }
                case .cancel(let id, let instrument):
                    let sent = placing[id]
                    start {
                        _ = await sent?.value
                        await self.cancel(id, symbol: instrument.symbol)
                    }
                }
            }
            await finishWork()
        } onCancel: {
            Task { await self.cancelWork() }
        }
    }

    /// Runs `body` as tracked work, dropped from the list when it ends.
    private func start(_ body: @escaping @Sendable () async -> Void) {
        workCount &+= 1
        let key = workCount
        work[key] = Task {
            await body()
            await self.finished(key)
        }
    }

    private func finished(_ key: UInt64) { work[key] = nil }

    private func forget(_ id: OrderID) { placing[id] = nil }

    /// The mailbox has closed: what is still followed gets `closingGrace` to end, then is left
    /// to the next start's recovery (the venue state holds it as working).
    private func finishWork() async {
        let pending = Array(work.values)
        await withTaskGroup(of: Void.self) { group in
            group.addTask { for task in pending { await task.value } }
            group.addTask { [pause] in await pause(Self.closingGrace) }
            await group.next()
            // Whichever came first, what still runs stops now (a follower ends at its next
            // check; a request in flight at its HTTP timeout), so the group can end.
            cancelWork()
            group.cancelAll()
        }
    }

    private func cancelWork() {
        for task in work.values { task.cancel() }
        for task in placing.values { task.cancel() }
    }

    /// Until the clock is measured and the balances read (which checks the key), the venue is
    /// connecting; a wrong key or an unreachable venue is said, and tried again.
    private func connect() async -> Bool {
        var wait = Self.firstPoll * 10
        while !Task.isCancelled && !mailbox.isClosed {
            do throws(LiveOrderFailure) {
                try await client.synchronizeTime()
                let balances = try await client.balances()
                mailbox.post(.balances(balances))
                mailbox.post(.health(.live, detail: nil))
                return true
            } catch {
                logger?.warning("\(client.venue.rawValue): cannot trade yet: \(error)")
                mailbox.post(.health(.down, detail: Self.connectProblem(error)))
                // Waited in short steps, so a stop is seen within a second.
                var waited = Duration.zero
                while waited < wait, !Task.isCancelled, !mailbox.isClosed {
                    await pause(.milliseconds(500))
                    waited += .milliseconds(500)
                }
                wait = min(wait * 2, Self.longestPoll * 5)
            }
        }
        return false
    }

    /// What the venue says of the orders a stop left working and of the positions: asked at a
    /// restart, before recovery trusts the saved books. An order still working is cancelled (no
    /// strategy is waiting for it any more) and read to its end; one neither listed nor in the
    /// trade list never arrived. Throws when the venue cannot be asked: then nothing starts.
    public func reconcile(working orders: [OrderRequest]) async throws(LiveOrderFailure)
        -> (answers: [LiveVenueAnswer], positions: [InstrumentID: VenuePosition], notes: [String]) {
        try await client.synchronizeTime()
        var answers: [LiveVenueAnswer] = []
        var notes: [String] = []
        let venue = client.venue.rawValue
        let since = await client.timestamp() - Self.restartFillWindow
        for order in orders {
            guard let spec = contracts[order.instrument] else { continue }
            var state: LiveOrderState?
            do throws(LiveOrderFailure) {
                state = try await queryArrived(order)
            } catch {
                guard case .rejected(let rejection) = error, rejection.reason == .noSuchOrder else { throw error }
            }
            if let found = state, found.status.isWorking {
                _ = try? await client.cancel(symbol: order.instrument.symbol, clientOrderID: order.id)
                state = try await client.query(symbol: order.instrument.symbol, clientOrderID: order.id)
                notes.append("\(venue): order \(order.id) was still working at the venue: cancelled at restart")
            }
            let fills = try await client.fills(symbol: order.instrument.symbol, since: since)
                .filter { $0.clientOrderID == order.id || (state.map { $0.venueOrderID } == $0.venueOrderID) }
            guard state != nil || !fills.isEmpty else {
                answers.append(.rejected(order.id, reason: "never reached \(venue) (learnt at restart)"))
                notes.append("\(venue): order \(order.id) (\(order.purpose) \(order.side) \(order.quantity) \(order.instrument.symbol)) never reached the venue")
                continue
            }
            answers.append(.accepted(order.id))
            let offset = await client.timeOffset.offsetMillis
            var filled = FixedDecimal.zero
            for fill in fills {
                answers.append(.fill(order.id, execution(fill, spec: spec, offsetMillis: offset)))
                filled = (try? filled + fill.quantity) ?? filled
            }
            if filled < order.quantity {
                answers.append(.ended(order.id, reason: "\(state?.status.rawValue ?? "ended") at the venue while hedgetop was stopped"))
            }
            notes.append("\(venue): order \(order.id) \(filled < order.quantity ? "ended" : "filled") while hedgetop was stopped: \(filled) of \(order.quantity) filled")
            if let executed = state?.executedQuantity, executed != filled {
                notes.append("\(venue): order \(order.id): the venue says \(executed) executed, its trade list of the last 24 h \(filled): the positions below settle it")
            }
        }
        var positions: [InstrumentID: VenuePosition] = [:]
        for id in contracts.keys.sorted(by: { $0.symbol < $1.symbol }) {
            positions[id] = try await client.position(symbol: id.symbol) ?? VenuePosition(symbol: id.symbol, quantity: .zero, entryPrice: .zero)
        }
        return (answers, positions, notes)
    }

    /// How far back a restart reads the trade list for the fills of orders left working.
    static let restartFillWindow: Int64 = 24 * 3_600_000

    /// The order by its client id; "no such order" only once the order could no longer arrive
    /// (a request in flight when hedgetop stopped is accepted until its recvWindow ends).
    private func queryArrived(_ order: OrderRequest) async throws(LiveOrderFailure) -> LiveOrderState {
        do throws(LiveOrderFailure) {
            return try await client.query(symbol: order.instrument.symbol, clientOrderID: order.id)
        } catch {
            guard case .rejected(let rejection) = error, rejection.reason == .noSuchOrder else { throw error }
            await pause(.milliseconds(Int64(client.recvWindowMillis) + 1_000))
            return try await client.query(symbol: order.instrument.symbol, clientOrderID: order.id)
        }
    }

    /// What keeps a venue from trading, in words that stay the same from one retry to the next
    /// (the venue's own message echoes a timestamp), so the event log says it once.
    static func connectProblem(_ error: LiveOrderFailure) -> String {
        guard case .rejected(let rejection) = error else { return "\(error)" }
        let what = switch rejection.reason {
        case .badSignature: "the API secret does not sign as the venue expects (wrong secret?)"
        case .badKey: "the API key is refused (unknown, revoked, or not allowed to trade from this address)"
        case .timestampOutsideWindow: "our clock and the venue's disagree beyond recvWindow"
        default: "refused"
        }
        return "\(rejection.venue.rawValue) code \(rejection.code): \(what)"
    }

    /// Places the order; its state at the venue, or nil when it is settled already (refused,
    /// never sent, never arrived: the venue was told).
    private func send(_ order: OrderRequest, decidedAt: Timestamp) async -> LiveOrderState? {
        guard contracts[order.instrument] != nil else {
            mailbox.post(.rejected(order.id, reason: "\(order.instrument) is not traded on this venue"))
            return nil
        }
        let kind: LiveOrderKind = switch order.type {
        case .market: .market
        case .limit(let price): .limit(price: price, timeInForce: .gtc)
        }
        let live = LiveOrder(clientOrderID: order.id, symbol: order.instrument.symbol, side: order.side, quantity: order.quantity,
                             kind: kind, reduceOnly: order.reduceOnly)
        do throws(LiveOrderFailure) {
            let start = Timestamp.wallClockNow()
            tickToOrder.add(start - decidedAt)
            let state = try await client.place(live)
            orderRoundTrip.add(Timestamp.wallClockNow() - start)
            markReachable(true, detail: nil)
            if state.status == .rejected {
                mailbox.post(.rejected(order.id, reason: "\(order.instrument.venue) rejected the order"))
                return nil
            }
            mailbox.post(.accepted(order.id))
            return state
        } catch {
            switch error {
            case .answerLost, .malformedAnswer:
                return await find(order)
            case .held(let hold, let until):
                logger?.warning("\(order.instrument): order \(order.id) \(error)")
                mailbox.post(.rejected(order.id, reason: "\(error)"))
                holdEntries(hold, until: until)
                return nil
            case .unresolved, .notSent:
                // Not sent: the venue cannot be reached, or an earlier order's fate is unknown.
                // No entry on its legs until a request gets through.
                logger?.warning("\(order.instrument): order \(order.id) \(error)")
                mailbox.post(.rejected(order.id, reason: "\(error)"))
                markReachable(false, detail: "\(error)")
                return nil
            case .rejected, .invalidOrder:
                logger?.warning("\(order.instrument): order \(order.id) \(error)")
                mailbox.post(.rejected(order.id, reason: "\(error)"))
                // A refusal for going too fast (Bybit's 10006) starts a hold too.
                let limits = await client.rateLimits
                if let until = limits.heldUntil(at: LiveOrderClient.systemMillis()), let hold = limits.hold { holdEntries(hold, until: until) }
                return nil
            }
        }
    }

    /// Says when the order API stops or starts answering again (once per change).
    private func markReachable(_ now: Bool, detail: String?) {
        guard now != reachable else { return }
        reachable = now
        mailbox.post(.health(now ? .live : .down, detail: detail))
    }

    /// Fills of `order` in the venue's trade list since `since` (venue time): how an order that
    /// the venue's order query no longer lists (Bybit keeps the latest 500 closed ones) is known
    /// to have executed.
    private func listedFills(of order: OrderRequest, since: Int64) async throws(LiveOrderFailure) -> [VenueFill] {
        try await client.fills(symbol: order.instrument.symbol, since: since).filter { $0.clientOrderID == order.id }
    }

    /// The venue told us to wait (429, 418, a spent budget): its legs take no entry until the time
    /// it gave, and the screen says why and until when; then it is live again.
    private func holdEntries(_ hold: VenueRateLimits.Hold, until: Int64) {
        let words = switch hold {
        case .rateLimited: "rate limited (429)"
        case .banned: "banned for going on after 429s (418)"
        case .budgetSpent: "the request budget is spent"
        }
        // `until` is in our clock (the client's).
        let resume = Timestamp(milliseconds: until)
        mailbox.post(.health(.down, detail: "\(words) until \(CivilTime(resume).clock) UTC"))
        holdGeneration &+= 1
        let generation = holdGeneration
        start { [pause] in
            await pause(resume - Timestamp.wallClockNow())
            await self.liftHold(generation)
        }
    }

    private func liftHold(_ generation: UInt64) {
        guard generation == holdGeneration else { return }
        mailbox.post(.health(.live, detail: nil))
    }

    /// An order whose answer was lost: its client id is queried until the venue says whether it
    /// has it (then it is followed like any other), or it is neither listed nor in the trade list
    /// (then it never arrived and is rejected).
    private func find(_ order: OrderRequest) async -> LiveOrderState? {
        var wait = Self.firstPoll
        while !Task.isCancelled {
            do throws(LiveOrderFailure) {
                let state = try await client.query(symbol: order.instrument.symbol, clientOrderID: order.id)
                mailbox.post(.accepted(order.id))
                return state
            } catch {
                if case .rejected(let rejection) = error, rejection.reason == .noSuchOrder, await client.unknownOrders.isEmpty {
                    let since = await client.timestamp() - LiveOrderClient.fillWindowMargin
                    guard let fills = try? await listedFills(of: order, since: since) else { continue }
                    if fills.isEmpty {
                        mailbox.post(.rejected(order.id, reason: "its answer was lost and the venue has no such order: it never arrived"))
                        return nil
                    }
                    // Executed, though the order query no longer lists it: its fills say how much.
                    let executed = (try? fills.map(\.quantity).sum()) ?? .zero
                    mailbox.post(.accepted(order.id))
                    return LiveOrderState(clientOrderID: order.id, venueOrderID: fills[0].venueOrderID,
                                          status: executed >= order.quantity ? .filled : .canceled, executedQuantity: executed, averagePrice: nil)
                }
            }
            await pause(wait)
            wait = min(wait * 2, Self.longestPoll)
        }
        return nil
    }

    private func cancel(_ id: OrderID, symbol: String) async {
        do throws(LiveOrderFailure) {
            _ = try await client.cancel(symbol: symbol, clientOrderID: id)
        } catch {
            // Already ended, or not found: the order's follower reads how it ended.
        }
    }

    /// Queries the order and posts its fills until it has ended and all of them are posted.
    private func follow(_ order: OrderRequest, from first: LiveOrderState) async {
        guard let spec = contracts[order.instrument] else { return }
        var state = first
        var posted = Set<String>()
        var postedQuantity = FixedDecimal.zero
        // A minute before now in the venue's clock: the trade list is read from there.
        let since = await client.timestamp() - LiveOrderClient.fillWindowMargin
        var wait = Self.firstPoll
        while !Task.isCancelled {
            if state.executedQuantity > postedQuantity || (state.status == .acknowledged) {
                if let fills = try? await client.fills(symbol: order.instrument.symbol, since: since) {
                    let offset = await client.timeOffset.offsetMillis
                    for fill in fills where (fill.clientOrderID == order.id || fill.venueOrderID == state.venueOrderID) && !posted.contains(fill.tradeID) {
                        guard let sum = try? postedQuantity + fill.quantity else { continue }
                        posted.insert(fill.tradeID)
                        postedQuantity = sum
                        mailbox.post(.fill(order.id, execution(fill, spec: spec, offsetMillis: offset)))
                    }
                }
            }
            if !state.status.isWorking && postedQuantity >= state.executedQuantity {
                if state.status != .filled {
                    mailbox.post(.ended(order.id, reason: state.status == .expired ? "expired at the venue" : "cancelled at the venue"))
                }
                if let balances = try? await client.balances() { mailbox.post(.balances(balances)) }
                return
            }
            await pause(wait)
            wait = min(wait * 2, Self.longestPoll)
            if let next = try? await client.query(symbol: order.instrument.symbol, clientOrderID: order.id) { state = next }
        }
    }

    /// A venue fill in our clock, its fee in the contract's settlement asset: a fee paid in
    /// another asset (BNB) is priced by the contract's schedule instead.
    func execution(_ fill: VenueFill, spec: ContractSpec, offsetMillis: Int64) -> LiveExecution {
        let fee = fill.feeAsset == spec.settlementAsset ? fill.fee
            : ((try? spec.fee(quantity: fill.quantity, price: fill.price, liquidity: fill.isMaker ? .maker : .taker)) ?? .zero)
        return LiveExecution(tradeID: fill.tradeID, quantity: fill.quantity, price: fill.price, fee: fee, isMaker: fill.isMaker,
                             time: Timestamp(milliseconds: fill.time - offsetMillis))
    }
}
