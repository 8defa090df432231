import HedgeCore
import HedgeVenues

/// The engine's venues, stored in an array in name order so the market-data path reaches one by
/// index without hashing its name; by name it reads and writes like the dictionary it replaces.
struct VenueTable<V: Venue> {
    /// The venues in name order.
    /// Every change goes through a method below, which keeps `earliestSettlement` up to date.
    private(set) var list: [V]
    /// The index of each venue in `list`.
    private let indexByName: [String: Int]
    /// The earliest `nextSettlementTime` of any venue, kept up to date as venues change: the run
    /// loop asks for it several times per event.
    private(set) var earliestSettlement: Timestamp?

    init(_ venues: [V]) {
        let byName = Dictionary(uniqueKeysWithValues: venues.map { ($0.name, $0) })
        list = byName.keys.sorted().map { byName[$0]! }
        indexByName = Dictionary(uniqueKeysWithValues: list.enumerated().map { ($1.name, $0) })
        refreshSettlement()
    }

    private mutating func refreshSettlement() {
        // Through a pointer: reading a property of an array element here copied the venue.
        earliestSettlement = list.withUnsafeBufferPointer { venues in
            var next: Timestamp?
            for index in venues.indices {
                if let time = venues[index].nextSettlementTime, next.map({ time < $0 }) ?? true { next = time }
            }
            return next
        }
    }

    /// The index of the venue named `name`.
    func index(of name: String) -> Int? { indexByName[name] }

    /// A venue by name; setting nil is not supported (venues are fixed at start).
    subscript(name: String) -> V? {
        get { indexByName[name].map { list[$0] } }
        set {
            guard let index = indexByName[name], let newValue else { return }
            list[index] = newValue
            refreshSettlement()
        }
    }

    /// A venue by index, mutated in place.
    subscript(index index: Int) -> V {
        _read { yield list[index] }
        _modify {
            yield &list[index]
            refreshSettlement()
        }
    }

    /// Runs `body` on a venue in place: no copy, even for its non-mutating methods.
    mutating func withVenue<Result>(at index: Int, _ body: (inout V) -> Result) -> Result {
        defer { refreshSettlement() }
        return body(&list[index])
    }

    /// A quote reaching the venue at `index`, in place and without a closure (whose context and
    /// result were copied per quote): what it reports, whether the strategies must not see the
    /// quote (stale-data fault), the market-data latency drawn for it, and whether a position moved.
    mutating func onQuote(_ quote: Quote, of id: InstrumentID, at index: Int)
        -> MarketDataReceipt {
        // One mutating call: reading the element of the array (even one property) copied the venue.
        // A quote before the earliest settlement settles nothing, so that stays.
        updatingForQuote(quote.time) { $0[index].receiveQuote(quote, of: id) }
    }

    /// Runs `body` on the venues; refreshes `earliestSettlement` only when something may have
    /// settled (a quote at or after it).
    private mutating func updatingForQuote<Result>(_ time: Timestamp, _ body: (inout UnsafeMutableBufferPointer<V>) -> Result) -> Result {
        let result = list.withUnsafeMutableBufferPointer { body(&$0) }
        if let earliest = earliestSettlement, time >= earliest { refreshSettlement() }
        return result
    }

    /// `onQuote(_:of:at:)` for the book at `slot` of the venue at `index`.
    mutating func onQuote(_ quote: Quote, slot: Int, at index: Int)
        -> MarketDataReceipt {
        updatingForQuote(quote.time) { $0[index].receiveQuote(quote, slot: slot) }
    }

    /// The venue names, sorted.
    var keys: [String] { list.map(\.name) }
    /// The venues, in name order.
    var values: [V] { list }
    var count: Int { list.count }
    var isEmpty: Bool { list.isEmpty }
}

extension VenueTable: Sequence {
    /// Pairs as a dictionary's iterator gives them, in name order.
    func makeIterator() -> IndexingIterator<[(key: String, value: V)]> {
        list.map { (key: $0.name, value: $0) }.makeIterator()
    }
}

/// What the engine knows about one instrument seen in market data, found by a short linear scan
/// instead of hashing the instrument's strings per event.
struct MarketRoute {
    let instrument: InstrumentID
    /// The venue that quotes it, by index in the `VenueTable`.
    let venue: Int?
    /// Its book's slot in that venue (`Venue.quoteSlot(for:)`), nil when the venue does
    /// not list it.
    let quoteSlot: Int?
    /// The strategies and legs its data goes to.
    let targets: [(strategy: Int, leg: Leg)]
    /// When its last market data reaches the strategies, so latency never reorders it.
    var arrival: Timestamp?
}
