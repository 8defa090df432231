import Foundation
import HedgeCore

/// One file's replay decoded on a thread of its own, a few batches ahead of the merge: reading,
/// inflating and decoding a file is most of a replay's work, so it runs beside the engine (and
/// beside the other files) instead of in turn with it.
///
/// The batches are the ones `FileReplay.fill()` makes, in the same order, so a replay gives the
/// same events however the threads are scheduled. The worker alone touches the `FileReplay`; the
/// consumer sees each batch with the statistics as they stood after it.
final class PrefetchedFile {
    // Read per event by the merge, its one caller: no dynamic exclusivity checks (they were
    // 2 % of a raw replay's instructions).
    /// The events of the batch last taken.
    @exclusivity(unchecked) private(set) var decoded: MarketBatch
    /// The file's statistics as of the batch last taken.
    @exclusivity(unchecked) private(set) var statistics: ReplayStatistics
    /// The worker has handed over its last batch and it has been taken.
    @exclusivity(unchecked) private(set) var isFinished = false
    private let channel: Channel

    /// How many decoded batches may wait for the consumer: enough to ride out a slow batch on
    /// either side, few enough to stay in the cache.
    static let depth = 3
    /// Events handed over at a time: each handover takes a lock and may wake a thread, so a
    /// batch is many of the merge's (`MarketBatch.preferredCount`).
    static let batchSize = 1_024

    /// Starts decoding `file` at once.
    init(_ file: FileReplay) {
        decoded = MarketBatch(instruments: file.decoded.instruments)
        statistics = file.statistics
        channel = Channel(spare: (0..<(Self.depth + 1)).map { _ in MarketBatch(instruments: file.decoded.instruments) })
        let channel = self.channel
        let owned = WorkerOwned(file: file)
        let thread = Thread { Self.work(owned.file, channel) }
        thread.name = "hedgetop-replay-file"
        thread.start()
    }

    deinit { channel.stop() }

    /// Replaces `decoded` with the next batch (empty at the end); throws the error that stopped
    /// the file, after the events before it.
    func fill() throws(ReplayError) {
        guard !isFinished else {
            decoded.removeAll()
            return
        }
        let handoff = channel.take(returning: &decoded)
        decoded = handoff.batch
        statistics = handoff.statistics
        isFinished = handoff.finished
        if let error = handoff.error { throw error }
    }

    /// Hands the batch last taken to the caller, taking the caller's (to be refilled later).
    func swapDecoded(with batch: inout MarketBatch) { decoded.swapContents(with: &batch) }

    /// The worker: fills batches until the file ends, fails, or the consumer is gone.
    private static func work(_ file: FileReplay, _ channel: Channel) {
        while var batch = channel.spareBatch() {
            var failure: ReplayError?
            do throws(ReplayError) { try file.fill(limit: batchSize) } catch { failure = error }
            swap(&batch, &file.decoded)
            let finished = file.isFinished || failure != nil
            channel.put(Handoff(batch: batch, statistics: file.statistics, error: failure, finished: finished))
            if finished { return }
        }
    }

    /// The file, handed to the worker: from here on only its thread touches it.
    private struct WorkerOwned: @unchecked Sendable { let file: FileReplay }

    struct Handoff {
        var batch: MarketBatch
        var statistics: ReplayStatistics
        var error: ReplayError?
        var finished: Bool
    }

    /// The batches between the worker and the consumer: decoded ones in order, and spare ones
    /// going back so that no batch is allocated per fill.
    final class Channel: @unchecked Sendable {
        private let condition = NSCondition()
        /// At most `depth + 1` (the spare batches bound it): taking the first moves a few.
        private var ready: [Handoff] = []
        private var spare: [MarketBatch]
        private var stopped = false

        init(spare: [MarketBatch]) { self.spare = spare }

        /// A batch for the worker to fill; waits while `depth` batches are ready; nil once stopped.
        func spareBatch() -> MarketBatch? {
            condition.lock()
            defer { condition.unlock() }
            while !stopped && spare.isEmpty { condition.wait() }
            return stopped ? nil : spare.removeLast()
        }

        func put(_ handoff: Handoff) {
            condition.lock()
            ready.append(handoff)
            condition.signal()
            condition.unlock()
        }

        /// The next decoded batch; `previous` goes back to the worker.
        func take(returning previous: inout MarketBatch) -> Handoff {
            condition.lock()
            defer { condition.unlock() }
            var returned = MarketBatch()
            swap(&returned, &previous)
            returned.removeAll()
            spare.append(returned)
            condition.signal()
            while ready.isEmpty { condition.wait() }
            // Removed, not left behind: a batch still held here would be copied when the
            // worker refills it, and would keep its memory.
            return ready.removeFirst()
        }

        /// The consumer is gone: the worker ends at its next batch.
        func stop() {
            condition.lock()
            stopped = true
            condition.broadcast()
            condition.unlock()
        }
    }
}
