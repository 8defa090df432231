import HedgeCore
import HedgeVenues

/// The run loop's entry points for the engine on simulated venues. Called from another module,
/// `TradingEngine`'s generic ones look up the venue's type on every call (≈ 18 instructions a
/// quote in `ReplayProfile engine`); overload resolution picks these for an `Engine`.
extension TradingEngine where V == SimulatedVenue {
    /// `TradingEngine.run(until:)`, compiled for `SimulatedVenue`.
    @discardableResult
    public func run(until time: Timestamp) -> Int { SimulatedVenueRunLoop.run(self, until: time) }

    /// `TradingEngine.nextEventTime`, compiled for `SimulatedVenue`.
    public var nextEventTime: Timestamp? { SimulatedVenueRunLoop.nextEventTime(self) }
}

/// Not generic on purpose: a method constrained to `V == SimulatedVenue` is still compiled as a
/// generic one, and the run loop it calls ran unspecialised (≈ 800 more instructions a quote);
/// called from here, where the venue's type is concrete, the loop is compiled for `SimulatedVenue`.
enum SimulatedVenueRunLoop {
    static func run(_ engine: Engine, until time: Timestamp) -> Int { engine.processEvents(until: time) }
    static func nextEventTime(_ engine: Engine) -> Timestamp? { engine.earliestEventTime }
}
