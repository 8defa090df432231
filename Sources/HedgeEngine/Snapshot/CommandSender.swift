import HedgeCore
import Synchronization

/// The screen's end of the command channel: numbers each command and enqueues it.
/// The queue is unbounded, so a command is never dropped and order is kept.
public final class CommandSender: Sendable {
    private let continuation: AsyncStream<EngineCommand>.Continuation
    private let nextID = Atomic<UInt64>(1)

    public init(_ continuation: AsyncStream<EngineCommand>.Continuation) {
        self.continuation = continuation
    }

    /// Sends `action` for `strategy` (nil: all) and returns the id its acknowledgement will carry.
    @discardableResult
    public func send(_ action: StrategyCommand, to strategy: String?) -> UInt64 {
        let id = nextID.add(1, ordering: .relaxed).oldValue
        continuation.yield(EngineCommand(id: id, strategy: strategy, action: action))
        return id
    }

    /// Numbers `action` for `strategy` like `send`, for a caller that delivers it another way
    /// (a stop hands its commands to the loop directly).
    public func number(_ action: StrategyCommand, to strategy: String?) -> EngineCommand {
        EngineCommand(id: nextID.add(1, ordering: .relaxed).oldValue, strategy: strategy, action: action)
    }

    /// A command channel: the sender for the screen, the stream for the engine.
    public static func makeChannel() -> (sender: CommandSender, commands: AsyncStream<EngineCommand>) {
        let (stream, continuation) = AsyncStream<EngineCommand>.makeStream(bufferingPolicy: .unbounded)
        return (CommandSender(continuation), stream)
    }
}
