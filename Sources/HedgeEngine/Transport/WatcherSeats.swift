/// The server's seats for watchers: at most `capacity` connections at once, counting those that
/// have not said hello yet, and a hello owed for at most `helloTimeout`. Each connection costs
/// threads, so a crowd of idle or silent connections must not grow without bound. A value: the
/// server tells it what happened (with the time) and does what it answers.
struct WatcherSeats: Sendable {
    /// The answer to a new connection.
    enum Arrival: Sendable, Equatable {
        /// Seated under this ticket: serve it (it owes a hello until `greeted`).
        case seated(ticket: Int)
        /// Every seat is taken: send this message and close.
        case full(String)
    }

    let capacity: Int
    let helloTimeout: Duration
    /// Tickets still owing their hello, with the time they must have said it by.
    private var owing: [Int: ContinuousClock.Instant] = [:]
    /// Tickets past their hello and still connected.
    private var greeted: Set<Int> = []
    /// Tickets dropped for a missing hello, until their connection is gone.
    private var dropped: Set<Int> = []
    private var nextTicket = 1

    init(capacity: Int, helloTimeout: Duration) {
        self.capacity = max(1, capacity)
        self.helloTimeout = helloTimeout
    }

    /// Connections holding a seat (greeted, owing a hello, or being dropped).
    var occupied: Int { owing.count + greeted.count + dropped.count }

    /// A connection arrived at `now`.
    mutating func arrive(now: ContinuousClock.Instant) -> Arrival {
        guard occupied < capacity else {
            return .full("the server already has \(capacity) watchers, its limit (--max-watchers, max_watchers in the config); try again when one detaches")
        }
        defer { nextTicket += 1 }
        owing[nextTicket] = now.advanced(by: helloTimeout)
        return .seated(ticket: nextTicket)
    }

    /// The connection said hello in time; false if it was already dropped for being late.
    mutating func greet(_ ticket: Int) -> Bool {
        guard owing.removeValue(forKey: ticket) != nil else { return false }
        greeted.insert(ticket)
        return true
    }

    /// The tickets whose hello is overdue at `now`: close them (each is reported once).
    mutating func overdue(now: ContinuousClock.Instant) -> [Int] {
        let late = owing.filter { $0.value <= now }.keys.sorted()
        for ticket in late {
            owing[ticket] = nil
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
    }
}
