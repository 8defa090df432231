import Foundation
@testable import HedgeCore
@testable import HedgeEngine
import Testing
@testable import HedgeTerminal

/// The event log panel: PgUp/PgDn and Home/End scroll it, `l` raises the severity shown, `f`
/// shows only the selected strategy's lines and follows the selection; golden text for each.
/// Re-record with `HEDGETOP_RECORD=1 swift test --filter EventLogViewTests`.
@Suite struct EventLogViewTests {
    /// Two strategies and 30 numbered lines: every third about basis-eth, every fifth a warning,
    /// line 12 an error, line 20 a venue outage (about no strategy).
    static var snapshot: EngineSnapshot {
        var snapshot = SnapshotFixture.snapshot
        var second = SnapshotFixture.strategy
        second.name = "basis-eth"
        snapshot.strategies.append(second)
        snapshot.log = (1...30).map { number in
            let severity: LogEntry.Severity = number == 12 ? .error : number % 5 == 0 ? .warning : .info
            let strategy: String? = number == 20 ? nil : number % 3 == 0 ? "basis-eth" : "cal-btc"
            let message = number == 20 ? "venue binance-usdm down: orders and cancels sent to it are lost until it is back" : "line \(number)"
            return LogEntry(id: UInt64(number), time: SnapshotFixture.at(Int64(number) * 10), severity: severity, strategy: strategy, message: message)
        }
        return snapshot
    }

    /// The panel as the screen draws it, 100×8 (six lines), after `keys`.
    static func panel(after keys: [KeyPress], snapshot: EngineSnapshot = snapshot) -> [String] {
        var input = ScreenInput()
        input.logPage = 5
        for key in keys { _ = input.handle(key, snapshot: snapshot, now: .zero) }
        var buffer = Buffer(width: 100, height: 8, asciiOnly: false)
        input.eventLog(for: snapshot).render(into: &buffer, area: buffer.area, glyphs: .unicode)
        return buffer.lines().map { $0.replacingOccurrences(of: " +$", with: "", options: .regularExpression) }
    }

