import HedgeCore
import HedgeEngine
import HedgeVenues

/// The top line: engine clock in UTC, run mode, read-only, venue connections, which strategy is
/// shown. Cut off from the server, it says so instead of a clock that looks live, venue states
/// show as unknown, and every figure on it is dimmed like the panels below (only the banner that
/// says so, the name and READ-ONLY, which are true now, keep their look).
struct HeaderBar {
    var snapshot: EngineSnapshot
    var selected: Int
    var context: ScreenContext = .embedded
    /// How long ago the engine's clock last moved (while disconnected), for "N s ago".
    var dataAge: Duration?

    func render(into buffer: inout Buffer, area: Rect, glyphs: GlyphSet) {
        guard !area.isEmpty else { return }
        buffer.fill(Rect(x: area.x, y: area.y, width: area.width, height: 1), style: Style(.text))
        let limit = area.width
        var x = buffer.put(" hedgetop ", x: area.x, y: area.y, style: Style(.accent, bold: true), limit: limit)
        let stale = banner
        if stale == nil {
            x = buffer.put(" " + CivilTime(snapshot.time).clock + " UTC ", x: x, y: area.y, style: Style(.text, bold: true), limit: area.maxX - x)
        }
        let modeStyle = stale != nil ? Self.old : snapshot.mode == .live ? Style(.loss, bold: true, reverse: true) : snapshot.mode == .livePaper ? Style(.warning, bold: true, reverse: true) : Style(.accent, bold: true)
        x = buffer.put(" " + snapshot.mode.rawValue.uppercased() + " ", x: x + 1, y: area.y, style: modeStyle, limit: area.maxX - x - 1)
        if context.isReadOnly {
            x = buffer.put(" READ-ONLY ", x: x + 1, y: area.y, style: Style(.warning, bold: true, reverse: true), limit: area.maxX - x - 1)
        }
        if let stale {
            x = buffer.put(" " + stale + " ", x: x + 1, y: area.y, style: Style(.danger, bold: true, reverse: true), limit: area.maxX - x - 1)
        }
        if let feeds = snapshot.feeds, !feeds.isEmpty, stale == nil {
            // LIVE-PAPER: each venue's connection, not the simulated venue that fills. The most
            // detailed form in which every venue fits: the latency figures go first, then the age.
            let room = area.maxX - x - (snapshot.strategies.count > 1 ? 16 : 0)
            let detail = [FeedDetail.full, .compact, .age, .state].first { level in
                feeds.reduce(0) { $0 + Self.feedText(for: $1, detail: level, now: snapshot.time).count + 2 + $1.venue.count + 1 } <= room
            } ?? .state
            for feed in feeds {
                guard x < area.maxX - 2 else { break }
                x = renderFeed(feed, detail: detail, into: &buffer, x: x, y: area.y, limit: area.maxX, glyphs: glyphs)
            }
        }
        for venue in snapshot.venues where snapshot.feeds?.isEmpty ?? true {
            guard x < area.maxX - 2 else { break }
            if stale != nil {
                // Whatever the venues were doing, this screen cannot know now.
                x = buffer.put("  " + venue.name + " ?", x: x, y: area.y, style: Self.old, limit: area.maxX - x)
                continue
            }
            x = buffer.put("  " + venue.name + " ", x: x, y: area.y, style: Style(.text), limit: area.maxX - x)
            let mark = venue.connected ? glyphs.connected : glyphs.disconnected
            // Connected is not live: a leg on this venue with no data past its limit marks it stale.
            let markRole: ThemeRole = !venue.connected ? .danger : venue.staleFor != nil ? .warning : .profit
            x = buffer.put(String(mark), x: x, y: area.y, style: Style(markRole, bold: !venue.connected), limit: area.maxX - x)
            if venue.connected, let staleFor = venue.staleFor {
                x = buffer.put(" stale " + staleFor.roughText, x: x, y: area.y, style: Style(.warning, bold: true), limit: area.maxX - x)
            }
            if !venue.connected {
                x = buffer.put(" down", x: x, y: area.y, style: Style(.danger), limit: area.maxX - x)
            } else if let latency = venue.latencyMillis {
                x = buffer.put(" " + Self.roundTrip(median: latency, p99: venue.latencyP99Millis), x: x, y: area.y, style: Style(.muted), limit: area.maxX - x)
            }
        }
        if snapshot.strategies.count > 1 {
            let text = " strategy \(selected + 1)/\(snapshot.strategies.count) "
            let start = area.maxX - text.count
            if start > x + 1 { buffer.put(text, x: start, y: area.y, style: stale != nil ? Self.old : Style(.muted)) }
        }
    }

