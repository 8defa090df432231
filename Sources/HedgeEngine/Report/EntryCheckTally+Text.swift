import HedgeCore

/// The tally in the report's words: why nothing traded, and every look by what it decided.
extension EntryCheckTally {
    /// Why no spread opened, when the legs had quotes: the band never reached (and how many
    /// quotes were judged), or each reason the entries in the band were not taken.
    func noTradeReason(entry: Threshold) -> String {
        if bandReached == 0 {
            if outsideBand == 0 && warmingUp > 0 {
                return "the entry rule was still warming up on all \(warmingUp) quotes while scanning (entry \(entry) needs its warm-up samples)"
            }
            var text = "the spread never reached the entry band (entry \(entry)) on any of \(outsideBand) \(Self.quotes(outsideBand)) judged while scanning"
            if warmingUp > 0 { text += ", after \(warmingUp) while \(Self.warmUpName(entry)) warmed up" }
            return text
        }
        var text = "the entry band was reached on \(bandReached) \(Self.quotes(bandReached)) while scanning"
        if notTaken.total > 0 { text += "; not taken: \(notTakenList)" }
        if detected > 0 { text += "; detected \(detected), opened \(opened)" }
        return text
    }

    /// Every look by what it decided, in one line; nil when the rule never looked. `reasons`:
    /// with the reasons entries were not taken (left out under a "no trades" line that has them).
    func line(reasons: Bool = true) -> String? {
        var parts: [String] = []
        if legWithoutQuote > 0 { parts.append("no quote yet on a leg \(legWithoutQuote)") }
        if quoteRefused > 0 { parts.append("quote refused \(quoteRefused)") }
        if warmingUp > 0 { parts.append("warming up \(warmingUp)") }
        if outsideBand > 0 { parts.append("outside the band \(outsideBand)") }
        if bandReached > 0 { parts.append("in the band \(bandReached)") }
        guard !parts.isEmpty || notTaken.total > 0 else { return nil }
        var text = "entries looked at, by quote while scanning: " + parts.joined(separator: ", ")
        if detected > 0 { text += "; detected \(detected), opened \(opened)" }
        if reasons && notTaken.total > 0 { text += "; not taken: \(notTakenList)" }
        return text
    }

    /// The reasons with a count, largest first; a margin shortfall names its remedy, an edge
    /// below costs the last one's arithmetic.
    var notTakenList: String {
        notTaken.counts.enumerated().filter { $0.element.count > 0 }
            .sorted { ($1.element.count, $0.offset) < ($0.element.count, $1.offset) }
            .map { item -> String in
                var text = "\(item.element.reason) \(item.element.count)"
                if item.element.reason == NotTaken.marginReason, let need = lastMarginShortfall { text += " (\(need.remedy))" }
                if item.element.reason == NotTaken.edgeReason, let edge = lastEdgeBelowCosts { text += " (last: \(edge))" }
                return text
            }
            .joined(separator: ", ")
    }

    static func quotes(_ count: Int) -> String { count == 1 ? "quote" : "quotes" }

    static func warmUpName(_ entry: Threshold) -> String {
        if case .z = entry { return "the z-score" }
        return "the rolling mean"
    }
}

extension EntryCheckTally.MarginNeed {
    /// The shortfall and what gives the replay the margin: a `--balance` for the venue's asset on
    /// the command line, or `balances` in the config's `[venues.VENUE]`.
    var remedy: String {
        guard let available else { return "no margin information for \(instrument)" }
        guard let required else { return "cannot price the margin of \(instrument)" }
        let amount = (try? required.rounded(places: 0, .ceiling)) ?? required
        return "\(instrument) needs \(required) \(asset), \(available) free: give --balance \(venue):\(asset)=\(amount) or balances in [venues.\(venue)] of the config"
    }
}
