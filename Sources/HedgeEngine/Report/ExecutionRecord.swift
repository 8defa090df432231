import HedgeCore

/// Every execution of a run as a quant's report shows it: one row per order execution (the
/// venue's fills of one order at one time, one per book level walked), each cycle's PnL split
/// into legs, fees and funding, each strategy's equity curve and its time in the market.
/// Bounded by what the strategies do (orders, cycles, time holding), not by market data.
public struct ExecutionRecord: Sendable {
    /// One order execution: the fills of one order at one venue time, added up.
    public struct FillRow: Sendable, Hashable, Codable {
        public var strategy: String
        /// The cycle (1-based, as the report numbers them) the execution belongs to; nil for one
        /// made while no cycle had begun or ended yet (the run stopped while opening).
        public var cycle: Int?
        /// When the venue executed it (venue time).
        public var time: Timestamp
        public var orderID: String
        public var leg: Leg
        public var instrument: String
        /// Why the order was sent (open, hedge, adjust, close, flatten), or what closed the
        /// position without an order (liquidation, settlement).
        public var purpose: String
        public var side: Side
        public var quantity: FixedDecimal
        /// In the quote currency (USD or USDT): qty × size × price, or contracts × face value.
        public var notional: FixedDecimal
        public var vwap: FixedDecimal
        /// Book levels the order took from (the venue's fills at distinct prices).
        public var levels: Int
        /// In `feeAsset`, the contract's settlement asset; negative is a rebate.
        public var fee: FixedDecimal
        public var feeAsset: String
        public var liquidity: Liquidity
        /// The leg's price to take (ask to buy, bid to sell) the strategy saw when it sent the
        /// order; nil for a venue's own closure.
        public var decisionPrice: FixedDecimal?
        /// How much worse than the decision price the VWAP was, in bps of the decision price
        /// (positive: paid more to buy, got less to sell).
        public var slippageBps: FixedDecimal?
    }

    /// One leg's part of a cycle's result, in its settlement asset, and the price it is valued at.
    public struct LegResult: Sendable, Hashable, Codable {
        public var leg: Leg
        public var instrument: String
        public var asset: String
        /// Realised price PnL before fees.
        public var realised: FixedDecimal
        public var fees: FixedDecimal
        public var funding: FixedDecimal
        /// USD per unit of `asset` the amounts are valued at (1 for USD and USDT): the leg's mark,
        /// else its mid, when the cycle closed, as the cycle's net is.
        public var usdPrice: FixedDecimal
    }

    /// A closed cycle's result split into its parts, in USD.
    public struct CycleResult: Sendable, Hashable, Codable {
        public var number: Int
        /// Price PnL of both legs before fees: `net + fees − funding`, so the parts add up to the
        /// net exactly (each leg's realised PnL valued at `usdPrice` agrees to 1e-8).
        public var legsPnL: FixedDecimal
        public var fees: FixedDecimal
        public var funding: FixedDecimal
        /// The cycle's net, as the strategy worked it out when it closed.
        public var net: FixedDecimal
        public var legs: [LegResult]
    }

    /// A point of a strategy's equity curve: its net PnL in USD at a time.
    public struct EquityPoint: Sendable, Hashable, Codable {
        public var time: Timestamp
        public var net: FixedDecimal
    }

    /// What is kept per strategy (by the engine's strategy index).
    struct StrategyLedger: Sendable {
        var rows: [FillRow] = []
        /// Each order's purpose and decision price, from when it was sent.
        var sent: [OrderID: (purpose: OrderPurpose, decision: FixedDecimal?)] = [:]
        /// The row an order's next fill at the same time adds to, with the row's running Σ q×p.
        var openRow: [OrderID: (row: Int, priceQuantity: FixedDecimal, prices: Set<FixedDecimal>)] = [:]
        var seenTrades = Set<TradeKey>()
        var cyclesBegun = 0
        var openCycle: Int?
        var rowsWithoutCycle: [Int] = []
        /// Each leg's cumulative realised, fees and funding at the last cycle's close.
        var lastClose = PerLeg<Totals>(repeating: Totals())
        var cycles: [CycleResult] = []
        var equity: [EquityPoint] = []
        /// Beside `equity`: whether each point is a mark (true) or an event's (false).
        var isMark: [Bool] = []
        /// The last mark's time, how many marks `equity` holds, and their least spacing.
        var lastMarkAt: Timestamp?
        var markInterval: Int64 = ExecutionRecord.markIntervalNanoseconds
        var markPoints = 0
        var inMarketSince: Timestamp?
        var inMarket: Duration = .zero
    }

    struct TradeKey: Hashable, Sendable {
        var leg: Leg
        var id: UInt64
    }

    /// A leg's running totals in its settlement asset.
    struct Totals: Sendable, Hashable {
        var realised: FixedDecimal = .zero
        var fees: FixedDecimal = .zero
        var funding: FixedDecimal = .zero
    }

