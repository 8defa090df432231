import Foundation

/// Runs a test's blocking work (waiting for programs, polling screens) on a thread of its own,
/// so it never holds a thread of the cooperative pool that the other suites' async tests need:
/// with two cores, a few blocked end-to-end tests would stall every async test meanwhile.
func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}
