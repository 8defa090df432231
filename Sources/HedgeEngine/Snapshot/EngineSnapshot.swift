import HedgeCore
import HedgeVenues

/// Everything the screen shows, frozen at one instant. Immutable and `Sendable`: the engine
/// publishes one after each burst of events and never waits for anyone to read it.
public struct EngineSnapshot: Sendable, Hashable, Codable {
    /// Increases by one with each snapshot the engine publishes.
    public var sequence: UInt64
    /// The engine's clock: wall time when paper or live trading, data time in a replay.
    public var time: Timestamp
    public var mode: RunMode
    public var strategies: [StrategySnapshot]
    public var venues: [VenueStatus]
    /// The newest entries last; bounded.
    public var log: [LogEntry]
    /// Acknowledgements of recent commands, newest last.
    public var acknowledgements: [CommandAcknowledgement]
    /// The portfolio limits in force.
    public var limits: PortfolioLimits
    /// Totals over every strategy (nil from a server that predates it).
    public var desk: DeskSummary?
    /// Kill switches fired since the engine started (nil from a server that predates it).
    public var killSwitch: KillSwitchTally?
    /// Each live market-data connection's health (LIVE-PAPER); nil or empty otherwise.
    public var feeds: [FeedHealth]?

    public init(sequence: UInt64, time: Timestamp, mode: RunMode, strategies: [StrategySnapshot],
                venues: [VenueStatus], log: [LogEntry], acknowledgements: [CommandAcknowledgement] = [],
                limits: PortfolioLimits = .none, desk: DeskSummary? = nil, killSwitch: KillSwitchTally? = nil,
                feeds: [FeedHealth]? = nil) {
        self.killSwitch = killSwitch
        self.feeds = feeds
        self.limits = limits
        self.desk = desk
        self.sequence = sequence
        self.time = time
        self.mode = mode
        self.strategies = strategies
        self.venues = venues
        self.log = log
        self.acknowledgements = acknowledgements
    }
}

/// Paper trading on the simulated market, replaying recorded data, or live.
public enum RunMode: String, Sendable, Hashable, Codable {
    case paper, replay, live
    /// Live market data, orders filled by the simulated venue against the live book.
    case livePaper = "live-paper"
}

/// One leg: its contract, the latest quote, and the position held.
public struct LegSnapshot: Sendable, Hashable, Codable {
    public var instrument: InstrumentID
    public var margining: Margining
    public var settlementAsset: String
    public var quote: Quote?
    /// Signed contract quantity (long > 0).
    public var quantity: FixedDecimal
    public var averageEntry: FixedDecimal
    public var mark: FixedDecimal?
    /// In the settlement asset.
    public var unrealisedPnL: FixedDecimal
    public var realisedPnL: FixedDecimal
    public var fees: FixedDecimal
    public var funding: FixedDecimal
    /// Isolated-margin liquidation estimate, when a position is open.
    public var liquidationPrice: FixedDecimal?
    /// The account behind this leg as the venue last reported it.
    public var margin: MarginStatus?
    /// The contract's price tick, so prices show to it (nil from a server that predates it).
    public var tickSize: FixedDecimal?
    /// The contract's quantity step, so quantities show to it as fills do ("0.810", not "0.81";
    /// nil from a server that predates it).
    public var lotStep: FixedDecimal?
    /// How old the leg's market data is, against its venue's limit; nil when not known (a
    /// snapshot from an older server).
    public var freshness: LegFreshness?
    /// The contract's base asset (BTC), for the desk's exposure per asset.
    public var baseAsset: String?
    /// The position in the base coin, signed, at the mark (`Position.baseExposure`: an inverse
    /// leg's USD contracts become coins); nil with no price, or from an older server.
    public var baseExposure: FixedDecimal?

