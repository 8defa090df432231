import HedgeCore
import HedgeEngine

/// A yes/no question drawn over the screen before anything irreversible is sent.
public struct Dialog: Sendable, Hashable {
    public enum Purpose: Sendable, Hashable {
        case close(strategy: String)
        case rebalance(strategy: String)
        case adjust(AdjustDraft)
        /// The kill switch for one strategy.
        case killOne(strategy: String)
        case kill
        case quit
    }

    public var purpose: Purpose
    public var title: String
    /// What will happen, one line each (the strategy, its legs, what gets flattened).
    public var lines: [String]
    /// Drawn in the danger colour (the kill switch).
    public var danger: Bool
}

/// A line the screen itself adds to the event log (command answers, theme problems), stamped
/// with the engine time of the snapshot it arrived with.
public struct ScreenNote: Sendable, Hashable {
    public var time: Timestamp?
    public var severity: LogEntry.Severity
    public var message: String
}

/// The screen's interaction state as a value: keys and snapshots in, actions out. The loop does
/// the I/O (sending commands, switching theme, quitting); this decides. `now` is the screen's
/// uptime, so tests choose time freely.
public struct ScreenInput: Sendable {
    /// What the loop must do after an event.
    public enum Action: Sendable, Hashable {
        /// Leave the screen.
        case quit
        /// Send a command; report its id back through `commandSent`.
        case send(EngineCommand.Action, strategy: String?)
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
        case confirm(Dialog)
    }

    public let keyMap: KeyMap
    public private(set) var mode: Mode = .normal
    /// The strategy the keys act on, by name so it survives strategies coming and going.
    public private(set) var selectedName: String?
    public private(set) var status: StatusMessage?
    /// Five minutes by default: long enough to see a cycle, and the picture shifts one column
    /// at a time, which keeps what is sent to the terminal small.
    public private(set) var chartWindow: ChartWindow = .fiveMinutes
    /// Newest last, bounded.
    public private(set) var notes: [ScreenNote] = []
    /// Commands sent and not yet acknowledged: id → what was sent, for the status line.
    private var awaiting: [UInt64: String] = [:]
    private var lastEngineTime: Timestamp?

    static let briefly: Duration = .seconds(3)
    static let acknowledgementShown: Duration = .seconds(8)
    static let noteLimit = 50

    public init(keyMap: KeyMap = .standard) { self.keyMap = keyMap }

    public var showingHelp: Bool { mode == .help }
    public var dialog: Dialog? {
        if case .confirm(let dialog) = mode { return dialog }
        return nil
    }

    /// Index of the selected strategy in `snapshot` (the first when the name is gone).
    public func selectedIndex(in snapshot: EngineSnapshot?) -> Int {
        guard let snapshot, !snapshot.strategies.isEmpty else { return 0 }
        return snapshot.strategies.firstIndex { $0.name == selectedName } ?? 0
    }

    public mutating func handle(_ key: KeyPress, snapshot: EngineSnapshot?, now: Duration) -> [Action] {
        let intent = keyMap.intent(for: key)
        if intent == .relayout { return [.relayout] }
        switch mode {
        case .help:
            // Any key closes help (htop's manners); it does nothing else.
            mode = .normal
            return [.redraw]
        case .confirm(let dialog):
            if case .adjust(let draft) = dialog.purpose { return handleInAdjust(key, intent: intent, draft: draft, now: now) }
            return handleInDialog(intent, dialog: dialog, now: now)
        case .normal:
            return handleNormal(intent, key: key, snapshot: snapshot, now: now)
        }
    }

    private mutating func handleInDialog(_ intent: ScreenIntent, dialog: Dialog, now: Duration) -> [Action] {
        switch intent {
        case .confirm:
            mode = .normal
            switch dialog.purpose {
            case .quit: return [.quit]
            case .close(let name): return [.send(.close, strategy: name), .redraw]
            case .rebalance(let name): return [.send(.rebalance, strategy: name), .redraw]
            case .adjust(let draft): return draft.commands.map { .send($0, strategy: draft.strategy) } + [.redraw]
            case .killOne(let name):
                say("kill switch sent for \(name): flattening it", .danger, now: now, shown: nil)
                return [.send(.kill, strategy: name), .redraw]
            case .kill:
                say("kill switch sent: flattening everything", .danger, now: now, shown: nil)
                return [.send(.kill, strategy: nil), .redraw]
            }
        case .cancel, .dismiss:
            mode = .normal
            say(dialog.title.lowercased() + " cancelled", .muted, now: now)
            return [.redraw]
        default:
            say("y or Enter confirms, n or Esc cancels", .warning, now: now)
            return [.redraw]
        }
    }

