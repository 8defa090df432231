/// How a contract settles: linear contracts are margined and paid in the quote currency (USDT),
/// inverse contracts in the base coin (BTC) with a fixed USD face value per contract.
public enum Margining: String, Sendable, Hashable, Codable {
    case linear, inverse
}

/// What kind of contract: a perpetual swap (funding), a dated future (expiry), or spot.
public enum ContractKind: Sendable, Hashable, Codable {
    case perpetual
    case dated(expiry: Timestamp)
    case spot

    public var expiry: Timestamp? {
        if case .dated(let expiry) = self { return expiry }
        return nil
    }
}

/// Maker and taker fee rates as fractions of notional; a negative maker rate is a rebate.
public struct FeeSchedule: Sendable, Hashable, Codable {
    public var maker: FixedDecimal
    public var taker: FixedDecimal

    public init(maker: FixedDecimal, taker: FixedDecimal) {
        self.maker = maker
        self.taker = taker
    }

    /// Binance futures' base tier: 0.02 % maker, 0.05 % taker.
    public static let binanceFutures = FeeSchedule(maker: "0.0002", taker: "0.0005")
}

/// Everything about a contract that pricing, sizing and PnL need, as the venue defines it.
public struct ContractSpec: Sendable, Hashable, Codable {
    public var id: InstrumentID
    public var kind: ContractKind
    public var margining: Margining
    /// Linear: base units per contract quantity unit (1 on Binance USD-M). Inverse: USD face
    /// value of one contract (100 for BTCUSD_PERP, 10 for ETHUSD).
    public var contractSize: FixedDecimal
    public var tickSize: FixedDecimal
    public var lotStep: FixedDecimal
    public var minQuantity: FixedDecimal
    /// Minimum order notional in the quote currency (0 when the venue sets none).
    public var minNotional: FixedDecimal
    /// The largest quantity of one order (Binance LOT_SIZE maxQty, Bybit maxOrderQty); nil when
    /// the venue sets none. A larger order is split into child orders (`childQuantities`).
    public var maxQuantity: FixedDecimal?
    /// The largest quantity of one market order (Binance MARKET_LOT_SIZE maxQty, Bybit
    /// maxMktOrderQty, Bybit spot maxMarketOrderQty); nil when the venue sets none.
    public var maxMarketQuantity: FixedDecimal?
    /// The largest notional of one order in the quote currency (Bybit spot maxOrderAmt); nil
    /// when the venue sets none.
    public var maxNotional: FixedDecimal?
    public var baseAsset: String
    public var quoteAsset: String
    public var settlementAsset: String
    /// Time between funding payments on a perpetual (nil for dated and spot).
    public var fundingInterval: Duration?
    public var fees: FeeSchedule
    public var initialMarginRate: FixedDecimal
    public var maintenanceMarginRate: FixedDecimal

    public init(
        id: InstrumentID, kind: ContractKind, margining: Margining, contractSize: FixedDecimal,
        tickSize: FixedDecimal, lotStep: FixedDecimal, minQuantity: FixedDecimal? = nil,
        minNotional: FixedDecimal = .zero, maxQuantity: FixedDecimal? = nil, maxMarketQuantity: FixedDecimal? = nil,
        maxNotional: FixedDecimal? = nil, baseAsset: String, quoteAsset: String,
        settlementAsset: String, fundingInterval: Duration? = nil,
        fees: FeeSchedule = .binanceFutures, initialMarginRate: FixedDecimal = "0.05",
        maintenanceMarginRate: FixedDecimal = "0.025"
    ) {
        self.id = id
        self.kind = kind
        self.margining = margining
        self.contractSize = contractSize
        self.tickSize = tickSize
        self.lotStep = lotStep
        self.minQuantity = minQuantity ?? lotStep
        self.minNotional = minNotional
        self.maxQuantity = maxQuantity
        self.maxMarketQuantity = maxMarketQuantity
        self.maxNotional = maxNotional
        self.baseAsset = baseAsset
        self.quoteAsset = quoteAsset
        self.settlementAsset = settlementAsset
        self.fundingInterval = fundingInterval
        self.fees = fees
        self.initialMarginRate = initialMarginRate
        self.maintenanceMarginRate = maintenanceMarginRate
    }

