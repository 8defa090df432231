import Dispatch

/// Runs a loop's tasks on a thread of their own: tests running in parallel on the shared pool
/// (two threads on two cores) cannot hold it up, so the timings measured are the loop's own, and
/// an engine a test waits on with a deadline is not starved by tests replaying whole recordings.
public final class DedicatedExecutor: TaskExecutor {
    private let queue = DispatchQueue(label: "hedgetop-test-loop")

    public init() {}

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
