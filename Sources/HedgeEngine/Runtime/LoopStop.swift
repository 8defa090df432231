import Synchronization

/// A stop told to a running `EngineLoop` directly, not through the command stream: the loop sees
/// it before its next event, however busy it is or however late the stream delivers. So once a
/// stop has begun, no event can open a spread (issue 12: no entry is sent after `stopping`).
final class LoopStop: Sendable {
    /// Set while something is asked (a halt, or commands not yet taken): one cheap load per event.
    private let raised = Atomic<Bool>(false)
    /// Set for good by the first stop asked.
    private let asked = Atomic<Bool>(false)
    private let state = Mutex<(halted: Bool, commands: [EngineCommand])>((false, []))

    /// Process no further event (a stop that keeps what is open).
    func halt() {
        state.withLock { state in
            state.halted = true
            asked.store(true, ordering: .releasing)
            raised.store(true, ordering: .releasing)
        }
    }

    /// Apply `commands` before the next event (a stop that flattens: pause, then close).
    func apply(_ commands: [EngineCommand]) {
        state.withLock { state in
            state.commands += commands
            asked.store(true, ordering: .releasing)
            raised.store(true, ordering: .releasing)
        }
    }

    /// Whether the stop asks something not yet done: the loop looks before every event.
    var isRaised: Bool { raised.load(ordering: .acquiring) }

    /// Whether a stop has ever been asked of this loop.
    var wasAsked: Bool { asked.load(ordering: .acquiring) }

    var isHalted: Bool { isRaised && state.withLock { $0.halted } }

    /// The stop's commands not yet applied, oldest first.
    func takeCommands() -> [EngineCommand] {
        guard isRaised else { return [] }
        return state.withLock { state in
            defer {
                state.commands.removeAll()
                raised.store(state.halted, ordering: .releasing)
            }
            return state.commands
        }
    }
}
