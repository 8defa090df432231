import HedgeCore
import HedgeEngine

/// A yes/no question drawn over the screen before anything irreversible is sent. Its text is
/// drawn from the newest snapshot on every frame (`ScreenInput.dialog`), so what it shows is
/// what `y` acts on at that moment.
public struct Dialog: Sendable, Hashable {
    public enum Purpose: Sendable, Hashable {
        case close(strategy: String)
        case rebalance(strategy: String)
        case adjust(AdjustDraft)
        /// The kill switch for one strategy.
        case killOne(strategy: String)
        case kill
        /// `p` on a halted strategy (the kill switch, or ERROR while paused): leaving the halt asks first.
        case resume(strategy: String)
        case quit
    }

    public var purpose: Purpose
    var title: String
    /// What will happen, one line each (the strategy, its legs, what gets flattened).
    public var lines: [String]
    /// Drawn in the danger colour (the kill switch).
    var danger: Bool
    /// Lines drawn in the warning colour after `lines`: what the trader must know before `y`.
    var warnings: [String] = []
    /// The answer line at the bottom.
    var prompt = "y/Enter: yes    n/Esc: no"
}

/// A line the screen itself adds to the event log (command answers, theme problems), stamped
/// with the engine time of the snapshot it arrived with.
public struct ScreenNote: Sendable, Hashable {
    public var time: Timestamp?
    /// Who it is from, in the event log's strategy column: "screen", or this watcher's name.
    public var source: String = "screen"
    public var severity: LogEntry.Severity
    public var message: String
}

/// The screen's interaction state as a value: keys and snapshots in, actions out. The loop does
/// the I/O (sending commands, switching theme, quitting); this decides. `now` is the screen's
/// uptime, so tests choose time freely.
public struct ScreenInput: Sendable {
    /// What the loop must do after an event.
    public enum Action: Sendable, Hashable {
        /// Leave the screen (quit, or detach when attached).
        case quit
        /// Send a command; report its id back through `commandSent`.
        case send(StrategyCommand, strategy: String?)
        /// Load the next theme; report the outcome through `themeChanged`.
        case nextTheme
        /// Draw again at the next frame.
        case redraw
        /// Re-measure the terminal and draw at once.
        case relayout
    }

    public enum Mode: Sendable, Hashable {
        case normal
        case help
        /// A dialog is up; its text is drawn from the newest snapshot (`dialog`).
        case confirm(Dialog.Purpose)
    }

    let keyMap: KeyMap
    /// Embedded or attached, read-only, connected: what the command keys may do.
    public private(set) var context: ScreenContext
    public private(set) var mode: Mode = .normal
    /// The strategy the keys act on, by name so it survives strategies coming and going.
    private(set) var selectedName: String?
    public private(set) var status: StatusMessage?
    /// Five minutes by default: long enough to see a cycle, and the picture shifts one column
    /// at a time, which keeps what is sent to the terminal small.
    private(set) var chartWindow: ChartWindow = .fiveMinutes
    /// Newest last, bounded.
    public private(set) var notes: [ScreenNote] = []
    /// The event log's scroll and filters (PgUp/PgDn, Home/End, `l`, `f`).
    public private(set) var logView = LogViewState()
    /// The strategies list's order and filter (`s`, `o`).
    public private(set) var strategyView = StrategyView()
    /// How many lines PgUp and PgDn move the event log: the panel's rows less one, so a line of
    /// the last page stays in sight. The loop sets it from the terminal's size.
    public var logPage = 3
    /// The newest snapshot seen: dialogs are drawn from it and `y` acts on it.
    public private(set) var latest: EngineSnapshot?
    /// Screen uptime when the engine's clock last moved: how old the picture is while cut off.
    private(set) var lastDataAt: Duration?
    /// The newest screen uptime this input was told of (keys, snapshots, ticks).
    public private(set) var clock: Duration = .zero
    /// Commands sent and not yet acknowledged: id → what was sent.
    private var awaiting: [UInt64: (action: StrategyCommand, strategy: String?)] = [:]
    private var lastEngineTime: Timestamp?