    /// Keys in the adjust dialog edit the draft; y/Enter sends it, r rebalances, n/Esc cancels.
    private mutating func handleInAdjust(_ key: KeyPress, intent: ScreenIntent, draft: AdjustDraft, now: Duration) -> [Action] {
        var draft = draft
        switch key {
        case .character("+"), .character("="): draft.resize(by: 10)
        case .character("-"), .character("_"): draft.resize(by: -10)
        case .character("e"): draft.stepEntry(up: true)
        case .character("E"): draft.stepEntry(up: false)
        case .character("x"): draft.stepExit(up: true)
        case .character("X"): draft.stepExit(up: false)
        case .character("r"):
            mode = .normal
            return [.send(.rebalance, strategy: draft.strategy), .redraw]
        case .character("k"):
            let lines = ["\(draft.strategy): every leg is flattened, then this strategy halts until resumed.",
                         "Other strategies keep trading."]
            mode = .confirm(Dialog(purpose: .killOne(strategy: draft.strategy), title: "KILL \(draft.strategy)", lines: lines, danger: true))
            return [.redraw]
        default:
            switch intent {
            case .confirm:
                mode = .normal
                if draft.commands.isEmpty {
                    say("adjust: nothing changed, nothing sent", .muted, now: now)
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
        mode = .confirm(Dialog(purpose: .adjust(draft), title: "Adjust", lines: draft.lines, danger: false))
        return [.redraw]
    }

    private mutating func handleNormal(_ intent: ScreenIntent, key: KeyPress, snapshot: EngineSnapshot?, now: Duration) -> [Action] {
        let strategy = snapshot.flatMap { $0.strategies.isEmpty ? nil : $0.strategies[selectedIndex(in: $0)] }
        switch intent {
        case .quit:
            let open = snapshot?.strategies.filter(Self.hasOpenSpread) ?? []
            guard !open.isEmpty else { return [.quit] }
            let lines = open.map { "\($0.name): \($0.state.rawValue), " + Self.legSummary($0) }
                + ["Quitting leaves these positions open on the venues."]
            mode = .confirm(Dialog(purpose: .quit, title: "Quit", lines: lines, danger: false))
            return [.redraw]
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
            var lines: [String] = []
            for item in snapshot?.strategies ?? [] {
                let held = Leg.allCases.filter { !item.legs[$0].quantity.isZero }
                if held.isEmpty {
                    lines.append("\(item.name): nothing held")
                } else {
                    for leg in held {
                        let snap = item.legs[leg]
                        let side = snap.quantity.isPositive ? "sell" : "buy"
                        lines.append("\(item.name) leg \(leg): \(side) \(snap.quantity.magnitude) \(snap.instrument.symbol) on \(snap.instrument.venue)")
                    }
                }
            }
            if lines.isEmpty { lines.append("no strategies") }
            lines.append("then every strategy halts until restarted.")
            mode = .confirm(Dialog(purpose: .kill, title: "KILL SWITCH", lines: lines, danger: true))
            return [.redraw]
        case .closeSpread, .rebalance:
            guard let strategy else { return noStrategy(now: now) }
            let closing = intent == .closeSpread
            var lines = ["\(strategy.name) (\(strategy.kind.rawValue)), \(strategy.state.rawValue)"]
            for leg in Leg.allCases {
                let snap = strategy.legs[leg]
                let held = snap.quantity.isZero ? "flat" : (snap.quantity.isPositive ? "long " : "short ") + snap.quantity.magnitude.description
                lines.append("leg \(leg): \(snap.instrument.symbol) on \(snap.instrument.venue), \(held)")
            }
            lines.append(closing ? "Both legs will be closed at market." : "The legs will be brought back to the hedge ratio.")
            mode = .confirm(Dialog(purpose: closing ? .close(strategy: strategy.name) : .rebalance(strategy: strategy.name),
                                   title: closing ? "Close spread" : "Rebalance", lines: lines, danger: false))
            return [.redraw]
        case .adjust:
            guard let strategy else { return noStrategy(now: now) }
            let draft = AdjustDraft(strategy: strategy.name, entry: strategy.entry, exit: strategy.exit,
                                    canResize: strategy.state == .monitoring)
            mode = .confirm(Dialog(purpose: .adjust(draft), title: "Adjust", lines: draft.lines, danger: false))
            return [.redraw]
        case .togglePause:
            guard let strategy else { return noStrategy(now: now) }
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
            let count = snapshot.strategies.count
            let step = intent == .nextStrategy ? 1 : count - 1
            selectedName = snapshot.strategies[(selectedIndex(in: snapshot) + step) % count].name
            return [.redraw]
        case .unknown:
            say("unknown key \(key.label) — press ? for help", .warning, now: now)
            return [.redraw]
        }
    }

    /// Whether a strategy holds a position or is on its way in or out of one.
    public static func hasOpenSpread(_ strategy: StrategySnapshot) -> Bool {
        if Leg.allCases.contains(where: { !strategy.legs[$0].quantity.isZero }) { return true }
        switch strategy.state {
        case .openingLong, .openingShort, .monitoring, .adjusting, .closing, .unwinding: return true
        default: return false
        }
    }

    static func legSummary(_ strategy: StrategySnapshot) -> String {
        Leg.allCases.map { leg in
            let q = strategy.legs[leg].quantity
            return "\(leg) " + (q.isZero ? "flat" : (q.isPositive ? "+" : "-") + q.magnitude.description)
        }.joined(separator: " / ")
    }

    /// The loop sent a command and got its id: remember it until the engine answers.
    public mutating func commandSent(id: UInt64, action: EngineCommand.Action, strategy: String?, now: Duration) {
        let what = "\(action)" + (strategy.map { " \($0)" } ?? " all")
        awaiting[id] = what
        if action != .kill {
            say("\(what) sent (#\(id)), waiting for the engine", .muted, now: now, shown: nil)
        }
    }

    /// Takes in a new snapshot: shows the engine's answer to any command we sent.
    /// Returns whether the status line changed.
    @discardableResult
    public mutating func snapshotArrived(_ snapshot: EngineSnapshot, now: Duration) -> Bool {
        lastEngineTime = snapshot.time
        var changed = false
        for acknowledgement in snapshot.acknowledgements {
            guard let what = awaiting.removeValue(forKey: acknowledgement.commandID) else { continue }
            let text = acknowledgement.accepted ? acknowledgement.message : "refused: " + acknowledgement.message
            status = StatusMessage(text: text, role: acknowledgement.accepted ? .profit : .danger, expires: now + Self.acknowledgementShown)
            note("#\(acknowledgement.commandID) \(what): \(text)", acknowledgement.accepted ? .notice : .warning, time: acknowledgement.time)
            changed = true
        }
        return changed
    }

    /// The loop switched theme (or could not): say which, or why not.
    public mutating func themeChanged(to name: String, problem: String?, now: Duration) {
        if let problem {
            say(problem, .danger, now: now, shown: Self.acknowledgementShown)
            note(problem, .error)
        } else {
            say("theme " + name, .muted, now: now)
        }
    }

    /// Drops an expired status message; returns whether the screen must be drawn again.
    public mutating func tick(now: Duration) -> Bool {
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

    private mutating func note(_ message: String, _ severity: LogEntry.Severity, time: Timestamp? = nil) {
        notes.append(ScreenNote(time: time ?? lastEngineTime, severity: severity, message: message))
        if notes.count > Self.noteLimit { notes.removeFirst(notes.count - Self.noteLimit) }
    }

    private mutating func noStrategy(now: Duration) -> [Action] {
        say("no strategy to act on", .warning, now: now)
        return [.redraw]
    }
}
