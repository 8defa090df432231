import HedgeCore

/// A paper venue. It keeps a book per instrument from market data (depth when the feed sends it,
/// else the top of book), matches market orders by walking the levels and rests limit orders until
/// the market crosses them, charges maker and taker fees, keeps balances per settlement asset with
/// cross or isolated margin, pays funding, settles dated futures at expiry, liquidates when the
/// mark crosses the liquidation price, and refuses what a real venue would refuse. Faults
/// (rejections, delays, dropped answers, stale data, outages) come from a seeded `FaultPlan`.
///
/// It is a value: the engine owns it and calls it in data-time order.
public struct SimulatedVenue: Sendable {
    public struct Settings: Sendable, Hashable {
        /// One-way latency of orders and of the venue's answers.
        public var orderLatency = LatencyModel(base: .milliseconds(4), jitter: .uniform(.milliseconds(3)))
        /// Delay between the venue's event time and the strategy seeing the market data.
        public var marketDataLatency = LatencyModel(base: .milliseconds(1), jitter: .uniform(.milliseconds(2)))
        public var seed: UInt64 = 7
        /// Wallet balance per settlement asset at start.
        public var balances: [String: FixedDecimal] = ["USDT": 1_000_000, "USD": 1_000_000, "BTC": 20, "ETH": 300]
        /// Margin mode per instrument; cross when absent.
        public var marginModes: [InstrumentID: MarginMode] = [:]
        /// Binance PERCENT_PRICE: a limit price must lie within these multiples of the mark.
        public var priceBandLower: FixedDecimal = "0.85"
        public var priceBandUpper: FixedDecimal = "1.15"
        /// Faults to inject.
        public var faults = FaultPlan.none
        /// Levels each book keeps a side at most (a replay's `[replay] max_book_levels`): deeper
        /// ones are dropped, and a market order that walks past the deepest kept level fills its
        /// rest one tick beyond it rather than being cut short by the bound.
        public var maxBookLevels = SimulatedBook.defaultMaxLevels

        public init() {}
    }

    /// How a position is margined: from the whole account (cross) or from margin set aside for it.
    public enum MarginMode: String, Sendable, Hashable, Codable {
        case cross, isolated
    }

    /// An order as the venue remembers it, so a cancel of a finished order can answer the truth.
    struct OrderRecord: Sendable {
        enum Status: Sendable { case working, filled, cancelled, rejected }
        var request: OrderRequest
        var status: Status
        var filled: FixedDecimal = .zero
        /// Everything reported after acceptance, in order.
        var history: [OrderUpdate] = []
        var delivery: AnswerDelivery
        var sequence: UInt64

        var remaining: FixedDecimal { (try? request.quantity - filled) ?? .zero }
    }

    /// A funding payment announced by the feed and not yet paid.
    struct PendingFunding: Sendable {
        var rate: FixedDecimal
        var due: Timestamp
    }

    public let name: String
    public private(set) var settings: Settings
    public private(set) var contracts: [InstrumentID: ContractSpec]
    public internal(set) var books = InstrumentTable<SimulatedBook>()
    /// The venue's mark price per instrument (from `.mark`; else the book's mid is used).
    public internal(set) var marks = InstrumentTable<FixedDecimal>()
    public internal(set) var positions: [InstrumentID: Position] = [:] {
        didSet { positionRevision &+= 1 }
    }
    /// Counts changes to `positions`, so the engine checks them against the strategies only when
    /// they may have moved.
    public private(set) var positionRevision: UInt64 = 0
    /// Whether any contract is dated (has an expiry): without one and with no funding pending,
    /// nothing settles on its own and `nextSettlementTime` is nil at once.
    let hasDatedContracts: Bool
    /// Wallet balance per settlement asset (isolated margin included).
    public internal(set) var balances: [String: FixedDecimal]
    /// Margin set aside for each isolated position.
    internal(set) var isolatedMargin: [InstrumentID: FixedDecimal] = [:]
    /// Dated contracts already settled.
    public internal(set) var expired: Set<InstrumentID> = [] {
        didSet { nextSettlementTime = earliestSettlementTime() }
    }
    var orders: [OrderID: OrderRecord] = [:]
    /// Resting limit orders, oldest first.
    var resting: [OrderID] = []
    var pendingFunding: [InstrumentID: PendingFunding] = [:] {
        didSet { nextSettlementTime = earliestSettlementTime() }
    }
    /// The next time something settles on its own (a funding time, an expiry), if any. Kept up to
    /// date as funding is announced and contracts expire: the engine asks for it per event.
    public private(set) var nextSettlementTime: Timestamp?
    var faultState: FaultState
    private var orderRandom: SeededRandom
    private var marketRandom: SeededRandom
    /// `settings`' latencies in whole nanoseconds (settings are fixed at start).
    private let orderLatency: LatencySampler
    private let marketDataLatency: LatencySampler
    var tradeCount: UInt64 = 0
    /// The instrument of the last market data, known to be one of `contracts` (fixed at start): a
    /// run of quotes on it skips that lookup.
    private var lastMarketInstrument: InstrumentID?
    /// The `positionRevision` at which every position was last seen flat: nothing to liquidate
    /// until a position changes.
    private var flatAtRevision: UInt64?
    var orderSequence: UInt64 = 0
    var now: Timestamp = .zero

