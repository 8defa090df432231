import PropertyBased
import Testing
@testable import HedgeCore

/// The second leg hedges what the first leg filled, at its fills' average price; a hedge that
/// walked the book is topped up or trimmed to within a lot (DESIGN §3).
@Suite("Hedging state machine: hedge sizing from fills")
struct HedgingStateMachineHedgeSizingTests {
    /// Base exposure of `fills` on `spec`, summed fill by fill (independent of `FillAverage`).
    static func base(_ fills: [Fill], _ spec: ContractSpec, side: Side) throws -> FixedDecimal {
        try fills.reduce(FixedDecimal.zero) { total, fill in
            let one = try spec.baseExposure(quantity: fill.quantity, price: fill.price)
            return try total + (fill.side == side ? one : one.negated)
        }
    }

    @Test("an inverse first leg that walked the book is hedged from its fills' average, not its top price")
    func inverseFirstLegWalked() throws {
        // B is BTCUSD_PERP and goes first, buying 2000 contracts (200 000 USD); it walks from 60000.1 to 60300.1.
        var desk = Desk(Desk.config(a: TestContracts.linear("va"), b: TestContracts.inverse("vb")) {
            $0.targetNotional = "200000"
            $0.legOrder = .bFirst
        })
        desk.detect()
        let open = desk.validate()
        #expect(open.leg == .b && open.side == .buy && open.quantity == "2000")
        desk.fill(open, "600", price: "60000.1", remaining: "1400")
        desk.fill(open, "800", price: "60150.1", remaining: "600")
        let hedge = desk.fill(open, "600", price: "60300.1").firstOrder()
        // Coins: 60000/60000.1 + 80000/60150.1 + 60000/60300.1 = 0.99999833 + 1.33000610 + 0.99502323 = 3.32502766
        // (average 60149.87556091) → 3.325 BTC on A (lot 0.001). The top price says 200000/60000.1 = 3.33332778
        // → 3.333: eight lots too many.
        #expect(hedge.leg == .a && hedge.side == .sell && hedge.quantity == "3.325")
        desk.fill(hedge)
        #expect(desk.state == .monitoring)
    }

    @Test("an inverse hedge that walked the book is topped up to within a lot of the first leg's fills")
    func inverseHedgeWalkedIsToppedUp() throws {
        // A (linear) goes first and sells 3.332 BTC; the hedge buys 1999 BTCUSD_PERP at 59999.9 → 60599.9.
        var desk = Desk(Desk.config(a: TestContracts.linear("va"), b: TestContracts.inverse("vb")) {
            $0.targetNotional = "200000"
            $0.legOrder = .aFirst
        })
        desk.detect()
        let open = desk.validate()
        let hedge = desk.fill(open).firstOrder()
        #expect(hedge.leg == .b && hedge.side == .buy)
        let half = try (hedge.quantity.divided(by: 2, rounding: .down)).rounded(toMultipleOf: 1, .down)
        desk.fill(hedge, half.description, price: "60000.1", remaining: (try hedge.quantity - half).description)
        let actions = desk.fill(hedge, (try hedge.quantity - half).description, price: "60600.1")
        // Buying dearer holds fewer coins: the gap is over a contract, so one more order buys it.
        let topUp = try #require(actions.orders.first)
        #expect(topUp.leg == .b && topUp.side == .buy && topUp.purpose == .hedge && !topUp.reduceOnly)
        desk.fill(topUp)
        #expect(desk.state == .monitoring)
        let first = try Self.base(desk.filled(leg: .a), desk.machine.config.legs.a, side: .sell)
        let second = try Self.base(desk.filled(leg: .b), desk.machine.config.legs.b, side: .buy)
        let lot = try desk.machine.config.legs.b.baseExposure(quantity: 1, price: "60600.1")
        #expect(try (first - second).magnitude <= lot)
    }

    @Test("the hedge is within one lot of the first leg's fills, for arbitrary fills (seeded)")
    func hedgeWithinOneLotProperty() throws {
        var rng = Xoshiro(seed: (13, 0x9E37_79B9_7F4A_7C15, 0xBF58_476D_1CE4_E5B9, 0x94D0_49BB_1331_11EB))
        var judged = 0
        for round in 0..<60 {
            let aInverse = Bool.random(using: &rng), bInverse = Bool.random(using: &rng)
            let a = aInverse ? TestContracts.inverse("va") : TestContracts.linear("va")
            let b = bInverse ? TestContracts.inverse("vb") : TestContracts.linear("vb")
            var desk = Desk(Desk.config(a: a, b: b) {
                $0.targetNotional = FixedDecimal(units: Int64.random(in: 1_000...400_000, using: &rng) * FixedDecimal.one)
                $0.legOrder = Bool.random(using: &rng) ? .aFirst : .bFirst
                $0.maxHedgeAttempts = 5
            })
            desk.detect()
            var pending = [desk.validate()]
            var sent = 0
            // Every order fills in 1–6 slices walking up to 60 bps from its top; the first leg may stop short.
            while let order = pending.first, sent < 12 {
                pending.removeFirst()
                sent += 1
                let spec = desk.machine.config.legs[order.leg]
                let top = desk.machine.quotes[order.leg]!.price(toTake: order.side)
                let slices = Int.random(in: 1...6, using: &rng)
                let partial = order.purpose == .open && Int.random(in: 0..<4, using: &rng) == 0
                var left = order.quantity
                var price = top
                var actions: [StrategyAction] = []
                for slice in 0..<slices where left.isPositive {
                    let lots = left.units / spec.lotStep.units
                    let take = slice == slices - 1 ? lots : Int64.random(in: 1...max(1, lots), using: &rng)
                    let quantity = FixedDecimal(units: take * spec.lotStep.units)
                    left = try left - quantity
                    let step = try spec.tickSize.multiplied(by: Int.random(in: 0...600, using: &rng))
                    price = order.side == .buy ? try price + step : try price - step
                    let fill = Fill(orderID: order.id, side: order.side, price: price, quantity: quantity, fee: .zero, liquidity: .taker, time: desk.now)
                    actions = desk.send(.order(order.leg, .filled(fill, remaining: left)))
                    if partial { break }
                }
                if left.isPositive {
                    actions = desk.send(.order(order.leg, .cancelled(order.id, filled: try order.quantity - left, reason: "IOC remainder")))
                }
                pending += actions.orders
            }
            guard desk.state == .monitoring else { continue }
            judged += 1
            let first = desk.history.orders.first!
            let firstLeg = first.leg, secondLeg = firstLeg.other
            let firstBase = try Self.base(desk.filled(leg: firstLeg), desk.machine.config.legs[firstLeg], side: first.side)
            let secondSide = first.side.opposite
            let secondBase = try Self.base(desk.filled(leg: secondLeg), desk.machine.config.legs[secondLeg], side: secondSide)
            let hedgeSpec = desk.machine.config.legs[secondLeg]
            let lastPrice = desk.filled(leg: secondLeg).last!.price
            let lot = try hedgeSpec.baseExposure(quantity: hedgeSpec.lotStep, price: lastPrice)
            #expect(try (firstBase - secondBase).magnitude <= lot,
                    "round \(round): \(a.margining) / \(b.margining), first leg \(firstLeg) holds \(firstBase), the hedge \(secondBase)")
        }
        // Most rounds open a spread (a first leg may fill too little to hedge).
        #expect(judged >= 45)
    }
}

extension Desk {
    /// The fills the machine was told of on `leg`, in order.
    func filled(leg: Leg) -> [Fill] {
        events.compactMap { if case .order(leg, .filled(let fill, _)) = $0 { fill } else { nil } }
    }
}
