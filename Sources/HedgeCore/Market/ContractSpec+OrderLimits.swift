/// An order the venue's maximums forbid and that cannot be split into legal child orders.
public struct OrderLimitRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// The venue's maximum order size and notional: which orders break them, and how an order
/// beyond them is split into legal child orders instead of being sent whole.
extension ContractSpec {
    /// More child orders than this for one order is refused before anything is sent: an order
    /// that many times the venue's maximum is a mistake, and would take that many round trips.
    public static let maxChildOrders = 20

    /// A child is sized to this share of the maximum notional at the price seen, so that a price
    /// move while it travels does not push it over.
    static let notionalHeadroom: FixedDecimal = "0.99"

    /// The largest quantity one order may have: a market order is held to the market limit and
    /// the general one (Binance checks both filters), a limit order to the general one.
    public func maximumQuantity(market: Bool) -> FixedDecimal? {
        guard market, let marketLimit = maxMarketQuantity else { return maxQuantity }
        guard let general = maxQuantity else { return marketLimit }
        return min(general, marketLimit)
    }

    /// Which maximum `quantity` at `price` breaks, in words, or nil when within them all.
    public func limitViolation(quantity: FixedDecimal, market: Bool, price: FixedDecimal?) -> String? {
        if market, let limit = maxMarketQuantity, quantity > limit {
            return "quantity \(quantity) is above the maximum market order quantity \(limit)"
        }
        if let limit = maxQuantity, quantity > limit {
            return "quantity \(quantity) is above the maximum order quantity \(limit)"
        }
        if let limit = maxNotional, let price, let notional = try? quoteNotional(quantity: quantity, price: price), notional > limit {
            return "notional \(notional) is above the maximum \(limit)"
        }
        return nil
    }

    /// `quantity` as the orders to send: itself when within the venue's maximums, else
    /// near-equal child orders, each a multiple of the lot step, at least the minimum, at most
    /// the maximum quantity and (at `price`, with headroom) the maximum notional. Their sum is
    /// `quantity` exactly. Throws when no such split exists or it needs more than
    /// `maxChildOrders`.
    public func childQuantities(_ quantity: FixedDecimal, market: Bool, price: FixedDecimal?) throws(OrderLimitRefusal) -> [FixedDecimal] {
        var cap = maximumQuantity(market: market)
        if let limit = maxNotional, let price, price.isPositive {
            do throws(DecimalError) {
                let allowed = try limit.multiplied(by: Self.notionalHeadroom, rounding: .down)
                let byNotional: FixedDecimal = switch margining {
                case .linear: try allowed.divided(by: try contractSize.multiplied(by: price), rounding: .down)
                case .inverse: try allowed.divided(by: contractSize, rounding: .down)
                }
                cap = cap.map { min($0, byNotional) } ?? byNotional
            } catch {
                throw OrderLimitRefusal(message: "cannot work out the largest order under the maximum notional \(limit): \(error)")
            }
        }
        // Without a maximum, or off the lot step (the venue refuses that for its step anyway), whole.
        guard let rawCap = cap, quantity.isPositive, quantity.isMultiple(of: lotStep) else { return [quantity] }
        let lots = lotStep.units
        // The largest whole number of lots in one child.
        let capLots = rawCap.units / lots
        let totalLots = quantity.units / lots
        guard capLots > 0, capLots * lots >= minQuantity.units else {
            throw OrderLimitRefusal(message: "\(id): the venue's maximum (\(rawCap)) is below its minimum order (\(minQuantity)); no order can be sent")
        }
        if totalLots <= capLots { return [quantity] }
        let count = (totalLots + capLots - 1) / capLots
        guard count <= Int64(Self.maxChildOrders) else {
            throw OrderLimitRefusal(message: "\(id): \(quantity) would take \(count) orders of at most \(FixedDecimal(units: capLots * lots)) (the venue's maximum); more than \(Self.maxChildOrders) is refused")
        }
        // Near-equal: the first `extra` children carry one lot more.
        let each = totalLots / count
        let extra = totalLots % count
        let children = (0..<count).map { index in FixedDecimal(units: (each + (index < extra ? 1 : 0)) * lots) }
        if let smallest = children.last, smallest < minQuantity {
            throw OrderLimitRefusal(message: "\(id): \(quantity) cannot be split into orders between the minimum \(minQuantity) and the maximum \(FixedDecimal(units: capLots * lots))")
        }
        return children
    }
}