    public init(name: String, contracts: [ContractSpec], settings: Settings = Settings()) {
        self.name = name
        self.settings = settings
        self.contracts = Dictionary(uniqueKeysWithValues: contracts.map { ($0.id, $0) })
        self.hasDatedContracts = contracts.contains { $0.kind.expiry != nil }
        self.balances = settings.balances
        self.orderRandom = SeededRandom(seed: settings.seed)
        self.marketRandom = SeededRandom(seed: settings.seed &* 0x9E37_79B9 &+ 1)
        self.orderLatency = LatencySampler(settings.orderLatency)
        self.marketDataLatency = LatencySampler(settings.marketDataLatency)
        self.faultState = FaultState(settings.faults)
        for contract in contracts { positions[contract.id] = Position(spec: contract) }
        self.nextSettlementTime = earliestSettlementTime()
    }

    /// The delay before an order reaches the venue, or an answer reaches the strategy.
    public mutating func nextLatency() -> Duration {
        .nanoseconds(orderLatency.sample(&orderRandom))
    }

    /// The delay before the strategy sees a piece of market data.
    mutating func nextMarketDataLatency() -> Duration {
        .nanoseconds(nextMarketDataLatencyNanoseconds())
    }

    /// `nextMarketDataLatency()` in whole nanoseconds, for the per-quote path.
    mutating func nextMarketDataLatencyNanoseconds() -> Int64 {
        marketDataLatency.sample(&marketRandom)
    }

    /// Makes the next `count` orders fail, as a venue under stress would.
    mutating func injectRejections(_ count: Int) { faultState.rejectNext += count }

    /// The margin mode of an instrument.
    public func marginMode(_ id: InstrumentID) -> MarginMode { settings.marginModes[id] ?? .cross }

    /// The mark price: the venue's mark when the feed sends one, else the book's mid.
    public func markPrice(_ id: InstrumentID) -> FixedDecimal? { marks[id] ?? books[id]?.mid }

    /// Whether the strategy should not see this market data (a stale-data fault).
    func withholdsFromStrategy(_ event: MarketEvent) -> Bool {
        faultState.isStale(event.instrument, at: event.time, forVenue: false)
    }

    /// `withholdsFromStrategy(_:)` for market data on `id` at `time`.
    func withholdsFromStrategy(_ id: InstrumentID, at time: Timestamp) -> Bool {
        faultState.isStale(id, at: time, forVenue: false)
    }

    /// Whether the venue is down at `time` (an outage fault).
    func isDown(at time: Timestamp) -> Bool { faultState.isDown(at: time) }

    /// Market data moves the book, the marks and the funding schedule; resting orders that the
    /// market crosses fill, and positions whose liquidation price the mark crosses are closed.
    /// Returns what the strategies must be told.
    @discardableResult
    public mutating func onMarket(_ event: MarketEvent) -> [VenueReport] {
        if case .quote(let id, let quote) = event { return onQuote(quote, of: id) }
        var reports = advance(to: event.time)
        let id = event.instrument
        if id != lastMarketInstrument {
            guard contracts[id] != nil else { return reports }
            lastMarketInstrument = id
        }
        guard expired.isEmpty || !expired.contains(id),
              !faultState.isStale(id, at: event.time, forVenue: true) else { return reports }
        // Only the rarer paths need the spec: fetched there, not copied per quote.
        var spec: ContractSpec { contracts[id]! }
        var markMoved = false
        switch event {
        case .quote:
            return reports
        case .depth(_, let depth):
            guard let top = depth.top, top.defect == nil else { return reports }
            let bound = settings.maxBookLevels
            books[id, default: SimulatedBook(maxLevels: bound)].apply(depth)
            reports += matchResting(id, spec: spec, trade: nil)
            markMoved = marks[id] == nil
        case .bookUpdate(_, let update):
            let bound = settings.maxBookLevels
            books[id, default: SimulatedBook(maxLevels: bound)].apply(update)
            if !resting.isEmpty { reports += matchResting(id, spec: spec, trade: nil) }
            markMoved = marks[id] == nil
        case .trade(_, let trade):
            reports += matchResting(id, spec: spec, trade: trade)
        case .mark(_, let price, _):
            guard price.isPositive else { return reports }
            marks[id] = price
            markMoved = true
        case .fundingRate(_, let rate, let next, _):
            if spec.kind == .perpetual && next > now { pendingFunding[id] = PendingFunding(rate: rate, due: next) }
        }
        if markMoved && hasOpenPosition() {
            let liquidations = checkLiquidation(spec.settlementAsset)
            if !liquidations.isEmpty { reports += liquidations }
        }
        return reports
    }