    static let briefly: Duration = .seconds(3)
    static let acknowledgementShown: Duration = .seconds(8)
    static let noteLimit = 50

    public init(context: ScreenContext = .embedded) {
        self.context = context
        self.keyMap = KeyMap.standard(for: context)
    }

    var showingHelp: Bool { mode == .help }

    /// How long ago the engine's clock last moved, while cut off from the server; nil when live.
    var staleFor: Duration? {
        guard !context.isConnected, let lastDataAt else { return nil }
        return max(.zero, clock - lastDataAt)
    }

    /// The open dialog as it reads now, from the newest snapshot.
    public var dialog: Dialog? {
        guard case .confirm(let purpose) = mode else { return nil }
        return DialogText.dialog(for: purpose, in: latest)
    }

    /// The event log panel for `snapshot`: the engine's lines and this screen's notes, filtered
    /// and scrolled as `logView` says.
    func eventLog(for snapshot: EngineSnapshot?) -> EventLogView {
        let strategies = snapshot?.strategies ?? []
        let selected = strategies.isEmpty ? nil : strategies[selectedIndex(in: snapshot)].name
        return EventLogView(entries: snapshot?.log ?? [], notes: notes, now: snapshot?.time, view: logView,
                            selected: selected, strategies: Set(strategies.map(\.name)))
    }

    /// Index of the selected strategy in `snapshot`: the first the list shows when the name is
    /// gone or filtered out (the first of all when the filter shows none).
    func selectedIndex(in snapshot: EngineSnapshot?) -> Int {
        guard let snapshot, !snapshot.strategies.isEmpty else { return 0 }
        let shown = shownStrategies(in: snapshot)
        let name = shown.contains { $0.name == selectedName } ? selectedName : shown.first?.name ?? selectedName
        return snapshot.strategies.firstIndex { $0.name == name } ?? 0
    }

    /// The strategies as the list shows them: filtered and sorted by `strategyView`.
    func shownStrategies(in snapshot: EngineSnapshot) -> [StrategySnapshot] {
        strategyView.apply(to: snapshot.strategies)
    }

    /// The connection changed (attach): a dialog that would send a command closes, since nothing
    /// can be sent. Returns whether the screen must be drawn again.
    @discardableResult
    mutating func connectionChanged(to connection: ConnectionState, now: Duration) -> Bool {
        clock = max(clock, now)
        guard connection != context.connection else { return false }
        context.connection = connection
        if let refusal = context.commandRefusal, case .confirm(let purpose) = mode, purpose != .quit {
            mode = .normal
            say(refusal, .warning, now: now, shown: nil)
        } else if connection == .connected, status?.expires == nil, status?.role == .warning {
            status = nil
        }
        return true
    }

    public mutating func handle(_ key: KeyPress, snapshot: EngineSnapshot?, now: Duration) -> [Action] {
        if let snapshot { latest = snapshot }
        clock = max(clock, now)
        let intent = keyMap.intent(for: key)
        if intent == .relayout { return [.relayout] }
        switch mode {
        case .help:
            // Any key closes help (htop's manners); it does nothing else.
            mode = .normal
            return [.redraw]
        case .confirm(let purpose):
            if case .adjust(let draft) = purpose { return handleInAdjust(key, intent: intent, draft: draft, now: now) }
            return handleInDialog(intent, purpose: purpose, now: now)
        case .normal:
            return handleNormal(intent, key: key, snapshot: snapshot, now: now)
        }
    }

