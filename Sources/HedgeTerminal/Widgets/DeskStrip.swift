import HedgeCore
import HedgeEngine

/// The whole desk in one or two rows under the header: net PnL today first, then spreads open
/// against the limit and the largest net exposures, then since-start totals, margin per account
/// and the funding ahead as the width allows. Figures are dropped whole, never cut: as many as
/// fit in their short forms, in order of importance, then told in full as room allows.
struct DeskStrip {
    var desk: DeskSummary

    /// One run of text in one style.
    struct Part: Equatable {
        var text: String
        var role: ThemeRole
        var bold = false
    }

    /// A figure with its label, in the forms it can take, longest first.
    struct Segment: Equatable {
        var forms: [[Part]]
    }

    /// Between segments.
    static let gap = 3

    func render(into buffer: inout Buffer, area: Rect, glyphs: GlyphSet) {
        guard !area.isEmpty else { return }
        buffer.fill(area, style: Style(.text))
        let rows = Self.rows(desk, count: area.height)
        for (row, segments) in rows.enumerated() where row < area.height {
            var x = area.x + 1
            for form in Self.fit(segments, width: area.width - 1) {
                for part in form {
                    x = buffer.put(part.text, x: x, y: area.y + row, style: Style(part.role, bold: part.bold), limit: area.maxX - x)
                }
                x += Self.gap
            }
        }
    }

    static func width(_ parts: [Part]) -> Int { parts.reduce(0) { $0 + $1.text.count } }

    /// The forms drawn in `width` columns: the segments, in order, while each fits in its
    /// shortest form (nothing less important shows in place of one that did not fit), then each
    /// in turn told in full as far as room allows.
    static func fit(_ segments: [Segment], width: Int) -> [[Part]] {
        var chosen: [(segment: Segment, form: Int)] = []
        var used = 0
        for segment in segments where !segment.forms.isEmpty {
            let shortest = segment.forms.count - 1
            let needed = Self.width(segment.forms[shortest]) + (chosen.isEmpty ? 0 : gap)
            guard used + needed <= width else { break }
            chosen.append((segment, shortest))
            used += needed
        }
        for index in chosen.indices {
            let current = Self.width(chosen[index].segment.forms[chosen[index].form])
            for form in 0..<chosen[index].form {
                let longer = Self.width(chosen[index].segment.forms[form])
                if used - current + longer <= width {
                    chosen[index].form = form
                    used += longer - current
                    break
                }
            }
        }
        return chosen.map { $0.segment.forms[$0.form] }
    }

    /// The segments of each row, most important first. One row holds everything in that order;
    /// two rows put PnL, open spreads and exposures above, margin and funding below.
    static func rows(_ desk: DeskSummary, count: Int) -> [[Segment]] {
        let first = [today(desk), open(desk)] + desk.exposures.map(exposure) + [sinceStart(desk)]
        // The word "margin" (and "funding") once, before the first account (perpetual).
        let second = desk.margins.enumerated().map { margin($0.element, named: $0.offset == 0) }
            + desk.funding.enumerated().map { funding($0.element, named: $0.offset == 0) }
        return count >= 2 ? [first, second] : [first + second]
    }

    static func today(_ desk: DeskSummary) -> Segment {
        // "today" is 00:00 UTC on; after a restart with older trades it starts at the restart.
        let label = DayBaseline.startOfDay(desk.todayFrom) == desk.todayFrom
            ? "today " : "since " + String(CivilTime(desk.todayFrom).clock.prefix(5)) + " "
        let net = Part(text: desk.netToday.usd, role: PnLPanel.role(desk.netToday), bold: true)
        let real = Part(text: desk.realisedToday.usd, role: PnLPanel.role(desk.realisedToday))
        return Segment(forms: [
            [Part(text: "desk ", role: .accent, bold: true), Part(text: label + "net ", role: .muted), net, Part(text: " real ", role: .muted), real],
            [Part(text: "desk ", role: .accent, bold: true), Part(text: label, role: .muted), net],
        ])
    }

    static func sinceStart(_ desk: DeskSummary) -> Segment {
        let net = Part(text: desk.net.usd, role: PnLPanel.role(desk.net))
        return Segment(forms: [
            [Part(text: "since start net ", role: .muted), net, Part(text: " real ", role: .muted), Part(text: desk.realised.usd, role: PnLPanel.role(desk.realised))],
            [Part(text: "start ", role: .muted), net],
        ])
    }

    static func open(_ desk: DeskSummary) -> Segment {
        let atLimit = desk.openLimit.map { desk.openSpreads >= $0 } ?? false
        let figure = "\(desk.openSpreads)" + (desk.openLimit.map { "/\($0)" } ?? "")
        return Segment(forms: [[Part(text: "open ", role: .muted), Part(text: figure, role: atLimit ? .warning : .text, bold: atLimit)]])
    }

    /// Net position in one base asset: the coins, then what they are worth.
    static func exposure(_ exposure: AssetExposure) -> Segment {
        let asset = Part(text: exposure.asset + " ", role: .accent)
        let coins = Part(text: exposure.quantity.figure(places: 4, plusSign: true), role: .warning, bold: true)
        return Segment(forms: [
            [asset, coins, Part(text: " (" + exposure.usd.figure(places: 0, plusSign: true) + " USD)", role: .muted)],
            [asset, coins],
        ])
    }

    /// Initial margin in use on one account, coloured as the risk panel colours it.
    static func margin(_ margin: AccountMargin, named: Bool) -> Segment {
        let use = margin.utilisation * 100
        let role = RiskPanel.marginRole(utilisation: margin.utilisation, marginRatio: margin.marginRatio)
        return Segment(forms: [[Part(text: (named ? "margin " : "") + "\(margin.venue) \(margin.asset) ", role: .muted),
                                Part(text: use.fixed(places: 1) + "%", role: role)]])
    }

    /// The next funding payment of a perpetual held: its rate per interval and when (UTC).
    static func funding(_ funding: FundingAhead, named: Bool) -> Segment {
        let rate = Part(text: ((try? funding.rate.multiplied(by: 100)) ?? funding.rate).figure(places: 4, plusSign: true) + "%", role: .text)
        let when = String(CivilTime(funding.time).clock.prefix(5))
        let symbol = (named ? "funding " : "") + funding.instrument.symbol + " "
        return Segment(forms: [
            [Part(text: symbol, role: .muted), rate, Part(text: " at " + when, role: .muted)],
            [Part(text: symbol, role: .muted), rate],
        ])
    }
}