    /// A price rounded to the tick (`.down` for a bid you would pay, `.up` for an ask).
    func roundPrice(_ price: FixedDecimal, _ rounding: RoundingMode = .halfEven) throws(DecimalError) -> FixedDecimal {
        try price.rounded(toMultipleOf: tickSize, rounding)
    }

    /// A quantity rounded to the lot step.
    func roundQuantity(_ quantity: FixedDecimal, _ rounding: RoundingMode = .down) throws(DecimalError) -> FixedDecimal {
        try quantity.rounded(toMultipleOf: lotStep, rounding)
    }

    /// Notional in the quote currency (USD or USDT) of `quantity` at `price`.
    /// Linear: qty × size × price. Inverse: contracts × face value, whatever the price.
    public func quoteNotional(quantity: FixedDecimal, price: FixedDecimal) throws(DecimalError) -> FixedDecimal {
        switch margining {
        case .linear:
            return try quantity.multiplied(by: contractSize).multiplied(by: price)
        case .inverse:
            return try quantity.multiplied(by: contractSize)
        }
    }

    /// Exposure in the base coin of `quantity` at `price`.
    /// Linear: qty × size. Inverse: contracts × face value / price (it drifts as price moves).
    func baseExposure(quantity: FixedDecimal, price: FixedDecimal) throws(DecimalError) -> FixedDecimal {
        switch margining {
        case .linear:
            return try quantity.multiplied(by: contractSize)
        case .inverse:
            return try FixedDecimal.mulDiv(quantity, contractSize, price)
        }
    }

    /// The contract quantity whose base exposure at `price` is `base`, rounded to the lot step.
    public func quantity(forBase base: FixedDecimal, price: FixedDecimal, rounding: RoundingMode) throws(DecimalError) -> FixedDecimal {
        let raw: FixedDecimal
        switch margining {
        case .linear:
            raw = try base.divided(by: contractSize, rounding: .halfEven)
        case .inverse:
            raw = try FixedDecimal.mulDiv(base, price, contractSize, rounding: .halfEven)
        }
        return try roundQuantity(raw, rounding)
    }

    /// Fee for one fill, in the settlement asset: notional × rate (negative = rebate).
    /// Linear: qty × size × price × rate (USDT). Inverse: contracts × face / price × rate (coin).
    public func fee(quantity: FixedDecimal, price: FixedDecimal, liquidity: Liquidity) throws(DecimalError) -> FixedDecimal {
        let rate = liquidity == .maker ? fees.maker : fees.taker
        return try settlementNotional(quantity: quantity, price: price).multiplied(by: rate, rounding: .halfEven)
    }

    /// Notional in the settlement asset: USDT for linear, the coin for inverse.
    public func settlementNotional(quantity: FixedDecimal, price: FixedDecimal) throws(DecimalError) -> FixedDecimal {
        switch margining {
        case .linear: return try quoteNotional(quantity: quantity, price: price)
        case .inverse: return try baseExposure(quantity: quantity, price: price)
        }
    }

    /// Why an order of `quantity` at `price` breaks this contract's filters, or nil when it fits.
    public func violation(quantity: FixedDecimal, price: FixedDecimal?) -> String? {
        if !quantity.isPositive { return "quantity \(quantity) must be positive" }
        if !quantity.isMultiple(of: lotStep) { return "quantity \(quantity) is not a multiple of the lot step \(lotStep)" }
        if quantity < minQuantity { return "quantity \(quantity) is below the minimum \(minQuantity)" }
        if let price {
            if !price.isPositive { return "price \(price) must be positive" }
            if !price.isMultiple(of: tickSize) { return "price \(price) is not a multiple of the tick \(tickSize)" }
            if minNotional.isPositive, let notional = try? quoteNotional(quantity: quantity, price: price), notional < minNotional {
                return "notional \(notional) is below the minimum \(minNotional)"
            }
        }
        return nil
    }
}

/// Whether a fill added liquidity (maker) or took it (taker).
public enum Liquidity: String, Sendable, Hashable, Codable {
    case maker, taker
}
