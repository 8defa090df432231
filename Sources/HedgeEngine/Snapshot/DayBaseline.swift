import HedgeCore

/// Each strategy's PnL when "today" began, so the desk can show what today added: taken at
/// 00:00 UTC by the engine's clock (data time in a replay), or at a restart later in the day
/// when the journal holds trades from before it (their PnL at midnight is then unknown).
public struct DayBaseline: Sendable, Hashable, Codable {
    /// Net and realised PnL (USD) of one strategy at `from`.
    public struct Mark: Sendable, Hashable, Codable {
        public var net: FixedDecimal
        public var realised: FixedDecimal

        public init(net: FixedDecimal, realised: FixedDecimal) {
            self.net = net
            self.realised = realised
        }

        public static let zero = Mark(net: .zero, realised: .zero)
    }

    /// Where "today" starts: 00:00 UTC, or a restart later that day.
    public var from: Timestamp
    /// By strategy name; a strategy with no mark yet (no prices when the day began) adds
    /// nothing to today until it has one.
    public var marks: [String: Mark]

    public init(from: Timestamp, marks: [String: Mark]) {
        self.from = from
        self.marks = marks
    }

    /// Whether `from` is the day's start: "today" then means the whole UTC day.
    public var coversWholeDay: Bool { from == Self.startOfDay(from) }

    static let dayLength = Duration.seconds(86_400)

    /// 00:00 UTC of `time`'s day.
    public static func startOfDay(_ time: Timestamp) -> Timestamp {
        let day = Int64(86_400) * 1_000_000_000
        let (quotient, remainder) = time.nanoseconds.quotientAndRemainder(dividingBy: day)
        return Timestamp(nanoseconds: (remainder < 0 ? quotient - 1 : quotient) * day)
    }

    /// 00:00 UTC of the day after `time`'s: when the baseline is taken again.
    public static func nextDay(after time: Timestamp) -> Timestamp {
        startOfDay(time) + dayLength
    }
}
