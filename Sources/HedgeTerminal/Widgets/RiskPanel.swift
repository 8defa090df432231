import HedgeCore
import HedgeEngine

/// What the selected strategy risks: exposure per leg in the base asset, notional, how far each
/// leg's mark is from its liquidation price, and the net exposure of the pair.
struct RiskPanel {
    var strategy: StrategySnapshot
    var limits: PortfolioLimits = .none

    /// The portfolio limits in one line: what stops new spreads from opening.
    static func limitsText(_ limits: PortfolioLimits) -> String {
        var parts: [String] = []
        if let open = limits.maxOpenSpreads { parts.append("open ≤ \(open)") }
        if let each = limits.maxNotionalPerSpread { parts.append("each ≤ \(each.figure(places: 0))") }
        if let total = limits.maxTotalNotional { parts.append("total ≤ \(total.figure(places: 0))") }
        if let margin = limits.maxMarginUtilisation { parts.append("margin ≤ " + (margin * 100).fixed(places: 0) + "%") }
        if let errors = limits.maxConsecutiveErrors { parts.append("errors ≤ \(errors)") }
        return parts.isEmpty ? "none" : parts.joined(separator: "  ")
    }

    /// The colour of a margin figure: danger near liquidation or past 80 % in use, warning from 50 %.
    static func marginRole(utilisation: Double, marginRatio: Double) -> ThemeRole {
        let use = utilisation * 100
        return marginRatio >= 0.8 || use >= 80 ? .danger : (use >= 50 ? .warning : .text)
    }

    /// The base asset of a leg, as the engine names it (`LegSnapshot.baseAsset`); from an older
    /// server that sends none, the symbol's part before its quote asset ("BTCUSDT_240927" → BTC).
    static func baseAsset(_ leg: LegSnapshot) -> String {
        if let asset = leg.baseAsset { return asset }
        let symbol = leg.instrument.symbol
        for quote in ["USDT", "USDC", "FDUSD", "BUSD", "USD"] {
            if let range = symbol.range(of: quote), range.lowerBound > symbol.startIndex {
                return String(symbol[..<range.lowerBound])
            }
        }
        return leg.margining == .inverse ? leg.settlementAsset : symbol
    }

    struct Row {
        var leg: Leg
        var exposure: String
        var notional: String
        var liquidation: String
        var liquidationRole: ThemeRole
    }

    static func row(_ leg: Leg, _ snap: LegSnapshot) -> Row {
        let quantity = snap.quantity
        let exposure: String
        let notional: String
        if snap.margining == .linear {
            exposure = quantity.figure(places: 4, plusSign: true) + " " + baseAsset(snap)
            notional = snap.mark.map { (quantity.magnitude.doubleValue * $0.doubleValue).fixed(places: 2) } ?? "—"
        } else if let coins = snap.baseExposure {
            // Inverse: the engine's coin value of the USD contracts at the mark.
            exposure = coins.figure(places: 4, plusSign: true) + " " + baseAsset(snap)
            notional = snap.mark.map { (coins.magnitude.doubleValue * $0.doubleValue).fixed(places: 2) } ?? "—"
        } else {
            // From an older server: the contract face is not in the snapshot, so only contracts.
            exposure = quantity.figure(places: 0, plusSign: true) + " ct"
            notional = "—"
        }
        var liquidation = "—", role = ThemeRole.muted
        if let liq = snap.liquidationPrice, let mark = snap.mark, mark.isPositive, !quantity.isZero {
            let distance = abs(liq.doubleValue - mark.doubleValue) / mark.doubleValue * 100
            liquidation = distance.fixed(places: 1) + "% @" + snap.priceText(liq)
            role = distance < 5 ? .danger : (distance < 15 ? .warning : .text)
        }
        return Row(leg: leg, exposure: exposure, notional: notional, liquidation: liquidation, liquidationRole: role)
    }