    private mutating func handleInDialog(_ intent: ScreenIntent, purpose: Dialog.Purpose, now: Duration) -> [Action] {
        switch intent {
        case .confirm:
            mode = .normal
            if purpose == .quit { return [.quit] }
            if let refusal = context.commandRefusal { return refuse(refusal, now: now) }
            switch purpose {
            case .quit, .adjust: return [.redraw]
            case .close(let name):
                // `y` acts on what the dialog shows now: a spread that closed meanwhile is not news
                // for the engine.
                if let strategy = strategy(named: name), !Self.hasOpenSpread(strategy) {
                    return refuse("nothing to close: \(name) is flat (\(strategy.shownState)); nothing sent", now: now, about: strategy)
                }
                return [.send(.close, strategy: name), .redraw]
            case .rebalance(let name):
                if let strategy = strategy(named: name), let refusal = Self.rebalanceRefusal(strategy) {
                    return refuse(refusal + "; nothing sent", now: now, about: strategy)
                }
                return [.send(.rebalance, strategy: name), .redraw]
            case .resume(let name):
                if let strategy = strategy(named: name), !Self.isHalted(strategy) {
                    return refuse("nothing to resume: \(name) is \(strategy.shownState); nothing sent", now: now, about: strategy)
                }
                return [.send(.resume, strategy: name), .redraw]
            case .killOne(let name):
                say("kill switch sent for \(name): flattening it", .danger, now: now, shown: nil)
                return [.send(.kill, strategy: name), .redraw]
            case .kill:
                say("kill switch sent: flattening everything", .danger, now: now, shown: nil)
                return [.send(.kill, strategy: nil), .redraw]
            }
        case .cancel, .dismiss:
            mode = .normal
            say((DialogText.dialog(for: purpose, in: latest)?.title.lowercased() ?? "dialog") + " cancelled", .muted, now: now)
            return [.redraw]
        default:
            say("y or Enter confirms, n or Esc cancels", .warning, now: now)
            return [.redraw]
        }
    }

    /// Keys in the adjust dialog edit the draft; y/Enter sends it, r rebalances, n/Esc cancels.
    private mutating func handleInAdjust(_ key: KeyPress, intent: ScreenIntent, draft: AdjustDraft, now: Duration) -> [Action] {
        var draft = draft
        if let strategy = strategy(named: draft.strategy) { draft.canResize = strategy.state == .monitoring }
        switch key {
        case .character("+"), .character("="): draft.resize(by: 10)
        case .character("-"), .character("_"): draft.resize(by: -10)
        case .character("e"): draft.stepEntry(up: true)
        case .character("E"): draft.stepEntry(up: false)
        case .character("x"): draft.stepExit(up: true)
        case .character("X"): draft.stepExit(up: false)
        case .character("r"):
            mode = .normal
            if let refusal = context.commandRefusal { return refuse(refusal, now: now) }
            if let strategy = strategy(named: draft.strategy), let refusal = Self.rebalanceRefusal(strategy) {
                return refuse(refusal + "; nothing sent", now: now, about: strategy)
            }
            return [.send(.rebalance, strategy: draft.strategy), .redraw]
        case .character("k"):
            if let refusal = context.commandRefusal {
                mode = .normal
                return refuse(refusal, now: now)
            }
            mode = .confirm(.killOne(strategy: draft.strategy))
            return [.redraw]
        default:
            switch intent {
            case .confirm:
                mode = .normal
                if let refusal = context.commandRefusal { return refuse(refusal, now: now) }
                if !draft.canResize && draft.resizePercent != 0 {
                    // The spread closed while the dialog was up: the resize has nothing to act on.
                    draft.resizePercent = 0
                    say("no open spread to resize any more; resize not sent", .warning, now: now)
                }
                if draft.commands.isEmpty {
                    if draft.resizePercent == 0 && status?.role != .warning { say("adjust: nothing changed, nothing sent", .muted, now: now) }
                    return [.redraw]
                }
                return draft.commands.map { .send($0, strategy: draft.strategy) } + [.redraw]
            case .cancel, .dismiss:
                mode = .normal
                say("adjust cancelled", .muted, now: now)
                return [.redraw]
            default:
                say("+/- resize, e/E entry, x/X exit, r rebalance, y send, n cancel", .warning, now: now)
                return [.redraw]
            }
        }
        if !draft.canResize && draft.resizePercent != 0 {
            draft.resizePercent = 0
            say("no open spread to resize", .warning, now: now)
        }
        mode = .confirm(.adjust(draft))
        return [.redraw]
    }

