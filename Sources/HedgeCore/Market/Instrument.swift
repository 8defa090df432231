/// One tradable contract on one venue: "binance-usdm:BTCUSDT".
public struct InstrumentID: Sendable, Hashable, Codable, CustomStringConvertible {
    public var venue: String
    public var symbol: String

    public init(venue: String, symbol: String) {
        self.venue = venue
        self.symbol = symbol
    }

    /// Parses "VENUE:SYMBOL" as written on the command line and in config files.
    public init?(parsing text: String) {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        self.init(venue: String(parts[0]), symbol: String(parts[1]))
    }

    public var description: String { "\(venue):\(symbol)" }
}

/// Buy or sell; `sign` is +1 for buy, −1 for sell.
public enum Side: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case buy, sell

    @inlinable public var sign: Int { self == .buy ? 1 : -1 }
    @inlinable public var opposite: Side { self == .buy ? .sell : .buy }
    public var description: String { rawValue }
}

/// One of a spread's two legs. The spread is always A − B.
public enum Leg: Int, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case a = 0, b = 1

    @inlinable public var other: Leg { self == .a ? .b : .a }
    public var description: String { self == .a ? "A" : "B" }
}

/// A value per leg, stored inline so the hot path never allocates.
public struct PerLeg<Value> {
    public var a: Value
    public var b: Value

    public init(a: Value, b: Value) {
        self.a = a
        self.b = b
    }

    public init(repeating value: Value) {
        self.a = value
        self.b = value
    }

    @inlinable public subscript(leg: Leg) -> Value {
        get { leg == .a ? a : b }
        set { if leg == .a { a = newValue } else { b = newValue } }
    }

    public func map<T>(_ transform: (Value) throws -> T) rethrows -> PerLeg<T> {
        PerLeg<T>(a: try transform(a), b: try transform(b))
    }
}

extension PerLeg: Sendable where Value: Sendable {}
extension PerLeg: Equatable where Value: Equatable {}
extension PerLeg: Hashable where Value: Hashable {}
extension PerLeg: Codable where Value: Codable {}
