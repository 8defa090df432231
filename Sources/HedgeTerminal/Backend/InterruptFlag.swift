import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Set by the SIGINT handler, read by the screen loop: Ctrl-C leaves the screen through the
/// same path as `q`, so the terminal is always restored. A lock-free atomic store is one of the
/// few things a signal handler may safely do.
let interruptRequested = Atomic<Bool>(false)

/// Routes SIGINT to `interruptRequested` while the screen is up, then puts the old handler back.
struct InterruptHandler: ~Copyable {
    private let previous: sighandler_t?

    init() {
        interruptRequested.store(false, ordering: .relaxed)
        // Installed before newterm, so ncurses sees a handler and leaves SIGINT to us.
        previous = signal(SIGINT) { _ in interruptRequested.store(true, ordering: .relaxed) }
    }

    var wasInterrupted: Bool { interruptRequested.exchange(false, ordering: .relaxed) }

    deinit { signal(SIGINT, previous) }
}
