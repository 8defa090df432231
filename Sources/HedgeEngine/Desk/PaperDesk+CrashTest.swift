#if canImport(Glibc)
import Glibc
#endif
import HedgeVenues

extension PaperDesk {
    /// The crash tests' seam: a debug build SIGKILLs itself after this many durable writes
    /// (`HEDGETOP_TEST_KILL_AFTER_WRITES`), to prove a restart recovers from any instant. A
    /// release build has no such seam and ignores the variable.
    static func armCrashTest<V: Venue>(_ engine: TradingEngine<V>) {
        #if DEBUG
        if let text = getenv("HEDGETOP_TEST_KILL_AFTER_WRITES").map({ String(cString: $0) }), let count = Int(text), count > 0 {
            engine.killAfterDurableWrites = count
        }
        #endif
    }
}
