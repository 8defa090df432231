import HedgeCore
import Synchronization

/// Where the engine's live venue and its trader meet: requests go out in order on a stream
/// (never dropped), answers come back into a list the venue takes once per engine turn.
public final class LiveVenueMailbox: Sendable {
    public let requests: AsyncStream<LiveVenueRequest>
    private let requestSink: AsyncStream<LiveVenueRequest>.Continuation
    private let answers = Mutex<[LiveVenueAnswer]>([])
    private let closed = Atomic<Bool>(false)

    public init() {
        (requests, requestSink) = AsyncStream.makeStream(of: LiveVenueRequest.self, bufferingPolicy: .unbounded)
    }

    func send(_ request: LiveVenueRequest) { requestSink.yield(request) }

    /// No more requests: the trader finishes what it has and stops (one still waiting for its
    /// key or the venue's clock to be checked stops at once).
    public func close() {
        closed.store(true, ordering: .releasing)
        requestSink.finish()
    }

    var isClosed: Bool { closed.load(ordering: .acquiring) }

    public func post(_ answer: LiveVenueAnswer) { answers.withLock { $0.append(answer) } }

    func takeAnswers() -> [LiveVenueAnswer] {
        answers.withLock { list in
            defer { list.removeAll(keepingCapacity: true) }
            return list
        }
    }
}
