import HedgeCore

/// What the newest snapshots say about open spreads, for a stop that waits until flat and for
/// naming what a stop leaves open.
struct FlatWatch {
    private(set) var flat = false
    /// The newest command acknowledged so far.
    private(set) var acknowledged: UInt64 = 0
    /// What is still open, for the message when flattening ran out of time.
    private(set) var stillOpen = ""
    /// One line per strategy with open legs: each leg's instrument, side and size.
    private(set) var keptOpen: [String] = []

    mutating func see(_ snapshot: EngineSnapshot) {
        var open: [String] = []
        var kept: [String] = []
        for strategy in snapshot.strategies {
            let legs = Leg.allCases.filter { !strategy.legs[$0].quantity.isZero }.map { leg in
                let position = strategy.legs[leg]
                return "leg \(leg) \(position.instrument) \(position.quantity.isNegative ? "short" : "long") \(position.quantity.magnitude)"
            }
            if !legs.isEmpty { kept.append("keeping \(strategy.name) open: \(legs.joined(separator: ", ")); the next start recovers it") }
            for leg in Leg.allCases where !strategy.legs[leg].quantity.isZero {
                open.append("\(strategy.name) leg \(leg) \(strategy.legs[leg].quantity)")
            }
            if !strategy.openOrders.isEmpty { open.append("\(strategy.name): \(strategy.openOrders.count) order(s) working") }
        }
        flat = open.isEmpty
        stillOpen = open.joined(separator: ", ")
        keptOpen = kept
        acknowledged = max(acknowledged, snapshot.acknowledgements.map(\.commandID).max() ?? 0)
    }

    /// Flat in a snapshot taken after `command` was acknowledged.
    func isFlat(after command: UInt64) -> Bool {
        flat && acknowledged >= command
    }
}
