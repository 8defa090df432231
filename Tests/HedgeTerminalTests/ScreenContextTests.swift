@testable import HedgeCore
@testable import HedgeEngine
import Testing
@testable import HedgeTerminal

/// An attached screen: read-only watchers and cut-off screens refuse command keys at once and
/// show why; `q` detaches; stale data looks stale; the event log says who sent what.
@Suite struct ScreenContextTests {
    static var open: EngineSnapshot { ScreenInputTests.open }
    static let readOnly = ScreenContext(server: "desk", readOnlyReason: "this watcher attached with --read-only", watcherName: "watcher 3 (read-only)")
    static let steering = ScreenContext(server: "desk", watcherName: "watcher 2")
    static let cutOff = ConnectionState.disconnected(reason: "the server closed the connection", attempt: 2, serverStopped: false)

    static func lines(_ input: ScreenInput, _ snapshot: EngineSnapshot? = open, width: Int = 120, height: Int = 40) -> [String] {
        Dashboard(glyphs: .unicode).render(snapshot, input: input, width: width, height: height).lines()
    }

    // MARK: read-only

    @Test(arguments: ["c", "r", "a", "p", "K"])
    func aReadOnlyWatcherRefusesCommandKeysAtOnceWithoutADialog(key: Character) {
        var input = ScreenInput(context: Self.readOnly)
        let actions = input.handle(.character(key), snapshot: Self.open, now: .zero)
        #expect(actions == [.redraw])
        #expect(input.mode == .normal)
        #expect(input.status?.text == "read-only: commands refused (this watcher attached with --read-only)")
    }

    @Test(arguments: [80, 120])
    func aReadOnlyScreenSaysSoInTheHeaderAndKeyBar(width: Int) {
        let input = ScreenInput(context: Self.readOnly)
        let lines = Self.lines(input, width: width, height: width == 80 ? 24 : 40)
        #expect(lines[0].contains(" READ-ONLY "))
        let bar = lines[lines.count - 1]
        #expect(bar.hasPrefix(" q detach  read-only: commands refused  tab ↓ → next"))
        #expect(!bar.contains("c close") && !bar.contains("K kill"))
    }

    @Test func readOnlyStillWatches() {
        var input = ScreenInput(context: Self.readOnly)
        let answer1 = input.handle(.tab, snapshot: Self.open, now: .zero)
        #expect(answer1 == [.redraw])
        let answer2 = input.handle(.character("?"), snapshot: Self.open, now: .zero)
        #expect(answer2 == [.redraw])
        #expect(input.showingHelp)
        #expect(Self.lines(input).joined().contains("read-only: commands refused (this watcher attached with --read-only)"))
    }

    // MARK: detach

    @Test func qDetachesAtOnceWhenAttachedEvenWithASpreadOpen() {
        var input = ScreenInput(context: Self.steering)
        let answer3 = input.handle(.character("q"), snapshot: Self.open, now: .zero)
        #expect(answer3 == [.quit])
        let bar = Self.lines(input).last!
        #expect(bar.hasPrefix(" q detach  c close"))
        #expect(input.keyMap.bindings.first { $0.intent == .quit }?.help == "detach: leave this screen; the server keeps trading")
    }

    // MARK: disconnected

    @Test func whileCutOffCommandKeysAreRefusedAtOnce() {
        var input = ScreenInput(context: Self.steering)
        input.snapshotArrived(Self.open, now: .seconds(10))
        let changed = input.connectionChanged(to: Self.cutOff, now: .seconds(11))
        #expect(changed)
        let answer4 = input.handle(.character("c"), snapshot: Self.open, now: .seconds(12))
        #expect(answer4 == [.redraw])
        #expect(input.dialog == nil)
        #expect(input.status?.text == "reconnecting: commands refused until the server is back")
    }

    @Test func aDialogOpenWhenTheLinkDropsClosesAndSendsNothing() {
        var input = ScreenInput(context: Self.steering)
        _ = input.handle(.character("c"), snapshot: Self.open, now: .zero)
        #expect(input.dialog != nil)
        input.connectionChanged(to: Self.cutOff, now: .seconds(1))
        #expect(input.dialog == nil)
        let answer5 = input.handle(.character("y"), snapshot: Self.open, now: .seconds(2))
        #expect(answer5 == [.redraw])
    }

    @Test func staleDataLooksStale() {
        var input = ScreenInput(context: Self.steering)
        input.snapshotArrived(Self.open, now: .seconds(10))
        input.connectionChanged(to: Self.cutOff, now: .seconds(11))
        _ = input.tick(now: .seconds(24))
        let lines = Self.lines(input)
        #expect(lines[0].contains("reconnecting… last data 00:10:00 (14 s ago)"))
        #expect(lines[0].contains("binance-usdm ?"))
        #expect(!lines[0].contains("●") && !lines[0].contains("rtt"))
        #expect(lines.last!.contains("reconnecting: no commands"))
        let buffer = Dashboard(glyphs: .unicode).render(Self.open, input: input, width: 120, height: 40)
        let row = lines.firstIndex { $0.contains("MONITORING_SPREAD for") }!
        let column = Array(lines[row]).firstIndex(of: "M")!
        #expect(buffer[column, row].style == Style(.muted, dim: true))
    }

