import HedgeCore

/// Why an order request did not give an answer, and whether it may have reached the venue.
/// Messages name venues, ids and codes, never a key's secret or a signed query.
public enum LiveOrderFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// The venue answered with a refusal.
    case rejected(VenueRejection)
    /// Not sent: the venue told us to wait (429, 418, spent budget) until this Unix millisecond.
    case held(VenueRateLimits.Hold, until: Int64)
    /// Not sent: earlier orders on this venue have an unknown fate that could not be resolved yet.
    case unresolved([OrderID])
    /// Sent, perhaps, and no answer: an order request's order is now unknown until queried.
    case answerLost(OrderID?, String)
    /// Not sent: the connection failed first.
    case notSent(String)
    /// Not sent: the order cannot be expressed on this venue.
    case invalidOrder(String)
    /// The venue answered something hedgetop cannot read.
    case malformedAnswer(String)

    public var description: String {
        switch self {
        case .rejected(let rejection): rejection.description
        case .held(let hold, let until): "not sent: \(hold.rawValue) until \(until) (Unix ms)"
        case .unresolved(let ids): "not sent: the fate of \(ids.map(\.rawValue).joined(separator: ", ")) is unknown; it is being queried first"
        case .answerLost(let id?, let why): "order \(id) unknown: \(why); it will be queried before anything else is sent"
        case .answerLost(nil, let why): "no answer: \(why)"
        case .notSent(let why): "not sent: \(why)"
        case .invalidOrder(let why): "not sent: \(why)"
        case .malformedAnswer(let why): "unreadable answer: \(why)"
        }
    }
}
