/// How an array moved from one snapshot to the next. A bounded series drops points at its front
/// and gains (or replaces) points at its end, so only those travel: the new array is the old
/// one's `keep` elements after the first `drop`, then `append`.
public struct ArrayDelta<Element: Codable & Equatable & Sendable>: Codable, Sendable, Equatable {
    /// Elements dropped from the front of the old array.
    public var drop: Int
    /// Elements kept after those, in order.
    public var keep: Int
    /// Elements after the kept ones.
    public var append: [Element]

    /// The move from `old` to `new`; nil when they are equal.
    public init?(from old: [Element], to new: [Element]) {
        guard old != new else { return nil }
        guard let first = new.first, let start = old.firstIndex(of: first) else {
            self.init(drop: old.count, keep: 0, append: new)
            return
        }
        var kept = 0
        while start + kept < old.count, kept < new.count, old[start + kept] == new[kept] { kept += 1 }
        self.init(drop: start, keep: kept, append: Array(new[kept...]))
    }

    init(drop: Int, keep: Int, append: [Element]) {
        self.drop = drop
        self.keep = keep
        self.append = append
    }

    /// The new array from the old; a delta that does not fit `old` is a broken frame.
    public func apply(to old: [Element]) throws(WireError) -> [Element] {
        guard drop >= 0, keep >= 0, drop <= old.count, keep <= old.count - drop else {
            throw WireError(.malformed, "a delta keeps \(keep) after dropping \(drop) of \(old.count) elements")
        }
        return Array(old[drop..<(drop + keep)]) + append
    }
}

/// A value that changed, possibly to nil: a delta's field is nil when unchanged, and holds a
/// `Replacement` (whose value may be nil) when it changed.
public struct Replacement<Value: Codable & Sendable>: Codable, Sendable {
    public var value: Value

    public init(_ value: Value) { self.value = value }
}

extension Replacement: Equatable where Value: Equatable {}
