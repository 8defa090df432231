import Foundation
import Synchronization

/// Runs independent replays on `jobs` threads of their own (a replay is CPU-bound work that never
/// waits, so it gets a thread rather than a task on the shared pool). Results come back in the
/// order given, whatever the number of threads and whichever finished first: a sweep's grid and
/// a replay's sets give the same output with one job or many.
public enum ReplayThreads {
    /// `body` of each input, in input order. `finished` is called (on a worker thread) after
    /// each with its output and how many have finished so far.
    public static func map<Input: Sendable, Output: Sendable>(
        _ inputs: [Input], jobs: Int,
        finished: @escaping @Sendable (Output, Int) -> Void = { _, _ in },
        _ body: @escaping @Sendable (Input) -> Output
    ) async -> [Output] {
        guard !inputs.isEmpty else { return [] }
        let work = Work<Output>(inputs.count)
        let threads = max(1, min(jobs, inputs.count))
        return await withCheckedContinuation { (continuation: CheckedContinuation<[Output], Never>) in
            for _ in 0..<threads {
                let thread = Thread {
                    while let index = work.state.withLock({ $0.take(limit: inputs.count) }) {
                        let output = body(inputs[index])
                        let done = work.state.withLock { $0.store(output, at: index) }
                        finished(output, done)
                    }
                    let results = work.state.withLock { $0.threadEnded(of: threads) }
                    if let results { continuation.resume(returning: results) }
                }
                // A replay's engine and readers are deep: give it the main thread's stack size.
                thread.stackSize = 8 << 20
                thread.start()
            }
        }
    }

    /// The shared work list of the threads.
    final class Work<Output: Sendable>: Sendable {
        let state: Mutex<WorkState<Output>>
        init(_ count: Int) { state = Mutex(WorkState(outputs: Array(repeating: nil, count: count))) }
    }

    /// The inputs handed out and finished so far, behind the mutex.
    struct WorkState<Output: Sendable>: Sendable {
        var outputs: [Output?]
        var next = 0
        var finished = 0
        var threadsEnded = 0

        mutating func take(limit: Int) -> Int? {
            guard next < limit else { return nil }
            next += 1
            return next - 1
        }

        mutating func store(_ output: Output, at index: Int) -> Int {
            outputs[index] = output
            finished += 1
            return finished
        }

        /// The outputs once the last thread has ended, else nil.
        mutating func threadEnded(of threads: Int) -> [Output]? {
            threadsEnded += 1
            return threadsEnded == threads ? outputs.compactMap { $0 } : nil
        }
    }
}
