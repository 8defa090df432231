import HedgeCore

/// A paper venue: fills market orders against the current top of book with the contract's fees,
/// keeps balances per settlement asset and positions per contract, and refuses what a real
/// venue would refuse (lot, tick, minimum notional, reduce-only, margin).
///
/// With only the top of book known, a market order larger than the displayed size fills the
/// displayed size at the best price and the rest one tick worse (NautilusTrader's model).
public struct SimulatedVenue: Sendable {
    public struct Settings: Sendable, Hashable {
        /// One-way latency between the strategy and the venue.
        public var latency: Duration = .milliseconds(4)
        /// Uniform extra latency, drawn from the seeded generator.
        public var jitter: Duration = .milliseconds(3)
        public var seed: UInt64 = 7
        /// Wallet balance per settlement asset at start.
        public var balances: [String: FixedDecimal] = ["USDT": 1_000_000, "USD": 1_000_000, "BTC": 20, "ETH": 300]
        /// Reject the next N orders (fault injection).
        public var rejectNext = 0

        public init() {}
    }

    public let name: String
    public private(set) var settings: Settings
    public private(set) var contracts: [InstrumentID: ContractSpec]
    public private(set) var books: [InstrumentID: Quote] = [:]
    public private(set) var positions: [InstrumentID: Position] = [:]
    public private(set) var balances: [String: FixedDecimal]
    private var random: SeededRandom
    private var fillCount = 0

    public init(name: String, contracts: [ContractSpec], settings: Settings = Settings()) {
        self.name = name
        self.settings = settings
        self.contracts = Dictionary(uniqueKeysWithValues: contracts.map { ($0.id, $0) })
        self.balances = settings.balances
        self.random = SeededRandom(seed: settings.seed)
        for contract in contracts { positions[contract.id] = Position(spec: contract) }
    }

    /// The delay before an order reaches the venue, or a report reaches the strategy.
    public mutating func nextLatency() -> Duration {
        let jitter = settings.jitter.nanosecondsClamped
        let extra = jitter > 0 ? Int64(random.unit() * Double(jitter)) : 0
        return .nanoseconds(settings.latency.nanosecondsClamped + extra)
    }

    /// Market data moves the book.
    public mutating func onMarket(_ event: MarketEvent) {
        if case .quote(let id, let quote) = event, contracts[id] != nil, quote.defect == nil {
            books[id] = quote
        }
    }

    /// Makes the next `count` orders fail, as a venue under stress would.
    public mutating func injectRejections(_ count: Int) { settings.rejectNext += count }

    /// Executes an order that has reached the venue: all its updates, in order.
    public mutating func execute(_ order: OrderRequest, at now: Timestamp) -> [OrderUpdate] {
        if let reason = refusal(order) { return [.rejected(order.id, reason: reason)] }
        guard let spec = contracts[order.instrument], let book = books[order.instrument] else {
            return [.rejected(order.id, reason: "no market for \(order.instrument)")]
        }
        var updates: [OrderUpdate] = [.accepted(order.id)]
        let shown = book.size(toTake: order.side)
        let top = book.price(toTake: order.side)
        var slices: [(price: FixedDecimal, quantity: FixedDecimal)] = []
        if order.quantity <= shown {
            slices.append((top, order.quantity))
        } else {
            let rest = (try? order.quantity - shown) ?? .zero
            let worse = (try? (order.side == .buy ? top + spec.tickSize : top - spec.tickSize)) ?? top
            if shown.isPositive { slices.append((top, shown)) }
            if rest.isPositive && worse.isPositive { slices.append((worse, rest)) }
        }
        var remaining = order.quantity
        for slice in slices {
            guard let fee = try? spec.fee(quantity: slice.quantity, price: slice.price, liquidity: .taker) else { continue }
            fillCount += 1
            let fill = Fill(orderID: order.id, side: order.side, price: slice.price, quantity: slice.quantity,
                            fee: fee, liquidity: .taker, time: now)
            record(fill, spec: spec)
            remaining = (try? remaining - slice.quantity) ?? .zero
            updates.append(.filled(fill, remaining: remaining))
        }
        if remaining.isPositive {
            updates.append(.cancelled(order.id, filled: (try? order.quantity - remaining) ?? .zero, reason: "IOC remainder"))
        }
        return updates
    }

    /// Cancels an order. Market orders finish at once here, so there is never anything to cancel.
    public func cancel(_ id: OrderID) -> [OrderUpdate] { [] }

    /// Why the venue refuses `order`, in its own words, or nil.
    private mutating func refusal(_ order: OrderRequest) -> String? {
        if settings.rejectNext > 0 {
            settings.rejectNext -= 1
            return "rejected by fault injection"
        }
        guard let spec = contracts[order.instrument] else { return "unknown symbol \(order.instrument.symbol)" }
        guard let book = books[order.instrument] else { return "no market data for \(order.instrument.symbol)" }
        if let problem = spec.violation(quantity: order.quantity, price: book.price(toTake: order.side)) { return problem }
        let position = positions[order.instrument] ?? Position(spec: spec)
        if order.reduceOnly {
            let reduces = !position.isFlat && position.quantity.isPositive == (order.side == .sell)
                && order.quantity <= position.quantity.magnitude
            if !reduces { return "reduce-only order would increase the position" }
        } else {
            let margin = marginStatus(asset: spec.settlementAsset)
            let notional = (try? spec.settlementNotional(quantity: order.quantity, price: book.mid)) ?? .max
            let required = (try? notional.multiplied(by: spec.initialMarginRate, rounding: .up)) ?? .max
            if required > margin.available {
                return "insufficient margin: needs \(required) \(spec.settlementAsset), \(margin.available) free"
            }
        }
        return nil
    }

    /// Applies a fill to the position and the wallet (realised PnL minus fee).
    private mutating func record(_ fill: Fill, spec: ContractSpec) {
        var position = positions[spec.id] ?? Position(spec: spec)
        let realised = (try? position.apply(fill)) ?? .zero
        positions[spec.id] = position
        let balance = balances[spec.settlementAsset] ?? .zero
        balances[spec.settlementAsset] = (try? balance + realised - fill.fee) ?? balance
    }

    /// Free margin and margin ratio of the account that settles in `asset`, at the books' mids.
    public func marginStatus(asset: String) -> MarginStatus {
        var equity = balances[asset] ?? .zero
        var initial = FixedDecimal.zero
        var maintenance = FixedDecimal.zero
        for (id, position) in positions where !position.isFlat && position.spec.settlementAsset == asset {
            guard let mark = books[id]?.mid,
                  let upnl = try? position.unrealisedPnL(mark: mark),
                  let notional = try? position.spec.settlementNotional(quantity: position.quantity.magnitude, price: mark),
                  let im = try? notional.multiplied(by: position.spec.initialMarginRate, rounding: .up),
                  let mm = try? notional.multiplied(by: position.spec.maintenanceMarginRate, rounding: .up) else { continue }
            equity = (try? equity + upnl) ?? equity
            initial = (try? initial + im) ?? initial
            maintenance = (try? maintenance + mm) ?? maintenance
        }
        let available = (try? equity - initial) ?? .zero
        let ratio = equity.isPositive ? maintenance.doubleValue / equity.doubleValue : (maintenance.isZero ? 0 : 1)
        return MarginStatus(available: available, marginRatio: ratio)
    }
}
