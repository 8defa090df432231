@testable import HedgeCore
@testable import HedgeEngine
import Testing
@testable import HedgeTerminal

@Suite struct DashboardTests {
    func render(width: Int, height: Int, glyphs: GlyphSet = .unicode, input: ScreenInput = ScreenInput()) -> [String] {
        Dashboard(glyphs: glyphs).render(SnapshotFixture.snapshot, input: input, width: width, height: height).lines()
    }

    /// Every prefix of the key bar that ends between two keys, with the gap after it.
    static func keyPrefixes(_ bar: KeyBar) -> [String] {
        var prefixes = [""]
        for segment in bar.segments {
            prefixes.append(prefixes.last! + (segment.refused ? " \(segment.words) " : " \(segment.key) \(segment.words) "))
        }
        return prefixes
    }

    @Test(arguments: [80, 120])
    func aStatusMessageNeverOverwritesAKeyMidWord(width: Int) {
        let words = "btc-basis: resume accepted: new spreads may open again once the market is back inside the entry band"
        for length in 1...words.count {
            let text = String(words.prefix(length))
            let bar = KeyBar(keyMap: .standard, status: StatusMessage(text: text, role: .profit, expires: nil))
            var buffer = Buffer(width: width, height: 1)
            bar.render(into: &buffer, area: buffer.area, glyphs: .unicode)
            let line = buffer.lines()[0]
            let shown = Buffer.fitted(text, to: width - 1, ellipsis: "…")
            // Whole keys, then at least one blank, then the whole message.
            let fits = Self.keyPrefixes(bar).contains { keys in line.hasPrefix(keys + " " + shown) }
            #expect(fits, "\(width) cols, \(length) chars: \(line)")
        }
    }

    @Test(arguments: [(120, 40), (80, 24), (200, 60)])
    func fullLayoutShowsTheStrategy(width: Int, height: Int) {
        let lines = render(width: width, height: height)
        #expect(lines.count == height)
        #expect(lines.allSatisfy { $0.count == width })
        let text = lines.joined(separator: "\n")
        #expect(text.contains("MONITORING_SPREAD"))
        #expect(text.contains("for 3m12s")) // 600 s − 408 s = 192 s
        #expect(text.contains("+44.5 bps"))
        #expect(text.contains("BTCUSDT_240927"))
        #expect(text.contains("BTCUSDT_241227"))
        #expect(text.contains("+9.55")) // net PnL
        for title in ["┤ Spread · cal-btc", "┤ State ├", "┤ PnL (USD) · 5m ├", "┤ Legs ├", "┤ Events ├"] {
            #expect(text.contains(title), "missing box \(title)")
        }
        #expect(lines[0].contains("00:10:00 UTC"))
        #expect(lines[0].contains("PAPER"))
        #expect(lines[height - 1].contains("q quit"))
    }

    @Test func wideLayoutShowsFiguresAndTransitions() {
        let text = render(width: 120, height: 40).joined(separator: "\n")
        #expect(text.contains("z +1.23"))
        #expect(text.contains("mean +40.2") || text.contains("mean +40.3"))
        #expect(text.contains("basis +5.12%/y"))
        #expect(text.contains("entry |z| >= 2.0"))
        #expect(text.contains("→ MONITORING_SPREAD  both legs filled"))
        #expect(text.contains("long"))
        #expect(text.contains("short"))
        #expect(text.contains("+30.20 USDT"))
        #expect(text.contains("WARNING"))
        #expect(text.contains("leg B quote stale 2s"))
    }

    @Test(arguments: [(40, 10), (79, 24), (80, 23), (1, 1), (0, 0)])
    func tooSmallShowsTheNotice(width: Int, height: Int) {
        let lines = render(width: width, height: height)
        #expect(lines.count == height)
        if width >= 40 {
            #expect(lines.joined().contains("terminal too small"))
        }
    }

    @Test func tooSmallNoticeNamesBothSizes() {
        let text = render(width: 60, height: 10).joined(separator: "\n")
        #expect(text.contains("terminal too small: need 80×24, have 60×10"))
    }

    @Test(arguments: [(120, 40), (80, 24), (40, 10)])
    func asciiFallbackIsPureASCII(width: Int, height: Int) {
        let lines = render(width: width, height: height, glyphs: .ascii)
        #expect(lines.allSatisfy { $0.allSatisfy(\.isASCII) })
        if width >= 80 {
            #expect(lines.joined().contains("[ State ]"))
            #expect(lines.joined().contains("*"))
        }
    }

    @Test func pausedAndHaltReasonAreVisible() {
        var snapshot = SnapshotFixture.snapshot
        snapshot.strategies[0].paused = true
        snapshot.strategies[0].state = .error
        snapshot.strategies[0].haltReason = "leg B rejected: insufficient margin"
        let text = Dashboard(glyphs: .unicode).render(snapshot, input: ScreenInput(), width: 120, height: 40).lines().joined(separator: "\n")
        #expect(text.contains("PAUSED"))
        #expect(text.contains("halt: leg B rejected: insufficient margin"))
        #expect(text.contains("ERROR"))
    }

    @Test func waitsForTheFirstSnapshot() {
        let text = Dashboard(glyphs: .unicode).render(nil, input: ScreenInput(), width: 80, height: 24).lines().joined()
        #expect(text.contains("waiting for the engine"))
    }

    @Test func helpListsEveryKey() {
        var input = ScreenInput()
        _ = input.handle(.character("?"), snapshot: SnapshotFixture.snapshot, now: .zero)
        let text = render(width: 120, height: 40, input: input).joined(separator: "\n")
        // A binding with no help line of its own shares the line before it (PgDn with PgUp):
        // its key is named there.
        for binding in KeyMap.standard.bindings {
            #expect(binding.help.isEmpty ? text.contains(binding.label) : text.contains(binding.help), "\(binding.label)")
        }
    }

    @Test func stateColourFollowsTheStateGroup() {
        let buffer = Dashboard(glyphs: .unicode).render(SnapshotFixture.snapshot, input: ScreenInput(), width: 120, height: 40)
        let lines = buffer.lines()
        let row = try! #require(lines.firstIndex { $0.contains("MONITORING_SPREAD for") })
        let column = lines[row].distance(from: lines[row].startIndex, to: lines[row].range(of: "MONITORING_SPREAD for")!.lowerBound)
        #expect(buffer[column, row].style.role == .stateMonitoring)
        #expect(buffer[column, row].style.bold)
    }
}