    func render(into buffer: inout Buffer, area: Rect, glyphs: GlyphSet) {
        let inner = buffer.box(area, title: "Risk", glyphs: glyphs)
        guard !inner.isEmpty else { return }
        var row = 0
        // Initial margin in use / equity of each leg's account, as the venue last reported it.
        buffer.put("margin use ", in: inner, row: row, style: Style(.muted), glyphs: glyphs)
        var column = 11
        for leg in Leg.allCases {
            guard let margin = strategy.legs[leg].margin else {
                column = buffer.put("\(leg) —  ", in: inner, row: row, column: column, style: Style(.muted, dim: true), glyphs: glyphs) - inner.x
                continue
            }
            let use = margin.utilisation * 100
            let role = Self.marginRole(utilisation: margin.utilisation, marginRatio: margin.marginRatio)
            column = buffer.put("\(leg) " + use.fixed(places: 1) + "%  ", in: inner, row: row, column: column, style: Style(role), glyphs: glyphs) - inner.x
        }
        row += 1
        let rows = Leg.allCases.map { Self.row($0, strategy.legs[$0]) }
        let columns: [TableColumn<Row>] = [
            TableColumn(title: "leg", width: 3, priority: 9) { ($0.leg.description, .accent) },
            TableColumn(title: "exposure", width: 14, priority: 8, rightAligned: true) { ($0.exposure, .text) },
            TableColumn(title: "notional $", width: 11, priority: 7, rightAligned: true) { ($0.notional, .text) },
            TableColumn(title: "to liq", width: 16, priority: 6, flexible: true) { ($0.liquidation, $0.liquidationRole) },
        ]
        let table = Rect(x: inner.x, y: inner.y + row, width: inner.width, height: inner.height - row)
        row += TableLayout(columns: columns).render(rows, into: &buffer, inner: table, glyphs: glyphs)
        if row < inner.height - 1 {
            // The net line comes next; the limits go below it when there is room.
            buffer.put("limits " + Self.limitsText(limits), in: inner, row: inner.height - 1, style: Style(.muted), glyphs: glyphs)
        }
        if row < inner.height, let net = Self.netExposure(strategy.legs) {
            buffer.put(net.text, in: inner, row: row, style: net.style, glyphs: glyphs)
        }
    }

    /// The pair's net exposure and whether the legs cancel: exactly in the base coin for two
    /// linear legs of one base; else in the coins the engine valued each leg at, hedged within
    /// `PairHedge`'s rounding allowance (504 dated contracts against 500 perpetual are hedged);
    /// in contracts for two inverse legs of one venue and coin when an older server sent no coin
    /// figure. Nil when the legs cannot be summed (different bases).
    static func netExposure(_ legs: PerLeg<LegSnapshot>) -> (text: String, style: Style)? {
        let a = legs.a, b = legs.b
        let net: String, hedged: Bool
        if a.margining == .linear, b.margining == .linear, baseAsset(a) == baseAsset(b) {
            let sum = a.quantity.doubleValue + b.quantity.doubleValue
            hedged = abs(sum) < 1e-9
            net = sum.fixed(places: 4, plusSign: true) + " " + baseAsset(a)
        } else if let pair = PairHedge(legs) {
            hedged = pair.hedged
            net = pair.net.figure(places: 4, plusSign: true) + " " + pair.asset
        } else if a.margining == .inverse, b.margining == .inverse, a.instrument.venue == b.instrument.venue,
                  a.settlementAsset == b.settlementAsset {
            // Contracts are whole numbers far inside Double's exact range.
            let sum = a.quantity.doubleValue + b.quantity.doubleValue
            hedged = abs(sum) < 1e-9
            net = sum.fixed(places: 0, plusSign: true) + " ct"
        } else {
            return nil
        }
        return ("net " + net + (hedged ? "  hedged" : "  UNHEDGED"), Style(hedged ? .profit : .warning, bold: !hedged))
    }
}
