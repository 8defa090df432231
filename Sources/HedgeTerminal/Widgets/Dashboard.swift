import HedgeCore
import HedgeEngine

/// The whole screen for one snapshot: lays the panels out for the terminal's size and draws
/// them. Pure: the same snapshot, input and size always give the same grid.
public struct Dashboard: Sendable {
    /// Below this the panels cannot hold their figures; a notice is shown instead.
    public static let minimumWidth = 80
    public static let minimumHeight = 24

    public var glyphs: GlyphSet

    public init(glyphs: GlyphSet) { self.glyphs = glyphs }

    public func render(_ snapshot: EngineSnapshot?, input: ScreenInput, width: Int, height: Int) -> Buffer {
        var buffer = Buffer(width: width, height: height)
        draw(snapshot, input: input, into: &buffer)
        if !glyphs.braille { buffer.replaceNonASCII() }
        return buffer
    }

    private func draw(_ snapshot: EngineSnapshot?, input: ScreenInput, into buffer: inout Buffer) {
        let area = buffer.area
        guard area.width >= Self.minimumWidth, area.height >= Self.minimumHeight else {
            CentredNotice(lines: ["terminal too small: need \(Self.minimumWidth)×\(Self.minimumHeight), have \(area.width)×\(area.height)",
                                  "enlarge the window, or press q to quit"],
                          style: Style(.warning, bold: true)).render(into: &buffer, area: area, glyphs: glyphs)
            return
        }
        let (header, rest) = area.splitTop(1)
        let (body, footer) = rest.splitBottom(1)
        KeyBar(keyMap: input.keyMap, status: input.status).render(into: &buffer, area: footer, glyphs: glyphs)
        guard let snapshot else {
            CentredNotice(lines: ["waiting for the engine's first snapshot…"], style: Style(.muted))
                .render(into: &buffer, area: body, glyphs: glyphs)
            return
        }
        let selected = input.selectedIndex(in: snapshot)
        HeaderBar(snapshot: snapshot, selected: selected).render(into: &buffer, area: header, glyphs: glyphs)
        guard !snapshot.strategies.isEmpty else {
            let (top, logArea) = body.splitBottom(max(4, body.height / 3))
            CentredNotice(lines: ["no strategies running"], style: Style(.muted)).render(into: &buffer, area: top, glyphs: glyphs)
            EventLogView(entries: snapshot.log).render(into: &buffer, area: logArea, glyphs: glyphs)
            return
        }
        let strategy = snapshot.strategies[selected]
        // Bottom up: the log grows with the screen, the legs table has a fixed height, and the
        // charts take what is left (the spread chart gets the most width: it is what is traded).
        let logRows = min(10, max(4, body.height / 5))
        let (upper, logArea) = body.splitBottom(logRows)
        let (panels, legsArea) = upper.splitBottom(5)
        let (spreadArea, side) = panels.splitLeft(panels.width * 3 / 5)
        let (stateArea, pnlArea) = side.splitTop(side.height / 2)
        SpreadPanel(strategy: strategy, position: (selected, snapshot.strategies.count))
            .render(into: &buffer, area: spreadArea, glyphs: glyphs)
        StatePanel(strategy: strategy, now: snapshot.time).render(into: &buffer, area: stateArea, glyphs: glyphs)
        PnLPanel(pnl: strategy.pnl, series: strategy.pnlSeries).render(into: &buffer, area: pnlArea, glyphs: glyphs)
        LegsTable(legs: strategy.legs).render(into: &buffer, area: legsArea, glyphs: glyphs)
        EventLogView(entries: snapshot.log).render(into: &buffer, area: logArea, glyphs: glyphs)
        if input.showingHelp { HelpOverlay(keyMap: input.keyMap).render(into: &buffer, area: body, glyphs: glyphs) }
    }
}

extension Buffer {
    /// For terminals without UTF-8: look-alikes for the few symbols we print, '?' for the rest
    /// (names and messages from the engine may hold any character).
    mutating func replaceNonASCII() {
        let lookalikes: [Character: Character] = ["…": "~", "—": "-", "–": "-", "→": ">", "›": ">", "·": "-", "×": "x", "●": "*", "○": "o"]
        for y in 0..<height {
            for x in 0..<width where !self[x, y].character.isASCII {
                self[x, y].character = lookalikes[self[x, y].character] ?? "?"
            }
        }
    }
}