    @Test func whileCutOffEveryFigureIsDimmedTheHeaderToo() {
        var input = ScreenInput(context: Self.steering)
        input.snapshotArrived(Self.open, now: .seconds(10))
        input.connectionChanged(to: Self.cutOff, now: .seconds(11))
        let buffer = Dashboard(glyphs: .unicode).render(Self.open, input: input, width: 120, height: 40)
        let lines = buffer.lines()
        // Every drawn cell between the header and the key bar, and every header cell but the
        // banner saying so and the name: dim.
        let header = Array(lines[0])
        let banner = header.indices.filter { buffer[$0, 0].style == Style(.danger, bold: true, reverse: true) }
        #expect(banner.count >= " reconnecting… last data 00:10:00 ".count, "\(lines[0])")
        let name = 0..<" hedgetop ".count
        var bright: [String] = []
        for column in header.indices where header[column] != " " && !banner.contains(column) && !name.contains(column) && !buffer[column, 0].style.dim {
            bright.append("header \(column) '\(header[column])'")
        }
        for row in 1..<(lines.count - 1) {
            let characters = Array(lines[row])
            for column in characters.indices where characters[column] != " " && !buffer[column, row].style.dim {
                bright.append("row \(row) column \(column) '\(characters[column])'")
            }
        }
        #expect(bright.isEmpty, "not dimmed: \(bright.prefix(10))")
        #expect(lines[0].contains("PAPER") && lines[0].contains("binance-usdm ?"))
    }

    @Test func aServerThatSaidGoodbyeShowsAsStopped() {
        var input = ScreenInput(context: Self.steering)
        input.snapshotArrived(Self.open, now: .seconds(10))
        input.connectionChanged(to: .disconnected(reason: "the server desk is stopping", attempt: 1, serverStopped: true), now: .seconds(12))
        #expect(Self.lines(input)[0].contains("server stopped, last data 00:10:00 (2 s ago)"))
        _ = input.handle(.character("p"), snapshot: Self.open, now: .seconds(13))
        #expect(input.status?.text == "server stopped: commands refused until it is back")
    }

    @Test func reconnectedTheScreenIsLiveAgain() {
        var input = ScreenInput(context: Self.steering)
        input.snapshotArrived(Self.open, now: .seconds(10))
        input.connectionChanged(to: Self.cutOff, now: .seconds(11))
        input.connectionChanged(to: .connected, now: .seconds(12))
        let lines = Self.lines(input)
        #expect(lines[0].contains("00:10:00 UTC") && lines[0].contains("●"))
        let answer6 = input.handle(.character("p"), snapshot: Self.open, now: .seconds(13))
        #expect(answer6 == [.send(.pause, strategy: "cal-btc"), .redraw])
    }

    // MARK: event log

    @Test func anAnswerTheEngineLoggedIsOneLineNotTwo() {
        var input = ScreenInput(context: Self.steering)
        var snapshot = Self.open
        input.commandSent(id: 1, action: .pause, strategy: "cal-btc", now: .zero)
        snapshot.log.append(LogEntry(id: 9, time: SnapshotFixture.at(601), severity: .notice, strategy: "cal-btc",
                                     message: "pause accepted: no new spreads", commandID: 1, watcher: 2))
        snapshot.acknowledgements = [CommandAcknowledgement(commandID: 1, strategy: "cal-btc", accepted: true, message: "pause accepted: no new spreads",
                                                            time: SnapshotFixture.at(601))]
        input.snapshotArrived(snapshot, now: .seconds(1))
        #expect(input.notes.isEmpty)
        #expect(input.status?.text == "cal-btc: pause accepted: no new spreads")
        // The event log (the key bar's status line aside) holds it once.
        let log = Self.lines(input, snapshot).dropLast().filter { $0.contains("pause accepted") }
        #expect(log == [log.first!])
        #expect(log.first!.contains("cal-btc pause accepted: no new spreads (watcher 2)"))
    }

    @Test func anAnswerRefusedOnTheWayIsOneLineNamingTheWatcherAndTheStrategyOnce() {
        var input = ScreenInput(context: Self.readOnly)
        var snapshot = Self.open
        input.commandSent(id: 1, action: .close, strategy: "cal-btc", now: .zero)
        snapshot.acknowledgements = [CommandAcknowledgement(commandID: 1, accepted: false, message: "read-only watcher: attached with --read-only",
                                                            namesCommand: false, time: SnapshotFixture.at(601))]
        input.snapshotArrived(snapshot, now: .seconds(1))
        #expect(input.notes.map(\.message) == ["cal-btc close refused: read-only watcher: attached with --read-only"])
        #expect(Self.lines(input, snapshot).contains { $0.contains("watcher 3 (read-only) cal-btc close refused: read-only watcher") })
    }

    @Test func anEngineRefusalKeepsTheStrategyNameOnce() {
        let line = ScreenInput.logLine(for: CommandAcknowledgement(commandID: 1, strategy: "btc-basis", accepted: false, message: "close refused: nothing open",
                                                                   time: .zero), action: .close, strategy: "btc-basis")
        #expect(line == "btc-basis close refused: nothing open")
    }
}
