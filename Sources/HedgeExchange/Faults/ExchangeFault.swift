import NIOWebSocket

/// A fault the exchange can put a venue under, on command (the control endpoint) or on a schedule.
public enum ExchangeFault: Sendable, Hashable, CustomStringConvertible {
    /// Close every connection: 1000 with a close frame, 1006 by dropping TCP without one.
    case close(code: UInt16)
    /// Send no data for this long (connections stay open; the messages of that time are lost
    /// when paced, so depth streams show a sequence gap afterwards).
    case silence(Duration)
    /// Never send the next `count` depth updates: every client's book meets a sequence gap.
    case skip(count: Int)
    /// Close each new connection at once, before any HTTP, for this long.
    case refuse(Duration)
    /// At most this many messages a second per connection; 0 lifts it.
    case throttle(perSecond: Double)
    /// Close every connection as Binance does when one reaches 24 h (a close frame, 1000).
    case expire
    /// Refuse the next `count` new orders with the venue's order-rejected code.
    case rejectOrders(count: Int)
    /// Answer the next `count` new orders with a 503 (nothing placed).
    case failOrders(count: Int)
    /// Place the next `count` new orders, then close the connection without an answer.
    case dropOrders(count: Int)
    /// Signed requests for this long: the first gets 429 (Bybit: retCode 10006), the ones after
    /// 418 (Bybit: 403), as a venue bans a client that keeps on after being told; Retry-After says
    /// the seconds left.
    case rateLimit(Duration)

    /// Parses `close=1006`, `silence=10`, `skip=1`, `refuse=5`, `throttle=50`, `expire` (seconds
    /// for durations).
    public init(parsing text: String) throws(FaultSyntaxError) {
        let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
        let kind = parts[0]
        let argument = parts.count > 1 ? parts[1] : nil
        func number() throws(FaultSyntaxError) -> Double {
            guard let argument, let value = Double(argument), value >= 0, value.isFinite else {
                throw FaultSyntaxError("'\(text)': \(kind) needs a number of seconds or a rate, e.g. \(kind)=5")
            }
            return value
        }
        switch kind {
        case "close":
            let code = argument ?? "1000"
            guard code == "1000" || code == "1006" else { throw FaultSyntaxError("'\(text)': close takes 1000 (a close frame) or 1006 (dropped without one)") }
            self = .close(code: UInt16(code)!)
        case "silence": self = .silence(.milliseconds(Int64(try number() * 1000)))
        case "skip":
            let count = argument.map { Int($0) } ?? 1
            guard let count, count > 0 else { throw FaultSyntaxError("'\(text)': skip takes a count of depth updates, e.g. skip=1") }
            self = .skip(count: count)
        case "refuse": self = .refuse(.milliseconds(Int64(try number() * 1000)))
        case "throttle": self = .throttle(perSecond: try number())
        case "expire": self = .expire
        case "reject", "fail", "drop":
            let count = argument.map { Int($0) } ?? 1
            guard let count, count > 0 else { throw FaultSyntaxError("'\(text)': \(kind) takes a count of orders, e.g. \(kind)=1") }
            self = kind == "reject" ? .rejectOrders(count: count) : kind == "fail" ? .failOrders(count: count) : .dropOrders(count: count)
        case "ratelimit": self = .rateLimit(.milliseconds(Int64(try number() * 1000)))
        default:
            throw FaultSyntaxError("'\(text)': unknown fault '\(kind)'; one of close=1000|1006, silence=S, skip=N, refuse=S, throttle=PER_SECOND, expire, reject=N, fail=N, drop=N, ratelimit=S")
        }
    }

