import HedgeCore
import HedgeEngine

/// The screen's interaction state as a value: keys and snapshots in, actions out. The loop does
/// the I/O (sending commands, quitting); this decides. `now` is the screen's uptime, so tests
/// choose time freely.
public struct ScreenInput: Sendable {
    /// What the loop must do after an event.
    public enum Action: Sendable, Hashable {
        /// Leave the screen.
        case quit
        /// Send a command; report its id back through `commandSent`.
        case send(EngineCommand.Action, strategy: String?)
        /// Draw again at the next frame.
        case redraw
        /// Re-measure the terminal and draw at once.
        case relayout
    }

    public let keyMap: KeyMap
    /// The strategy the keys act on, by name so it survives strategies coming and going.
    public private(set) var selectedName: String?
    public private(set) var showingHelp = false
    public private(set) var status: StatusMessage?
    /// Set after the first `K`: the second one sends the kill switch.
    public private(set) var killPending = false
    /// Commands sent and not yet acknowledged: id → what was sent, for the status line.
    private var awaiting: [UInt64: String] = [:]

    static let briefly: Duration = .seconds(3)
    static let acknowledgementShown: Duration = .seconds(8)

    public init(keyMap: KeyMap = .standard) { self.keyMap = keyMap }

    /// Index of the selected strategy in `snapshot` (the first when the name is gone).
    public func selectedIndex(in snapshot: EngineSnapshot?) -> Int {
        guard let snapshot, !snapshot.strategies.isEmpty else { return 0 }
        return snapshot.strategies.firstIndex { $0.name == selectedName } ?? 0
    }

    public mutating func handle(_ key: KeyPress, snapshot: EngineSnapshot?, now: Duration) -> [Action] {
        let intent = keyMap.intent(for: key)
        if killPending, intent != .relayout {
            killPending = false
            guard intent == .killSwitch else {
                status = StatusMessage(text: "kill switch cancelled", role: .muted, expires: now + Self.briefly)
                return [.redraw]
            }
            status = StatusMessage(text: "kill switch sent: flattening everything", role: .danger, expires: nil)
            return [.send(.kill, strategy: nil), .redraw]
        }
        let strategy = snapshot.flatMap { $0.strategies.isEmpty ? nil : $0.strategies[selectedIndex(in: $0)] }
        switch intent {
        case .quit:
            return [.quit]
        case .relayout:
            return [.relayout]
        case .toggleHelp:
            showingHelp.toggle()
            return [.redraw]
        case .dismiss:
            showingHelp = false
            status = nil
            return [.redraw]
        case .killSwitch:
            killPending = true
            status = StatusMessage(text: "KILL SWITCH: flatten everything and halt? press K again to confirm, any other key cancels",
                                   role: .danger, expires: nil)
            return [.redraw]
        case .closeSpread:
            guard let strategy else { return noStrategy(now: now) }
            return [.send(.close, strategy: strategy.name), .redraw]
        case .togglePause:
            guard let strategy else { return noStrategy(now: now) }
            return [.send(strategy.paused ? .resume : .pause, strategy: strategy.name), .redraw]
        case .nextStrategy, .previousStrategy:
            guard let snapshot, !snapshot.strategies.isEmpty else { return noStrategy(now: now) }
            let count = snapshot.strategies.count
            let step = intent == .nextStrategy ? 1 : count - 1
            selectedName = snapshot.strategies[(selectedIndex(in: snapshot) + step) % count].name
            return [.redraw]
        case .unknown:
            status = StatusMessage(text: "unknown key \(key.label) — press ? for help", role: .warning, expires: now + Self.briefly)
            return [.redraw]
        }
    }

    /// The loop sent a command and got its id: remember it until the engine answers.
    public mutating func commandSent(id: UInt64, action: EngineCommand.Action, strategy: String?, now: Duration) {
        let what = "\(action)" + (strategy.map { " \($0)" } ?? " all")
        awaiting[id] = what
        if action != .kill {
            status = StatusMessage(text: "\(what) sent (#\(id)), waiting for the engine", role: .muted, expires: nil)
        }
    }

    /// Takes in a new snapshot: shows the engine's answer to any command we sent.
    /// Returns whether the status line changed.
    @discardableResult
    public mutating func snapshotArrived(_ snapshot: EngineSnapshot, now: Duration) -> Bool {
        var changed = false
        for acknowledgement in snapshot.acknowledgements where awaiting[acknowledgement.commandID] != nil {
            awaiting[acknowledgement.commandID] = nil
            status = StatusMessage(text: acknowledgement.message, role: acknowledgement.accepted ? .profit : .danger,
                                   expires: now + Self.acknowledgementShown)
            changed = true
        }
        return changed
    }

    /// Drops an expired status message; returns whether the screen must be drawn again.
    public mutating func tick(now: Duration) -> Bool {
        guard let expires = status?.expires, now >= expires else { return false }
        status = nil
        return true
    }

    /// Shows a message from outside the keys (a terminal notice, the engine stopping).
    public mutating func show(_ message: StatusMessage) { status = message }

    private mutating func noStrategy(now: Duration) -> [Action] {
        status = StatusMessage(text: "no strategy to act on", role: .warning, expires: now + Self.briefly)
        return [.redraw]
    }
}