    public init(instrument: InstrumentID, margining: Margining, settlementAsset: String, quote: Quote?,
                quantity: FixedDecimal, averageEntry: FixedDecimal, mark: FixedDecimal?,
                unrealisedPnL: FixedDecimal, realisedPnL: FixedDecimal, fees: FixedDecimal,
                funding: FixedDecimal, liquidationPrice: FixedDecimal?, margin: MarginStatus? = nil,
                tickSize: FixedDecimal? = nil, lotStep: FixedDecimal? = nil, freshness: LegFreshness? = nil,
                baseAsset: String? = nil, baseExposure: FixedDecimal? = nil) {
        self.lotStep = lotStep
        self.baseAsset = baseAsset
        self.baseExposure = baseExposure
        self.tickSize = tickSize
        self.margin = margin
        self.freshness = freshness
        self.instrument = instrument
        self.margining = margining
        self.settlementAsset = settlementAsset
        self.quote = quote
        self.quantity = quantity
        self.averageEntry = averageEntry
        self.mark = mark
        self.unrealisedPnL = unrealisedPnL
        self.realisedPnL = realisedPnL
        self.fees = fees
        self.funding = funding
        self.liquidationPrice = liquidationPrice
    }
}

/// PnL of one strategy valued in USD (inverse legs converted at their mark). Exact decimals.
public struct PnLSummary: Sendable, Hashable, Codable {
    public var realised: FixedDecimal
    public var unrealised: FixedDecimal
    public var fees: FixedDecimal
    public var funding: FixedDecimal
    /// realised + unrealised + funding − fees.
    public var net: FixedDecimal

    public init(realised: FixedDecimal, unrealised: FixedDecimal, fees: FixedDecimal, funding: FixedDecimal, net: FixedDecimal) {
        self.realised = realised
        self.unrealised = unrealised
        self.fees = fees
        self.funding = funding
        self.net = net
    }

    public static let zero = PnLSummary(realised: .zero, unrealised: .zero, fees: .zero, funding: .zero, net: .zero)
}

/// A point of a chart series. `Double` is fine here: charts are pictures, not money.
public struct SeriesPoint: Sendable, Hashable, Codable {
    public var time: Timestamp
    public var value: Double

    public init(time: Timestamp, value: Double) {
        self.time = time
        self.value = value
    }
}

/// Where the strategy entered or exited, drawn on the spread chart.
public struct ChartMarker: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable { case entry, exit }
    public var time: Timestamp
    public var kind: Kind
    public var spreadBps: Double
    /// For an entry, the leg that was rich (sold): A when the spread was above fair. The legend
    /// tells the two apart; nil for exits (and from a server that predates it).
    public var richLeg: Leg?

    public init(time: Timestamp, kind: Kind, spreadBps: Double, richLeg: Leg? = nil) {
        self.richLeg = richLeg
        self.time = time
        self.kind = kind
        self.spreadBps = spreadBps
    }
}

/// A working order.
public struct OrderSnapshot: Sendable, Hashable, Codable {
    public var id: OrderID
    public var leg: Leg
    public var instrument: InstrumentID
    public var side: Side
    public var quantity: FixedDecimal
    public var filled: FixedDecimal
    public var purpose: OrderPurpose
    public var sentAt: Timestamp

    public init(id: OrderID, leg: Leg, instrument: InstrumentID, side: Side, quantity: FixedDecimal,
                filled: FixedDecimal, purpose: OrderPurpose, sentAt: Timestamp) {
        self.id = id
        self.leg = leg
        self.instrument = instrument
        self.side = side
        self.quantity = quantity
        self.filled = filled
        self.purpose = purpose
        self.sentAt = sentAt
    }
}

