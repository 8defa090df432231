import HedgeCore
import HedgeVenues

/// The run loop's entry points for the engine on simulated venues. Called from another module
/// (`ReplayProfile`, the benchmarks), `TradingEngine`'s generic ones run the loop unspecialised;
/// overload resolution picks these for an `Engine`, here and there.
extension TradingEngine where V == SimulatedVenue {
    /// `TradingEngine.run(until:)`, compiled for `SimulatedVenue`.
    @discardableResult
    public func run(until time: Timestamp) -> Int { SimulatedVenueRunLoop.run(self, until: time) }

    /// `TradingEngine.run(until:atMost:)`, compiled for `SimulatedVenue`.
    @discardableResult
    public func run(until time: Timestamp, atMost limit: Int) -> Int { SimulatedVenueRunLoop.run(self, until: time, atMost: limit) }

    /// `TradingEngine.nextEventTime`, compiled for `SimulatedVenue`.
    public var nextEventTime: Timestamp? { SimulatedVenueRunLoop.nextEventTime(self) }
}

/// Not generic on purpose: a method constrained to `V == SimulatedVenue` is still compiled as a
/// generic one, and the run loop it called ran unspecialised (≈ 870 more instructions a quote in
/// `ReplayProfile engine`); called from here, where the venue's type is concrete, the loop is
/// compiled for `SimulatedVenue` (≈ 4 instructions an event for the two forwarding calls).
enum SimulatedVenueRunLoop {
    static func run(_ engine: Engine, until time: Timestamp) -> Int { engine.processEvents(until: time) }
    static func run(_ engine: Engine, until time: Timestamp, atMost limit: Int) -> Int { engine.processEvents(until: time, limit: limit) }
    static func nextEventTime(_ engine: Engine) -> Timestamp? { engine.earliestEventTime }
}
