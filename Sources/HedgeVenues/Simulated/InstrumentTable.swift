import HedgeCore

/// A few values keyed by instrument, read like a dictionary. A venue holds a handful of
/// instruments and market data comes in runs on one of them, so a short scan that tries the last
/// hit first beats hashing the instrument's two strings per quote (≈ 270 instructions a lookup).
public struct InstrumentTable<Value> {
    /// The instruments, in the order they were first stored.
    public private(set) var keys: [InstrumentID] = []
    private var values: [Value] = []
    /// Where the last lookup found its instrument, tried first next time.
    private var lastHit = 0

    public init() {}

    /// Where `id` is stored, if it is.
    public mutating func index(of id: InstrumentID) -> Int? {
        if lastHit < keys.count, keys[lastHit] == id { return lastHit }
        guard let index = keys.firstIndex(of: id) else { return nil }
        lastHit = index
        return index
    }

    private func find(_ id: InstrumentID) -> Int? {
        if lastHit < keys.count, keys[lastHit] == id { return lastHit }
        return keys.firstIndex(of: id)
    }

    public subscript(id: InstrumentID) -> Value? {
        get { find(id).map { values[$0] } }
        set {
            if let index = index(of: id) {
                if let newValue { values[index] = newValue } else {
                    keys.remove(at: index)
                    values.remove(at: index)
                    lastHit = 0
                }
            } else if let newValue {
                keys.append(id)
                values.append(newValue)
                lastHit = keys.count - 1
            }
        }
    }

    /// The value for `id`, stored first as `defaultValue` when absent; changed in place.
    public subscript(id: InstrumentID, default defaultValue: @autoclosure () -> Value) -> Value {
        get { find(id).map { values[$0] } ?? defaultValue() }
        _modify {
            if index(of: id) == nil {
                keys.append(id)
                values.append(defaultValue())
                lastHit = keys.count - 1
            }
            yield &values[lastHit]
        }
    }

    /// The value at `index` (from `index(of:)`), changed in place.
    public subscript(index index: Int) -> Value {
        _read { yield values[index] }
        _modify { yield &values[index] }
    }

    public var isEmpty: Bool { keys.isEmpty }
    public var count: Int { keys.count }
}

extension InstrumentTable: Sendable where Value: Sendable {}