    /// Between events a strategy's equity is marked when it changed, at the engine's drawdown
    /// sampling (every 100 ms of data time): an open spread moves it, and so does coin-settled
    /// PnL valued at the latest price.
    static let markIntervalNanoseconds: Int64 = DrawdownSampling.intervalNanoseconds
    /// Beyond this many mark points a strategy's marks are thinned (every other one dropped) and
    /// their spacing doubled, so a replay of months stays in bounded memory. Points at fills,
    /// funding and cycle ends are always kept (they are bounded by what the strategy does).
    static let markPointLimit = 50_000

    var ledgers: [StrategyLedger] = []

    public init() {}

    mutating func ledger(_ strategy: Int) -> Int {
        while ledgers.count <= strategy { ledgers.append(StrategyLedger()) }
        return strategy
    }

    /// An order left for its venue: its purpose and the price the strategy decided on.
    mutating func sent(_ order: OrderRequest, strategy: Int, decisionPrice: FixedDecimal?) {
        let index = ledger(strategy)
        ledgers[index].sent[order.id] = (order.purpose, decisionPrice)
    }

    /// A fill the strategy has applied: added to its order's row at the same venue time, or a new row.
    mutating func filled(_ fill: Fill, strategy: Int, name: String, leg: Leg, spec: ContractSpec, purpose closure: String? = nil) {
        let index = ledger(strategy)
        if let id = fill.tradeID, !ledgers[index].seenTrades.insert(TradeKey(leg: leg, id: id)).inserted { return }
        let notional = (try? spec.quoteNotional(quantity: fill.quantity, price: fill.price)) ?? .zero
        let priceQuantity = (try? fill.quantity.multiplied(by: fill.price)) ?? .zero
        if closure == nil, let open = ledgers[index].openRow[fill.orderID], ledgers[index].rows[open.row].time == fill.time {
            var row = ledgers[index].rows[open.row]
            let sum = (try? open.priceQuantity + priceQuantity) ?? open.priceQuantity
            var prices = open.prices
            prices.insert(fill.price)
            row.quantity = (try? row.quantity + fill.quantity) ?? row.quantity
            row.notional = (try? row.notional + notional) ?? row.notional
            row.fee = (try? row.fee + fill.fee) ?? row.fee
            row.levels = prices.count
            row.vwap = (try? sum.divided(by: row.quantity)) ?? row.vwap
            row.slippageBps = Self.slippage(side: row.side, vwap: row.vwap, decision: row.decisionPrice)
            ledgers[index].rows[open.row] = row
            ledgers[index].openRow[fill.orderID] = (open.row, sum, prices)
            return
        }
        let sent = ledgers[index].sent[fill.orderID]
        let decision = closure == nil ? sent?.decision : nil
        let row = FillRow(strategy: name, cycle: ledgers[index].openCycle, time: fill.time, orderID: fill.orderID.rawValue, leg: leg,
                          instrument: spec.id.description, purpose: closure ?? sent?.purpose.rawValue ?? "unknown", side: fill.side,
                          quantity: fill.quantity, notional: notional, vwap: fill.price, levels: 1, fee: fill.fee,
                          feeAsset: spec.settlementAsset, liquidity: fill.liquidity, decisionPrice: decision,
                          slippageBps: Self.slippage(side: fill.side, vwap: fill.price, decision: decision))
        ledgers[index].rows.append(row)
        let rowIndex = ledgers[index].rows.count - 1
        if closure == nil { ledgers[index].openRow[fill.orderID] = (rowIndex, priceQuantity, [fill.price]) }
        if row.cycle == nil { ledgers[index].rowsWithoutCycle.append(rowIndex) }
    }

    /// Slippage of `vwap` against `decision` in bps of `decision`, positive when worse.
    static func slippage(side: Side, vwap: FixedDecimal, decision: FixedDecimal?) -> FixedDecimal? {
        guard let decision, decision.isPositive, let difference = try? vwap - decision,
              let bps = try? FixedDecimal.mulDiv(difference, 10_000, decision) else { return nil }
        return side == .buy ? bps : bps.negated
    }

    /// Whether the strategy holds a position now, after a fill: time in the market runs while it does.
    mutating func holding(_ holds: Bool, strategy: Int, at time: Timestamp) {
        let index = ledger(strategy)
        if holds, ledgers[index].inMarketSince == nil {
            ledgers[index].inMarketSince = time
        } else if !holds, let since = ledgers[index].inMarketSince {
            ledgers[index].inMarket += time - since
            ledgers[index].inMarketSince = nil
        }
    }

    /// A cycle began (both legs hedged): the executions that opened it are its own.
    mutating func cycleOpened(strategy: Int) {
        let index = ledger(strategy)
        ledgers[index].cyclesBegun += 1
        ledgers[index].openCycle = ledgers[index].cyclesBegun
        claimRowsWithoutCycle(index)
    }