    private mutating func handleNormal(_ intent: ScreenIntent, key: KeyPress, snapshot: EngineSnapshot?, now: Duration) -> [Action] {
        // A command acts on the strategy in sight only: under a filter that hides every strategy
        // there is none, and the first of all (hidden) is not a stand-in for it.
        let strategy = snapshot.flatMap { snapshot -> StrategySnapshot? in
            guard !snapshot.strategies.isEmpty else { return nil }
            let selected = snapshot.strategies[selectedIndex(in: snapshot)]
            return strategyView.shows(selected) ? selected : nil
        }
        let hiddenByFilter = strategy == nil && !(snapshot?.strategies.isEmpty ?? true)
        if intent.isCommand, let refusal = context.commandRefusal {
            // Refused at once, before any dialog: nothing this screen could confirm would be sent.
            return refuse(refusal, now: now)
        }
        switch intent {
        case .quit:
            return askToQuit(snapshot: snapshot)
        case .relayout:
            return [.relayout]
        case .toggleHelp:
            mode = .help
            return [.redraw]
        case .dismiss:
            status = nil
            return [.redraw]
        case .confirm, .cancel:
            say("nothing to confirm — press ? for help", .warning, now: now)
            return [.redraw]
        case .killSwitch:
            mode = .confirm(.kill)
            return [.redraw]
        case .closeSpread:
            guard let strategy else { return hiddenByFilter ? noneShown(now: now) : noStrategy(now: now) }
            guard Self.hasOpenSpread(strategy) else {
                return refuse("nothing to close: \(strategy.name) is flat (\(strategy.shownState))", now: now, about: strategy)
            }
            mode = .confirm(.close(strategy: strategy.name))
            return [.redraw]
        case .rebalance:
            guard let strategy else { return hiddenByFilter ? noneShown(now: now) : noStrategy(now: now) }
            // Offered only when the engine would act: something held, off the hedge ratio.
            if let refusal = Self.rebalanceRefusal(strategy) { return refuse(refusal, now: now, about: strategy) }
            mode = .confirm(.rebalance(strategy: strategy.name))
            return [.redraw]
        case .adjust:
            guard let strategy else { return hiddenByFilter ? noneShown(now: now) : noStrategy(now: now) }
            let draft = AdjustDraft(strategy: strategy.name, entry: strategy.entry, exit: strategy.exit,
                                    canResize: strategy.state == .monitoring)
            mode = .confirm(.adjust(draft))
            return [.redraw]
        case .togglePause:
            guard let strategy else { return hiddenByFilter ? noneShown(now: now) : noStrategy(now: now) }
            if Self.isHalted(strategy) {
                // Leaving a halt (the kill switch, or ERROR) lets the strategy trade again: ask.
                mode = .confirm(.resume(strategy: strategy.name))
                return [.redraw]
            }
            return [.send(strategy.paused ? .resume : .pause, strategy: strategy.name), .redraw]
        case .nextTheme:
            return [.nextTheme, .redraw]
        case .zoomIn, .zoomOut:
            let next = intent == .zoomIn ? chartWindow.shorter : chartWindow.longer
            if let next {
                chartWindow = next
                say("chart window " + next.label, .muted, now: now)
            } else {
                say(intent == .zoomIn ? "already the shortest window (1m)" : "already showing everything", .muted, now: now)
            }
            return [.redraw]
        case .nextStrategy, .previousStrategy:
            guard let snapshot, !snapshot.strategies.isEmpty else { return noStrategy(now: now) }
            // Through the list as it is shown: sorted, and only what the filter lets through.
            let shown = shownStrategies(in: snapshot)
            guard !shown.isEmpty else { return noneShown(now: now) }
            let current = snapshot.strategies[selectedIndex(in: snapshot)].name
            let position = shown.firstIndex { $0.name == current } ?? 0
            let step = intent == .nextStrategy ? 1 : shown.count - 1
            selectedName = shown[(position + step) % shown.count].name
            // The log follows the selection: another strategy's lines start from its newest.
            if logView.selectedOnly { logView.back = 0 }
            return [.redraw]
        case .logOlder, .logNewer, .logOldest, .logNewest:
            scrollLog(intent, snapshot: snapshot)
            return [.redraw]
        case .logSeverity:
            logView.nextSeverity()
            logView.back = 0
            let shown = switch logView.minimum {
            case .info: "every line"
            case .error: "errors only"
            default: "\(logView.minimum.rawValue) and worse"
            }
            say("event log: " + shown, .muted, now: now)
            return [.redraw]
        case .logStrategy:
            logView.selectedOnly.toggle()
            logView.back = 0
            let name = strategy?.name
            say(logView.selectedOnly ? "event log: only \(name ?? "the selected strategy") (follows the selection)" : "event log: every strategy", .muted, now: now)
            return [.redraw]
        case .sortStrategies:
            // The strategy in sight stays selected, wherever the new order puts it.
            pinSelection(in: snapshot)
            strategyView.order = strategyView.nextOrder()
            say("strategies " + (strategyView.orderLabel.map { $0 + (strategyView.order == .pnl ? ", worst first" : "") } ?? "as configured"), .muted, now: now)
            return [.redraw]
        case .filterStrategies:
            pinSelection(in: snapshot)
            strategyView.filter = strategyView.nextFilter()
            guard let snapshot else {
                say("strategies: " + (strategyView.filterLabel.map { $0 + " only" } ?? "all"), .muted, now: now)
                return [.redraw]
            }
            let shown = shownStrategies(in: snapshot)
            // The selection stays when it is still shown, else moves to the first that is.
            if let selectedName, !shown.contains(where: { $0.name == selectedName }) { self.selectedName = shown.first?.name ?? selectedName }
            let count = "\(shown.count) of \(snapshot.strategies.count)"
            say("strategies: " + (strategyView.filterLabel.map { "\($0) only, " + count } ?? "all \(snapshot.strategies.count)"), .muted, now: now)
            return [.redraw]
        case .unknown:
            say("unknown key \(key.label) — press ? for help", .warning, now: now)
            return [.redraw]
        }
    }