/// A venue's connection as the header shows it.
public struct VenueStatus: Sendable, Hashable, Codable {
    public var name: String
    public var connected: Bool
    /// Median order round trip over the recent orders to this venue, when any were sent.
    public var latencyMillis: Double?
    /// 99th percentile of the same.
    public var latencyP99Millis: Double?
    /// How long the stalest leg traded on this venue has had no market data, when any leg is
    /// past its limit; nil while every leg is fresh. Connected is not the same as live.
    public var staleFor: Duration?
    /// Orders sent to this venue since the engine started; counters for monitoring.
    public var ordersSent: Int
    /// Orders for this venue answered with a rejection: by the venue, or by the engine before
    /// sending (safe mode, no intent journaled).
    public var ordersRejected: Int
    /// Live, connecting, stale or down (nil from a server that predates it).
    public var condition: VenueCondition?
    /// Since the venue's last message (a quote, an answer); nil before the first, or from an
    /// older server.
    public var lastMessageAge: Duration?

    public init(name: String, connected: Bool, latencyMillis: Double?, latencyP99Millis: Double? = nil,
                ordersSent: Int = 0, ordersRejected: Int = 0, staleFor: Duration? = nil,
                condition: VenueCondition? = nil, lastMessageAge: Duration? = nil) {
        self.condition = condition
        self.lastMessageAge = lastMessageAge
        self.staleFor = staleFor
        self.latencyP99Millis = latencyP99Millis
        self.ordersSent = ordersSent
        self.ordersRejected = ordersRejected
        self.name = name
        self.connected = connected
        self.latencyMillis = latencyMillis
    }
}

/// One line of the event log.
public struct LogEntry: Sendable, Hashable, Codable {
    public enum Severity: String, Sendable, Hashable, Codable, Comparable {
        case info, notice, warning, error

        private var rank: Int {
            switch self {
            case .info: 0
            case .notice: 1
            case .warning: 2
            case .error: 3
            }
        }

        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
    }

    /// Increases by one per entry, so a reader can tell which lines it has already seen.
    public var id: UInt64
    public var time: Timestamp
    public var severity: Severity
    /// The strategy it concerns, if any.
    public var strategy: String?
    /// The engine's words: "pause accepted: no new spreads".
    public var text: String
    /// The command this line answers, by the engine's id (a strategy's answer, or the engine's
    /// refusal): the server finds the line for a watcher's command by it.
    public var commandID: UInt64?
    /// The watcher whose command this line answers, when a server names it for every watcher.
    public var watcher: Int?

    /// What the log shows: the words, then the watcher that sent the command, if named.
    public var message: String {
        guard let watcher else { return text }
        return "\(text) (watcher \(watcher))"
    }

    public init(id: UInt64 = 0, time: Timestamp, severity: Severity, strategy: String?, message: String,
                commandID: UInt64? = nil, watcher: Int? = nil) {
        self.id = id
        self.time = time
        self.severity = severity
        self.strategy = strategy
        self.text = message
        self.commandID = commandID
        self.watcher = watcher
    }
}

/// The answer to a command from the screen: from the strategy it reached, or from whoever
/// refused it on the way (the engine, the server, the watcher's own connection).
public struct CommandAcknowledgement: Sendable, Hashable, Codable {
    public var commandID: UInt64
    /// The strategy that answered; nil when the command never reached one.
    public var strategy: String?
    public var accepted: Bool
    /// The answer in its answerer's words: "close accepted", "close refused: nothing open",
    /// "read-only watcher: attached with --read-only".
    public var message: String
    /// Whether `message` begins with the command it answers (a strategy's or the engine's
    /// answer), or only says why the command went no further (a server or connection refusal).
    public var namesCommand: Bool
    public var time: Timestamp

    /// What the status line shows: the answering strategy, then its words.
    public var text: String {
        guard let strategy else { return message }
        return "\(strategy): \(message)"
    }

    public init(commandID: UInt64, strategy: String? = nil, accepted: Bool, message: String, namesCommand: Bool = true, time: Timestamp) {
        self.commandID = commandID
        self.strategy = strategy
        self.accepted = accepted
        self.message = message
        self.namesCommand = namesCommand
        self.time = time
    }
}