    /// A cycle ended with `net` USD (one that failed while opening ends without having begun):
    /// its split from each leg's totals since the previous close, valued at `prices`.
    mutating func cycleClosed(strategy: Int, net: FixedDecimal, positions: PerLeg<Position>, prices: PerLeg<FixedDecimal?>) {
        let index = ledger(strategy)
        let number: Int
        if let open = ledgers[index].openCycle {
            number = open
        } else {
            ledgers[index].cyclesBegun += 1
            number = ledgers[index].cyclesBegun
            ledgers[index].openCycle = number
        }
        claimRowsWithoutCycle(index)
        ledgers[index].openCycle = nil
        var legs: [LegResult] = []
        var fees = FixedDecimal.zero, funding = FixedDecimal.zero
        for leg in Leg.allCases {
            let position = positions[leg]
            let before = ledgers[index].lastClose[leg]
            let now = Totals(realised: position.realisedPnL, fees: position.feesPaid, funding: position.funding)
            ledgers[index].lastClose[leg] = now
            let price: FixedDecimal = position.spec.margining == .inverse ? (prices[leg] ?? .zero) : 1
            let result = LegResult(leg: leg, instrument: position.spec.id.description, asset: position.spec.settlementAsset,
                                   realised: (try? now.realised - before.realised) ?? .zero,
                                   fees: (try? now.fees - before.fees) ?? .zero,
                                   funding: (try? now.funding - before.funding) ?? .zero, usdPrice: price)
            legs.append(result)
            fees = (try? fees + result.fees.multiplied(by: price)) ?? fees
            funding = (try? funding + result.funding.multiplied(by: price)) ?? funding
        }
        let legsPnL = (try? net + fees - funding) ?? net
        ledgers[index].cycles.append(CycleResult(number: number, legsPnL: legsPnL, fees: fees, funding: funding, net: net, legs: legs))
    }

    private mutating func claimRowsWithoutCycle(_ index: Int) {
        guard let number = ledgers[index].openCycle else { return }
        for row in ledgers[index].rowsWithoutCycle { ledgers[index].rows[row].cycle = number }
        ledgers[index].rowsWithoutCycle.removeAll()
    }

    /// An equity point at an event (a fill, funding, a cycle's end): always kept.
    mutating func equity(_ net: FixedDecimal, strategy: Int, at time: Timestamp) {
        let index = ledger(strategy)
        if let last = ledgers[index].equity.last, last.time == time {
            let lastIndex = ledgers[index].equity.count - 1
            ledgers[index].equity[lastIndex].net = net
            if ledgers[index].isMark[lastIndex] {
                ledgers[index].isMark[lastIndex] = false
                ledgers[index].markPoints -= 1
            }
        } else {
            ledgers[index].equity.append(EquityPoint(time: time, net: net))
            ledgers[index].isMark.append(false)
        }
    }

    /// A mark between events: kept when the net changed since the last point, at most one per
    /// interval (the drawdown sampling's, doubled each time the marks are thinned).
    mutating func mark(_ net: FixedDecimal, strategy: Int, at time: Timestamp) {
        let index = ledger(strategy)
        if ledgers[index].equity.last?.net ?? .zero == net { return }
        if let last = ledgers[index].lastMarkAt, time.nanoseconds &- last.nanoseconds < ledgers[index].markInterval { return }
        if ledgers[index].markPoints >= Self.markPointLimit { thinMarks(index) }
        ledgers[index].equity.append(EquityPoint(time: time, net: net))
        ledgers[index].isMark.append(true)
        ledgers[index].lastMarkAt = time
        ledgers[index].markPoints += 1
    }

    /// Drops every other mark (event points stay) and doubles the marks' spacing.
    private mutating func thinMarks(_ index: Int) {
        var equity: [EquityPoint] = [], isMark: [Bool] = []
        var marksSeen = 0
        for (point, mark) in zip(ledgers[index].equity, ledgers[index].isMark) {
            if mark {
                marksSeen += 1
                if marksSeen % 2 == 1 { continue }
            }
            equity.append(point)
            isMark.append(mark)
        }
        ledgers[index].equity = equity
        ledgers[index].isMark = isMark
        ledgers[index].markPoints = isMark.filter { $0 }.count
        ledgers[index].markInterval = ledgers[index].markInterval &* 2
    }

    /// The strategy's executions, cycle results, equity and time holding a position up to `end`.
    func outcome(strategy: Int, end: Timestamp) -> (rows: [FillRow], cycles: [CycleResult], equity: [EquityPoint], inMarket: Duration, markSpacing: Duration) {
        guard strategy < ledgers.count else { return ([], [], [], .zero, .nanoseconds(Self.markIntervalNanoseconds)) }
        let ledger = ledgers[strategy]
        var inMarket = ledger.inMarket
        if let since = ledger.inMarketSince, end > since { inMarket += end - since }
        return (ledger.rows, ledger.cycles, ledger.equity, inMarket, .nanoseconds(ledger.markInterval))
    }
}