    /// How much of a feed's health fits.
    enum FeedDetail { case full, compact, age, state }

    /// "● live 0.2s lat p50 4ms p99 12ms" (full), "● live 0.2s lat 4/12ms" (compact: two venues
    /// at 120 columns), "● live 0.2s" (age), "● live" (state).
    static func feedText(for feed: FeedHealth, detail: FeedDetail, now: Timestamp) -> String {
        var text = "● " + feed.state.rawValue
        if detail != .state, let age = feed.age(at: now) { text += " " + age.ageText }
        return text + latencyText(for: feed, detail: detail)
    }

    private static func latencyText(for feed: FeedHealth, detail: FeedDetail) -> String {
        guard let p50 = feed.latencyP50Millis else { return "" }
        switch detail {
        case .full: return " lat p50 " + p50.fixed(places: 0) + "ms" + (feed.latencyP99Millis.map { " p99 " + $0.fixed(places: 0) + "ms" } ?? "")
        case .compact: return " lat " + p50.fixed(places: 0) + (feed.latencyP99Millis.map { "/" + $0.fixed(places: 0) } ?? "") + "ms"
        case .age, .state: return ""
        }
    }

    /// "binance-usdm ● live 0.2s lat p50 4ms p99 12ms": the state in its own role, the age of the
    /// last message, and venue event time → receipt latency.
    private func renderFeed(_ feed: FeedHealth, detail: FeedDetail, into buffer: inout Buffer, x start: Int, y: Int, limit: Int, glyphs: GlyphSet) -> Int {
        var x = buffer.put("  " + feed.venue + " ", x: start, y: y, style: Style(.text), limit: limit - start)
        let role = ThemeRole.forFeed(feed.state)
        let mark = feed.state == .down ? glyphs.disconnected : glyphs.connected
        x = buffer.put(String(mark) + " " + feed.state.rawValue, x: x, y: y, style: Style(role, bold: feed.state != .live), limit: limit - x)
        if detail != .state, let age = feed.age(at: snapshot.time) {
            x = buffer.put(" " + age.ageText, x: x, y: y, style: Style(role), limit: limit - x)
        }
        let latency = Self.latencyText(for: feed, detail: detail)
        if !latency.isEmpty { x = buffer.put(latency, x: x, y: y, style: Style(.muted), limit: limit - x) }
        return x
    }

    /// What the header's figures look like while cut off: the same as the panels' (`Dashboard`).
    static let old = Style(.muted, dim: true)

    /// Measured order round trips, each figure named: "rtt p50 11ms p99 1,511ms".
    static func roundTrip(median: Double, p99: Double?) -> String {
        "rtt p50 " + median.fixed(places: 0) + "ms" + (p99.map { " p99 " + $0.fixed(places: 0) + "ms" } ?? "")
    }

    /// "reconnecting… last data 12:00:03 (14 s ago)" while cut off from the server; nil when live.
    var banner: String? {
        guard case .disconnected(_, _, let stopped) = context.connection else { return nil }
        let age = dataAge.map { " (\($0.components.seconds) s ago)" } ?? ""
        return (stopped ? "server stopped, last data " : "reconnecting… last data ") + CivilTime(snapshot.time).clock + age
    }
}