    /// `onMarket` for a quote: the replay's per-quote path, with no `MarketEvent` to build.
    @discardableResult
    public mutating func onQuote(_ quote: Quote, of id: InstrumentID) -> [VenueReport] {
        var reports: [VenueReport] = []
        // `advance(to:)`, whose settlement loop is entered only when something is due.
        if let due = nextSettlementTime, due <= quote.time {
            reports = advance(to: quote.time)
        } else if quote.time > now {
            now = quote.time
        }
        if id != lastMarketInstrument {
            guard contracts[id] != nil else { return reports }
            lastMarketInstrument = id
        }
        guard expired.isEmpty || !expired.contains(id),
              !faultState.isStale(id, at: quote.time, forVenue: true),
              quote.isUsable else { return reports }
        let bound = settings.maxBookLevels
        books[id, default: SimulatedBook(maxLevels: bound)].apply(quote)
        if !resting.isEmpty { reports += matchResting(id, spec: contracts[id]!, trade: nil) }
        if marks[id] == nil && hasOpenPosition() {
            let liquidations = checkLiquidation(contracts[id]!.settlementAsset)
            if !liquidations.isEmpty { reports += liquidations }
        }
        return reports
    }

    /// The slot of `id`'s book, for `receiveQuote(_:slot:)`; nil when the venue does not list
    /// `id`. The book is made here if it is new (an empty book reads as no book: no top, no mid).
    public mutating func quoteSlot(for id: InstrumentID) -> Int? {
        guard contracts[id] != nil else { return nil }
        if books[id] == nil { books[id] = newBook() }
        return books.index(of: id)
    }

    /// `receiveQuote(_:of:)` for the instrument whose book is at `slot` (from `quoteSlot(for:)`):
    /// while nothing has expired and no fault is planned, the quote goes to its book by index,
    /// with no instrument compared or copied.
    public mutating func receiveQuote(_ quote: Quote, slot: Int)
        -> (reports: [VenueReport], withheld: Bool, latencyNanoseconds: Int64, moved: Bool) {
        guard expired.isEmpty && faultState.plan.faults.isEmpty else { return receiveQuote(quote, of: books.keys[slot]) }
        let revision = positionRevision
        var reports: [VenueReport] = []
        // As `onQuote(_:of:)`, whose remaining checks (expiry, stale data) cannot apply here.
        if let due = nextSettlementTime, due <= quote.time {
            reports = advance(to: quote.time)
        } else if quote.time > now {
            now = quote.time
        }
        if quote.isUsable {
            books[index: slot].apply(quote)
            if !resting.isEmpty || !marks.isEmpty || flatAtRevision != positionRevision {
                let id = books.keys[slot]
                if !resting.isEmpty { reports += matchResting(id, spec: contracts[id]!, trade: nil) }
                if marks[id] == nil && hasOpenPosition() {
                    let liquidations = checkLiquidation(contracts[id]!.settlementAsset)
                    if !liquidations.isEmpty { reports += liquidations }
                }
            }
        }
        let latency = nextMarketDataLatencyNanoseconds()
        return (reports, false, latency, positionRevision != revision)
    }

    /// Everything the engine does with a venue per quote, in one in-place call: `onQuote`, then
    /// whether the strategies must not see the quote (`withholdsFromStrategy`), the market-data
    /// latency drawn for it (none when withheld), and whether a position moved.
    public mutating func receiveQuote(_ quote: Quote, of id: InstrumentID)
        -> (reports: [VenueReport], withheld: Bool, latencyNanoseconds: Int64, moved: Bool) {
        let revision = positionRevision
        let reports = onQuote(quote, of: id)
        let withheld = withholdsFromStrategy(id, at: quote.time)
        let latency = withheld ? 0 : nextMarketDataLatencyNanoseconds()
        return (reports, withheld, latency, positionRevision != revision)
    }

    /// An empty book with the configured bound.
    func newBook() -> SimulatedBook { SimulatedBook(maxLevels: settings.maxBookLevels) }

    /// Levels the books' bound has dropped so far, over all instruments.
    public var droppedBookLevels: Int {
        books.keys.indices.reduce(0) { $0 + books[index: $1].droppedLevels }
    }

    /// Whether any position is open; remembers "all flat" until a position changes.
    private mutating func hasOpenPosition() -> Bool {
        if flatAtRevision == positionRevision { return false }
        if positions.values.contains(where: { !$0.isFlat }) { return true }
        flatAtRevision = positionRevision
        return false
    }
}

/// What the venue tells a strategy without being asked: fills of resting orders, funding,
/// positions it closed.
public enum VenueReport: Sendable, Hashable {
    /// An update of an order (a resting order filled or cancelled), delivered as `delivery` says.
    case order(OrderUpdate, delivery: AnswerDelivery)
    /// Funding paid (negative) or received on the instrument's position at `time`.
    case funding(InstrumentID, amount: FixedDecimal, rate: FixedDecimal, mark: FixedDecimal, time: Timestamp)
    /// The venue closed the instrument's position: liquidation or settlement at expiry.
    case positionClosed(InstrumentID, Fill, PositionClosure)
}
