import HedgeCore

/// Whether a strategy's two legs cancel in their base coin, by the coin value the engine gave
/// each leg (`LegSnapshot.baseExposure`). Legs of different contracts (an inverse leg against a
/// linear one, inverse legs of different faces, 504 dated contracts against 500 perpetual) can
/// only be sized to the nearest contract, so a net within 1 % of the larger leg is hedged: one
/// rule for the risk panel, the legs' border and the desk's exposure.
public struct PairHedge: Sendable, Hashable {
    public var asset: String
    /// Leg A's coins plus leg B's, signed.
    public var net: FixedDecimal
    public var hedged: Bool

    /// The share of the larger leg a net may be and still count as hedged.
    public static let tolerance: FixedDecimal = "0.01"

    /// Nil when the legs are on different bases or a leg has no coin value (no price yet, or a
    /// snapshot from an older server).
    public init?(_ legs: PerLeg<LegSnapshot>) {
        guard let a = legs.a.baseExposure, let b = legs.b.baseExposure, let asset = legs.a.baseAsset,
              asset == legs.b.baseAsset, let net = try? a + b,
              let allowed = try? max(a.magnitude, b.magnitude).multiplied(by: Self.tolerance) else { return nil }
        self.asset = asset
        self.net = net
        self.hedged = net.magnitude <= allowed
    }
}
