/// How much of its order history the venue remembers: every working order, every order whose
/// answers were dropped (the client never heard how it ended), and the newest finished ones;
/// older finished orders are forgotten. A long run's ledger, and the venue state written after
/// every change, stay the same size however many orders were ever sent; the whole history is in
/// the journal.
extension SimulatedVenue {
    /// Finished orders kept after a trim: far more than can be in flight when a crash cuts a run
    /// short, so recovery still finds the final answer of every order the journal has unfinished.
    public static let retainedFinishedOrders = 64

    /// Forgets all but the newest `retainedFinishedOrders` finished orders once a quarter more are
    /// held (a trim every sixteen orders: the cost per order stays small, the size nearly even).
    mutating func forgetOldOrders() {
        let finished = orders.count - resting.count
        guard finished > Self.retainedFinishedOrders + Self.retainedFinishedOrders / 4 else { return }
        let forgettable = orders.values.filter { $0.status != .working && $0.delivery != .dropped }
            .sorted { $0.sequence < $1.sequence }
        for record in forgettable.dropLast(Self.retainedFinishedOrders) { orders[record.request.id] = nil }
    }
}
