#if canImport(Glibc)
import Glibc
#endif

extension PaperDesk {
    /// The end-to-end crash tests kill the real process after this many durable writes
    /// (`HEDGETOP_TEST_KILL_AFTER_WRITES`), to prove a restart recovers from any instant.
    static func armCrashTest(_ engine: Engine) {
        if let text = getenv("HEDGETOP_TEST_KILL_AFTER_WRITES").map({ String(cString: $0) }), let count = Int(text), count > 0 {
            engine.killAfterDurableWrites = count
        }
    }
}