    /// The numbers of the "line N" messages shown, top to bottom (the outage line as 20).
    static func numbers(_ lines: [String]) -> [Int] {
        lines.compactMap { line in
            if line.contains("venue binance-usdm down") { return 20 }
            guard let range = line.range(of: #"line \d+"#, options: .regularExpression) else { return nil }
            return Int(line[range].dropFirst(5))
        }
    }

    @Test func showsTheNewestLinesUntilScrolled() {
        #expect(Self.numbers(Self.panel(after: [])) == Array(25...30))
    }

    @Test func pageUpAndDownMoveAPageLessOneLine() {
        #expect(Self.numbers(Self.panel(after: [.pageUp])) == Array(20...25))
        #expect(Self.numbers(Self.panel(after: [.pageUp, .pageUp])) == Array(15...20))
        #expect(Self.numbers(Self.panel(after: [.pageUp, .pageUp, .pageDown])) == Array(20...25))
        #expect(Self.numbers(Self.panel(after: [.pageDown])) == Array(25...30))
    }

    @Test func homeShowsTheOldestAndEndFollowsAgain() {
        #expect(Self.numbers(Self.panel(after: [.home])) == Array(1...6))
        // Past the oldest line a page older changes nothing; one newer moves at once.
        #expect(Self.numbers(Self.panel(after: [.home, .pageUp])) == Array(1...6))
        #expect(Self.numbers(Self.panel(after: [.home, .pageUp, .pageDown])) == Array(6...11))
        #expect(Self.numbers(Self.panel(after: [.home, .end])) == Array(25...30))
    }

    @Test func scrolledBackTheLinesInSightStayWhileNewOnesArrive() {
        var input = ScreenInput()
        input.logPage = 5
        var snapshot = Self.snapshot
        input.snapshotArrived(snapshot, now: .zero)
        _ = input.handle(.pageUp, snapshot: snapshot, now: .zero)
        snapshot.log.append(LogEntry(id: 31, time: SnapshotFixture.at(310), severity: .info, strategy: "cal-btc", message: "line 31"))
        input.snapshotArrived(snapshot, now: .seconds(1))
        var buffer = Buffer(width: 100, height: 8, asciiOnly: false)
        input.eventLog(for: snapshot).render(into: &buffer, area: buffer.area, glyphs: .unicode)
        #expect(Self.numbers(buffer.lines()) == Array(20...25))
        _ = input.handle(.end, snapshot: snapshot, now: .seconds(2))
        buffer = Buffer(width: 100, height: 8, asciiOnly: false)
        input.eventLog(for: snapshot).render(into: &buffer, area: buffer.area, glyphs: .unicode)
        #expect(Self.numbers(buffer.lines()) == Array(26...31))
    }

    @Test func lRaisesTheSeverityShownAndGoesRound() {
        #expect(Self.numbers(Self.panel(after: [.character("l")])) == [10, 12, 15, 20, 25, 30])
        #expect(Self.numbers(Self.panel(after: [.character("l"), .character("l"), .character("l")])) == [12])
        #expect(Self.numbers(Self.panel(after: Array(repeating: .character("l"), count: 4))) == Array(25...30))
    }

    @Test func fShowsTheSelectedStrategyAndFollowsTheSelection() {
        // cal-btc is selected first: its lines, and the outage, which concerns every strategy.
        let calendar = Self.numbers(Self.panel(after: [.character("f")]))
        #expect(calendar == [22, 23, 25, 26, 28, 29])
        let basis = Self.numbers(Self.panel(after: [.character("f"), .tab]))
        #expect(basis == [18, 20, 21, 24, 27, 30])
        #expect(Self.numbers(Self.panel(after: [.character("f"), .character("f")])) == Array(25...30))
    }

    @Test func theHelpAndTheKeysAgree() {
        for (key, intent) in [(KeyPress.pageUp, ScreenIntent.logOlder), (.pageDown, .logNewer), (.home, .logOldest),
                              (.end, .logNewest), (.character("l"), .logSeverity), (.character("f"), .logStrategy)] {
            #expect(KeyMap.standard.intent(for: key) == intent)
        }
        var buffer = Buffer(width: 80, height: 22, asciiOnly: false)
        HelpOverlay(keyMap: .standard).render(into: &buffer, area: buffer.area, glyphs: .unicode)
        let text = buffer.lines().joined(separator: "\n")
        for words in ["PgUp PgDn", "Home End: oldest / newest", "l f", "f: this strategy only", "any key closes this help"] {
            #expect(text.contains(words))
        }
    }

    @Test func thePageFollowsTheLayout() {
        // 80×24: a log of four rows, two inside the box; 200×60: thirteen rows, eleven inside.
        #expect(Dashboard.logPage(width: 80, height: 24) == 1)
        #expect(Dashboard.logPage(width: 200, height: 60) == 10)
    }

    static let goldenCases: [(String, [KeyPress])] = [
        ("newest", []),
        ("back", [.pageUp, .pageUp]),
        ("warnings", [.character("l"), .character("l")]),
        ("selected", [.character("f"), .tab, .pageUp]),
        ("nothing", [.character("f"), .character("l"), .character("l"), .character("l"), .tab]),
    ]

    @Test(arguments: goldenCases.map(\.0))
    func panelMatchesItsExpectedText(name: String) throws {
        let keys = try #require(Self.goldenCases.first { $0.0 == name }?.1)
        var snapshot = Self.snapshot
        if name == "nothing" { snapshot.log.removeAll { $0.severity == .error || $0.strategy == nil } }
        let actual = Self.panel(after: keys, snapshot: snapshot)
        try GoldenText.check(actual, against: "events-view-\(name)-100x8.txt")
    }
}