    /// Names the strategy in sight as the selection, so a new order or filter does not swap it
    /// for whichever comes first.
    private mutating func pinSelection(in snapshot: EngineSnapshot?) {
        guard selectedName == nil, let snapshot, !snapshot.strategies.isEmpty else { return }
        selectedName = snapshot.strategies[selectedIndex(in: snapshot)].name
    }

    /// The filter lets no strategy through: say which filter, and how to change it.
    private mutating func noneShown(now: Duration) -> [Action] {
        say("no strategy is \(strategyView.filterLabel ?? "shown") — o shows others", .warning, now: now)
        return [.redraw]
    }

    /// Scrolls the event log a page or to an end, never past its oldest line.
    private mutating func scrollLog(_ intent: ScreenIntent, snapshot: EngineSnapshot?) {
        let page = max(1, logPage)
        let oldest = max(0, eventLog(for: snapshot ?? latest).entries.count - (page + 1))
        switch intent {
        case .logOlder: logView.back = min(oldest, logView.back + page)
        case .logNewer: logView.back = max(0, min(oldest, logView.back) - page)
        case .logOldest: logView.back = oldest
        default: logView.back = 0
        }
    }

    /// Whether a strategy holds a position or is on its way in or out of one.
    static func hasOpenSpread(_ strategy: StrategySnapshot) -> Bool {
        if holdsPosition(strategy) { return true }
        switch strategy.state {
        case .openingLong, .openingShort, .monitoring, .adjusting, .closing, .unwinding: return true
        default: return false
        }
    }

    /// Whether either leg holds anything.
    static func holdsPosition(_ strategy: StrategySnapshot) -> Bool {
        Leg.allCases.contains { !strategy.legs[$0].quantity.isZero }
    }