    public var description: String {
        switch self {
        case .close(let code): "close=\(code)"
        case .silence(let duration): "silence=\(duration.components.seconds)"
        case .skip(let count): "skip=\(count)"
        case .refuse(let duration): "refuse=\(duration.components.seconds)"
        case .throttle(let rate): "throttle=\(rate)"
        case .expire: "expire"
        case .rejectOrders(let count): "reject=\(count)"
        case .failOrders(let count): "fail=\(count)"
        case .dropOrders(let count): "drop=\(count)"
        case .rateLimit(let duration): "ratelimit=\(duration.components.seconds)"
        }
    }

    /// Puts `market` under the fault now; returns what was done, for the log and the reply.
    @discardableResult
    func apply(to market: VenueMarket) async -> String {
        switch self {
        case .close(let code):
            let connections = market.connections
            for connection in connections {
                if code == 1006 { connection.drop() } else { await connection.close(code: .normalClosure, reason: "closed by the local exchange (fault)") }
            }
            return "\(market.venue): closed \(connections.count) connection(s) with \(code)"
        case .silence(let duration):
            market.faults.silence(for: duration)
            return "\(market.venue): silent for \(duration)"
        case .skip(let count):
            let indexes = market.skipDepth(count: count)
            return "\(market.venue): \(indexes.count) depth update(s) will not be sent (tape positions \(indexes.map(String.init).joined(separator: ",")))"
        case .refuse(let duration):
            market.faults.refuse(for: duration)
            return "\(market.venue): refusing connections for \(duration)"
        case .throttle(let rate):
            market.faults.setThrottle(rate > 0 ? rate : nil)
            return rate > 0 ? "\(market.venue): at most \(rate) messages/s per connection" : "\(market.venue): throttle lifted"
        case .expire:
            let connections = market.connections
            for connection in connections { await connection.close(code: .normalClosure, reason: "connection reached 24 hours") }
            return "\(market.venue): expired \(connections.count) connection(s) (the 24 h close)"
        case .rejectOrders(let count):
            market.orderFaults.rejectNext(count)
            return "\(market.venue): the next \(count) order(s) will be rejected"
        case .failOrders(let count):
            market.orderFaults.failNext(count)
            return "\(market.venue): the next \(count) order(s) will meet a 503"
        case .dropOrders(let count):
            market.orderFaults.dropNext(count)
            return "\(market.venue): the next \(count) order(s) will be placed and their answer lost"
        case .rateLimit(let duration):
            market.orderFaults.limit(for: duration)
            return "\(market.venue): signed requests rate-limited for \(duration) (429, then 418)"
        }
    }
}

/// A fault scheduled from the command line: `AT@VENUE:FAULT`, AT in seconds after playback
/// starts, VENUE a venue name or `all` (`30@binance-usdm:close=1006`).
public struct ScheduledFault: Sendable, Hashable {
    public var after: Duration
    /// nil: every venue.
    public var venue: ExchangeVenue?
    public var fault: ExchangeFault

    public init(parsing text: String) throws(FaultSyntaxError) {
        let example = "e.g. 30@binance-usdm:close=1006 or 60@all:silence=10"
        guard let at = text.firstIndex(of: "@"), let colon = text[at...].firstIndex(of: ":") else {
            throw FaultSyntaxError("'\(text)': expected AT@VENUE:FAULT (\(example))")
        }
        guard let seconds = Double(text[..<at]), seconds >= 0, seconds.isFinite else {
            throw FaultSyntaxError("'\(text)': AT is seconds after playback starts (\(example))")
        }
        let venueName = String(text[text.index(after: at)..<colon])
        if venueName == "all" { venue = nil } else {
            guard let named = ExchangeVenue(rawValue: venueName) else {
                throw FaultSyntaxError("'\(text)': unknown venue '\(venueName)'; one of \(ExchangeVenue.allCases.map(\.rawValue).joined(separator: ", ")), all")
            }
            venue = named
        }
        after = .milliseconds(Int64(seconds * 1000))
        fault = try ExchangeFault(parsing: String(text[text.index(after: colon)...]))
    }
}

/// A fault written wrongly, said so it can be fixed.
public struct FaultSyntaxError: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
