import HedgeCore

/// What a replay does with a line it cannot use.
public enum BadInputPolicy: Sendable, Hashable {
    /// Skip the line, count it by reason and keep the first few messages for the report.
    case skip
    /// Stop the replay with that line's error.
    case stop
}

/// How a replay reads its files.
public struct ReplayOptions: Sendable, Hashable {
    public var policy: BadInputPolicy
    /// How late (in venue time) an event may arrive within one file and still be put back in
    /// order. Venues interleave streams whose event times are not monotonic (USD-M depth `E` runs
    /// up to 66 ms behind its bookTicker in the 2024 recording), so recordings need some slack;
    /// anything later counts as out of order. nil takes each format's default: 250 ms for Binance,
    /// 3 s for Bybit (its orderbook messages run up to 2.9 s behind the connection's tickers in the
    /// 2026 recording), and strict order for CSV.
    var reorderWindow: Duration?
    /// Messages kept per reason for the report.
    var examplesPerReason: Int
    /// How far (in venue time) one event may run ahead of its file's clock, the newest time read
    /// so far, before the next event must confirm it. An event further ahead is held until the
    /// next one: if that one is at or after it (less the reorder window), the recording really
    /// jumped (a gap) and both are used; if not, the far event is the odd one out and is skipped
    /// as out of order, so one bad time cannot move the clock and make every later row late. A
    /// far event at the end of a file has nothing to contradict it and is used. nil: no check.
    var jumpLimit: Duration?

    public init(policy: BadInputPolicy = .skip, reorderWindow: Duration? = nil, examplesPerReason: Int = 5,
                jumpLimit: Duration? = .seconds(60)) {
        self.policy = policy
        self.reorderWindow = reorderWindow
        self.examplesPerReason = examplesPerReason
        self.jumpLimit = jumpLimit
    }
}

/// A line a replay could not use, with where it is: "usdm.gz:1234: malformed JSON: ...".
public struct ReplayError: Error, Sendable, Hashable, CustomStringConvertible {
    public var file: String
    /// 1-based; 0 when the problem is the file as a whole.
    public var line: Int
    public var fault: MarketDataFault

    public init(file: String, line: Int, fault: MarketDataFault) {
        self.file = file
        self.line = line
        self.fault = fault
    }

    public var description: String { line > 0 ? "\(file):\(line): \(fault)" : "\(file): \(fault)" }
}
