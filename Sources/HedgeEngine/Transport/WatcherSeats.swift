/// The server's seats for watchers: at most `capacity` watchers at once, counting connections that
/// have not said hello yet (each may be a watcher), and a hello owed for at most `helloTimeout`.
/// Each connection costs threads, so a crowd of idle or silent connections must not grow without
/// bound. `status` and `list` probes are not watchers: past their hello they hold no watcher seat,
/// and when every watcher seat is taken a connection still gets one of `probeRoom` more seats,
/// kept for probes (a watcher's hello there is refused). A value: the server tells it what
/// happened (with the time) and does what it answers.
struct WatcherSeats: Sendable {
    /// The answer to a new connection.
    enum Arrival: Sendable, Equatable {
        /// Seated under this ticket: serve it (it owes a hello until `greeted`).
        case seated(ticket: Int)
        /// Every watcher seat is taken: seated under this ticket in the probes' room; a watcher's
        /// hello is refused (`greet` says so), a probe's is served.
        case probesOnly(ticket: Int)
        /// Every seat is taken: send this message and close.
        case full(String)
    }

    /// The answer to a hello.
    enum Greeting: Sendable, Equatable {
        /// Serve it.
        case welcome
        /// Dropped already for being late.
        case late
        /// No room for what it said it is: send this message and close.
        case full(String)
    }

    /// Seats kept for probes beyond the watchers' `capacity` (a probe is gone within seconds).
    static let defaultProbeRoom = 8

    let capacity: Int
    let helloTimeout: Duration
    let probeRoom: Int
    /// Tickets still owing their hello, with the time they must have said it by.
    private var owing: [Int: ContinuousClock.Instant] = [:]
    /// Tickets past their hello and still connected.
    private var greeted: Set<Int> = []
    /// Probes past their hello and still connected: no watcher seat.
    private var probing: Set<Int> = []
    /// Tickets seated in the probes' room, owing a hello that must say "probe".
    private var probesOnly: Set<Int> = []
    /// Tickets dropped for a missing hello, until their connection is gone.
    private var dropped: Set<Int> = []
    private var nextTicket = 1

    init(capacity: Int, helloTimeout: Duration, probeRoom: Int = WatcherSeats.defaultProbeRoom) {
        self.capacity = max(1, capacity)
        self.helloTimeout = helloTimeout
        self.probeRoom = max(0, probeRoom)
    }

    /// Watcher seats taken: watchers, and connections in them owing a hello or being dropped.
    var occupied: Int { owing.count + greeted.count + dropped.count - probesOnly.count }

    /// Probes' seats taken: probes past their hello, and connections in the probes' room.
    var probes: Int { probing.count + probesOnly.count }

    /// "the server already has 2 watchers, its limit (...)"
    var fullMessage: String {
        "the server already has \(capacity) watchers, its limit (--max-watchers, max_watchers in the config); try again when one detaches"
    }

    /// A connection arrived at `now`.
    mutating func arrive(now: ContinuousClock.Instant) -> Arrival {
        if occupied < capacity {
            defer { nextTicket += 1 }
            owing[nextTicket] = now.advanced(by: helloTimeout)
            return .seated(ticket: nextTicket)
        }
        guard probes < probeRoom else { return .full(fullMessage) }
        defer { nextTicket += 1 }
        owing[nextTicket] = now.advanced(by: helloTimeout)
        probesOnly.insert(nextTicket)
        return .probesOnly(ticket: nextTicket)
    }

    /// A watcher said hello in time; false if it was already dropped for being late, or sits in
    /// the probes' room.
    mutating func greet(_ ticket: Int) -> Bool { greet(ticket, probe: false) == .welcome }

    /// The connection said hello in time, as a probe or a watcher. A probe leaves its watcher
    /// seat at once (or keeps its seat in the probes' room); a watcher in the probes' room is
    /// refused.
    mutating func greet(_ ticket: Int, probe: Bool) -> Greeting {
        guard owing[ticket] != nil else { return .late }
        let inProbesRoom = probesOnly.contains(ticket)
        if !probe && inProbesRoom { return .full(fullMessage) }
        owing[ticket] = nil
        probesOnly.remove(ticket)
        if probe {
            guard inProbesRoom || probes < probeRoom else {
                // Room enough as a watcher, not as a probe: it keeps the watcher seat it had.
                greeted.insert(ticket)
                return .welcome
            }
            probing.insert(ticket)
        } else {
            greeted.insert(ticket)
        }
        return .welcome
    }

    /// The tickets whose hello is overdue at `now`: close them (each is reported once).
    mutating func overdue(now: ContinuousClock.Instant) -> [Int] {
        let late = owing.filter { $0.value <= now }.keys.sorted()
        for ticket in late {
            owing[ticket] = nil
            // One in the probes' room keeps that seat (not a watcher's) until it is gone.
            dropped.insert(ticket)
        }
        return late
    }

    /// Whether the ticket was dropped for a missing hello.
    func wasDropped(_ ticket: Int) -> Bool { dropped.contains(ticket) }

    /// The connection is gone: its seat is free.
    mutating func leave(_ ticket: Int) {
        owing[ticket] = nil
        greeted.remove(ticket)
        dropped.remove(ticket)
        probing.remove(ticket)
        probesOnly.remove(ticket)
    }
}
