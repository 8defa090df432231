import Dispatch
import Foundation
import Synchronization

/// A replay's parameters while its files are hashed: on a thread of their own as the replay runs,
/// since only the report at the end needs the hashes (hashing a 140 MB CSV before the replay took
/// a fifth of the whole run). Take it before the setup is handed over; `wait()` after the run.
public final class PendingParameters: Sendable {
    private let hashed = DispatchGroup()
    private let outcome: Mutex<Result<ReplayParameters, ReplayFailure>?>

    /// Starts hashing the files `setup` reads. A file that cannot be opened fails here, as before
    /// anything runs.
    init(setup: ReplaySetup, overrides: ReplayOverrides, recordings: [String], contracts: [String], config: String?) throws(ReplayFailure) {
        let inputs = ReplayParameters.inputs(recordings: recordings, contracts: contracts, config: config)
        for (path, _) in inputs where !FileManager.default.isReadableFile(atPath: path) {
            throw ReplayFailure("\(path): cannot read it to hash it")
        }
        let parameters = ReplayParameters(setup: setup, overrides: overrides, recordings: recordings, contracts: contracts,
                                          config: config, files: [])
        outcome = Mutex(nil)
        DispatchQueue.global().async(group: hashed) { [self] in
            let result: Result<ReplayParameters, ReplayFailure>
            do throws(ReplayFailure) {
                var complete = parameters
                complete.files = try ReplayParameters.hash(inputs)
                result = .success(complete)
            } catch {
                result = .failure(error)
            }
            self.outcome.withLock { $0 = result }
        }
    }

    /// Parameters already complete (nothing to hash).
    public init(ready parameters: ReplayParameters) {
        outcome = Mutex(.success(parameters))
    }

    /// The parameters with every file's size and hash, once hashed.
    public func wait() throws(ReplayFailure) -> ReplayParameters {
        hashed.wait()
        return try outcome.withLock { $0! }.get()
    }
}