    /// Whether `p` would lift a halt: ERROR (the kill switch's or a fault's) with the pause set,
    /// which is what makes `p` send a resume.
    static func isHalted(_ strategy: StrategySnapshot) -> Bool {
        strategy.state == .error && strategy.paused
    }

    /// Why a rebalance would do nothing now (flat, legs balanced, or not monitoring); nil when
    /// the engine would act on it.
    static func rebalanceRefusal(_ strategy: StrategySnapshot) -> String? {
        guard holdsPosition(strategy) else { return "nothing to rebalance: \(strategy.name) is flat (\(strategy.shownState))" }
        guard !strategy.rebalanceNeeded else { return nil }
        if strategy.state == .monitoring { return "nothing to rebalance: \(strategy.name)'s legs are balanced within one lot" }
        return "no rebalance while \(strategy.name) is \(strategy.shownState)"
    }

    /// `q`, and Ctrl-C: quit at once when nothing is open (or when attached: the server keeps
    /// trading), else ask.
    private mutating func askToQuit(snapshot: EngineSnapshot?) -> [Action] {
        if context.isAttached { return [.quit] }
        let open = snapshot?.strategies.filter(Self.hasOpenSpread) ?? []
        guard !open.isEmpty else { return [.quit] }
        mode = .confirm(.quit)
        return [.redraw]
    }

    /// Ctrl-C (SIGINT) on the screen: asks like `q` while a spread is open; a second Ctrl-C
    /// while the quit dialog is up quits anyway.
    public mutating func interrupted(snapshot: EngineSnapshot?, now: Duration) -> [Action] {
        if let snapshot { latest = snapshot }
        clock = max(clock, now)
        if mode == .confirm(.quit) { return [.quit] }
        return askToQuit(snapshot: snapshot ?? latest)
    }

    private func strategy(named name: String) -> StrategySnapshot? {
        latest?.strategies.first { $0.name == name }
    }

    /// The loop sent a command and got its id: remember it until the engine answers.
    mutating func commandSent(id: UInt64, action: StrategyCommand, strategy: String?, now: Duration) {
        awaiting[id] = (action, strategy)
        if action != .kill {
            let what = action.sentLabel + (strategy.map { " \($0)" } ?? " all")
            say("\(what) sent (#\(id)), waiting for the engine", .muted, now: now, shown: nil)
        }
    }

    /// Takes in a new snapshot: shows the engine's answer to any command we sent.
    /// Returns whether the status line changed.
    @discardableResult
    mutating func snapshotArrived(_ snapshot: EngineSnapshot, now: Duration) -> Bool {
        clock = max(clock, now)
        if snapshot.time != lastEngineTime { lastDataAt = now }
        lastEngineTime = snapshot.time
        if logView.back > 0 {
            // Scrolled back, the lines in sight stay put while new ones arrive below them.
            let seen = latest?.log.last?.id ?? 0
            let view = eventLog(for: snapshot)
            logView.back += snapshot.log.filter { $0.id > seen && view.view.shows($0, selected: view.selected, strategies: Set(snapshot.strategies.map(\.name))) }.count
        }
        latest = snapshot
        var changed = false
        for acknowledgement in snapshot.acknowledgements {
            guard let sent = awaiting.removeValue(forKey: acknowledgement.commandID) else { continue }
            let text = acknowledgement.accepted ? acknowledgement.text : "refused: " + acknowledgement.text
            status = StatusMessage(text: text, role: acknowledgement.accepted ? .profit : .danger, expires: now + Self.acknowledgementShown)
            // The answer speaks of the strategy as it is in this snapshot (all of them, for a
            // command sent to all).
            let named = acknowledgement.strategy ?? sent.strategy
            status?.about = snapshot.strategies.filter { named == nil || $0.name == named }.map(StrategyStamp.init)
            status?.gist = sent.action.verb + (acknowledgement.accepted ? " accepted" : " refused")
            // The engine logs what its strategies answer, once, for every screen; only answers
            // that never reached a strategy (refused on the way) need a line of their own here.
            if acknowledgement.strategy == nil {
                note(Self.logLine(for: acknowledgement, action: sent.action, strategy: sent.strategy),
                     acknowledgement.accepted ? .notice : .warning, time: acknowledgement.time)
            }
            changed = true
        }
        if replaceUntrueStatus(in: snapshot, now: now) { changed = true }
        return changed
    }

    /// An answer about a strategy whose state, pause or halt has changed since is no longer
    /// true: it gives way to what is true now, for a moment.
    private mutating func replaceUntrueStatus(in snapshot: EngineSnapshot, now: Duration) -> Bool {
        guard let about = status?.about, !about.isEmpty else { return false }
        let strategies = Dictionary(snapshot.strategies.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        guard let changed = about.first(where: { stamp in strategies[stamp.name].map(StrategyStamp.init) != stamp }) else { return false }
        let gist = status?.gist
        let lead = gist.map { $0 + "; " } ?? ""
        guard let strategy = strategies[changed.name] else {
            say(lead + "\(changed.name) is no longer running", .muted, now: now)
            return true
        }
        say(lead + "\(strategy.name) is now \(strategy.shownState)" + (strategy.shownPaused ? ", paused" : ""), .muted, now: now)
        status?.about = [StrategyStamp(strategy)]
        status?.gist = gist
        return true
    }

    /// One event-log line for an answer: the strategy once, the action once.
    static func logLine(for acknowledgement: CommandAcknowledgement, action: StrategyCommand, strategy: String?) -> String {
        let message = strategy != nil && acknowledgement.strategy == strategy ? acknowledgement.message : acknowledgement.text
        let body = acknowledgement.namesCommand ? message : "\(action.verb) " + (acknowledgement.accepted ? "" : "refused: ") + message
        return (strategy.map { $0 + " " } ?? "") + body
    }

    /// The loop switched theme (or could not): say which, or why not.
    mutating func themeChanged(to name: String, problem: String?, now: Duration) {
        if let problem {
            say(problem, .danger, now: now, shown: Self.acknowledgementShown)
            note(problem, .error)
        } else {
            say("theme " + name, .muted, now: now)
        }
    }

    /// Drops an expired status message; returns whether the screen must be drawn again.
    public mutating func tick(now: Duration) -> Bool {
        clock = max(clock, now)
        guard let expires = status?.expires, now >= expires else { return false }
        status = nil
        return true
    }

    /// Shows a message from outside the keys (a terminal notice, the engine stopping); with
    /// `log`, it also goes into the event log.
    public mutating func show(_ message: StatusMessage, log severity: LogEntry.Severity? = nil) {
        status = message
        if let severity { note(message.text, severity) }
    }

    /// Puts `text` on the status line for `shown` (nil: until replaced).
    private mutating func say(_ text: String, _ role: ThemeRole, now: Duration, shown: Duration? = ScreenInput.briefly) {
        status = StatusMessage(text: text, role: role, expires: shown.map { now + $0 })
    }

    /// Says why nothing was sent, long enough to read; a reason that names `about`'s state is
    /// withdrawn when that state changes.
    private mutating func refuse(_ text: String, now: Duration, about strategy: StrategySnapshot? = nil) -> [Action] {
        say(text, .warning, now: now, shown: Self.acknowledgementShown)
        if let strategy { status?.about = [StrategyStamp(strategy)] }
        return [.redraw]
    }

    private mutating func note(_ message: String, _ severity: LogEntry.Severity, time: Timestamp? = nil) {
        notes.append(ScreenNote(time: time ?? lastEngineTime, source: context.watcherName ?? "screen", severity: severity, message: message))
        if notes.count > Self.noteLimit { notes.removeFirst(notes.count - Self.noteLimit) }
    }

    private mutating func noStrategy(now: Duration) -> [Action] {
        say("no strategy to act on", .warning, now: now)
        return [.redraw]
    }
}
