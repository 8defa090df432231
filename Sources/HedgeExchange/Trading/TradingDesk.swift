import HedgeCore
import HedgeVenues
import Synchronization

/// The accounts of one venue market (Binance USD-M, Bybit linear) and their orders, behind one
/// lock: every request of an account first fills its resting orders the book has reached at
/// the current playback position, then does what was asked. Orders match the recorded book at
/// the playback position (or, before the stream has built one, the recorded REST snapshot ahead).
final class TradingDesk: Sendable {
    let market: VenueMarket
    let rules: VenueRules
    /// The venue's base-tier fee rates (Binance USD-M 0.02 % / 0.05 %, Bybit linear 0.02 % / 0.055 %).
    let fees: FeeSchedule
    let leverage: Int
    /// API key → secret.
    let secrets: [String: String]
    private let state: Mutex<State>
    /// The accounts' private streams (Binance's user data stream).
    let events = AccountEvents()

    struct State {
        var ledgers: [String: AccountLedger]
        var nextOrderID: Int64
        var nextTradeID: Int64
    }

    init(market: VenueMarket, accounts: [ExchangeAccount], rules: VenueRules, fees: FeeSchedule, leverage: Int, firstOrderID: Int64, firstTradeID: Int64 = 1) {
        self.market = market
        self.rules = rules
        self.fees = fees
        self.leverage = leverage
        var secrets: [String: String] = [:]
        var ledgers: [String: AccountLedger] = [:]
        for account in accounts {
            secrets[account.apiKey] = account.secret
            ledgers[account.apiKey] = AccountLedger(balances: account.balances)
        }
        self.secrets = secrets
        state = Mutex(State(ledgers: ledgers, nextOrderID: firstOrderID, nextTradeID: firstTradeID))
    }

    /// The venue's clock for signed requests and order times: the time endpoints' (`serverTime`).
    var now: Int64 { market.serverTime }

    func isListed(_ symbol: String) -> Bool { market.tape.symbols.contains(symbol) }

    /// Settlement asset (the built-in contract table's, else the quote asset the symbol ends
    /// with), the venue's fees and leverage of `symbol`.
    func terms(of symbol: String) -> SymbolTerms {
        let asset = (try? ContractCatalog.builtIn.spec(venue: market.venue.rawValue, symbol: symbol))?.settlementAsset
            ?? ["USDT", "USDC", "FDUSD"].first { symbol.hasSuffix($0) } ?? "USDT"
        return SymbolTerms(settlementAsset: asset, fees: fees, leverage: leverage)
    }

    /// The book `symbol` stands at now, as decimals. Before the stream has built one: the first
    /// it will have (Binance's recorded REST snapshot ahead, Bybit's next snapshot message), as
    /// the REST depth endpoint answers then; nil if the tape holds none.
    func book(of symbol: String) -> BookSides? {
        var book = market.book(of: symbol)
        if book == nil, let snapshot = market.upcomingSnapshot(of: symbol) {
            book = DepthBook()
            book?.replace(bids: snapshot.bids, asks: snapshot.asks, lastUpdateId: snapshot.lastUpdateId)
        } else if book == nil, let change = market.nextDepthChange(of: symbol, from: market.position), change.replacesBook {
            book = DepthBook()
            book?.replace(bids: change.bids, asks: change.asks, lastUpdateId: change.last)
        }
        guard let top = book?.top(1000) else { return nil }
        return BookSides(bids: OrderMatching.levels(top.bids), asks: OrderMatching.levels(top.asks))
    }

    /// Runs `body` on the ledger of `apiKey` after its resting orders met the current books.
    func withLedger<Result>(_ apiKey: String, _ body: (inout AccountLedger, _ now: Int64, _ nextID: () -> Int64) throws(OrderRefusal) -> Result) throws(OrderRefusal) -> Result {
        let now = self.now
        let symbols = state.withLock { state in Set(state.ledgers[apiKey]?.openOrders.map(\.request.symbol) ?? []) }
        let books = Dictionary(uniqueKeysWithValues: symbols.compactMap { symbol in book(of: symbol).map { (symbol, $0) } })
        let (outcome, changes): (Swift.Result<Result, OrderRefusal>, [AccountEvent]) = state.withLock { state in
            guard var ledger = state.ledgers[apiKey] else { return (.failure(.orderNotFound), []) }
            let before = ledger
            ledger.nextTradeID = state.nextTradeID
            for (symbol, book) in books { ledger.sweep(symbol: symbol, book: book, now: now, terms: terms(of: symbol)) }
            var next = state.nextOrderID
            let outcome: Swift.Result<Result, OrderRefusal>
            do throws(OrderRefusal) {
                outcome = .success(try body(&ledger, now) { next += 1; return next - 1 })
            } catch {
                outcome = .failure(error)
            }
            state.ledgers[apiKey] = ledger
            state.nextOrderID = next
            state.nextTradeID = ledger.nextTradeID
            return (outcome, AccountEvents.changes(from: before, to: ledger, at: now))
        }
        // Told outside the lock: a slow reader never holds up the desk.
        events.publish(changes, to: apiKey)
        return try outcome.get()
    }

    /// Places `request` for `apiKey`; the client id is the client's or `makeClientID(id)`.
    func place(_ request: OrderTicket, apiKey: String, makeClientID: @escaping (Int64) -> String) throws(OrderRefusal) -> ExchangeOrder {
        guard isListed(request.symbol) else { throw .unknownSymbol }
        let book = self.book(of: request.symbol)
        let terms = terms(of: request.symbol)
        return try withLedger(apiKey) { ledger, now, nextID throws(OrderRefusal) in
            let id = nextID()
            return try ledger.place(request, id: id, clientID: request.clientID ?? makeClientID(id), book: book, now: now,
                                    terms: terms, rules: rules, termsOf: self.terms(of:))
        }
    }

    /// Fills every account's resting orders the book has reached; the exchange calls it as
    /// playback advances.
    func sweepAll() {
        let now = self.now
        let symbols = state.withLock { state in Set(state.ledgers.values.flatMap { $0.openOrders.map(\.request.symbol) }) }
        let books = Dictionary(uniqueKeysWithValues: symbols.compactMap { symbol in book(of: symbol).map { (symbol, $0) } })
        let changes = state.withLock { state in
            state.ledgers.keys.map { key in
                let before = state.ledgers[key]!
                state.ledgers[key]!.nextTradeID = state.nextTradeID
                for (symbol, book) in books { state.ledgers[key]!.sweep(symbol: symbol, book: book, now: now, terms: terms(of: symbol)) }
                state.nextTradeID = state.ledgers[key]!.nextTradeID
                return (key, AccountEvents.changes(from: before, to: state.ledgers[key]!, at: now))
            }
        }
        for (key, events) in changes { self.events.publish(events, to: key) }
    }

    /// Per account (by key, never the secret): balances, positions, open orders, as JSON.
    func statusJSON() -> String {
        let ledgers = state.withLock { $0.ledgers }
        let entries = ledgers.sorted { $0.key < $1.key }.map { key, ledger in
            let balances = ledger.balances.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\"\($0.value)\"" }.joined(separator: ",")
            let positions = ledger.positions.sorted { $0.key < $1.key }.filter { !$0.value.quantity.isZero }
                .map { "\"\($0.key)\":{\"quantity\":\"\($0.value.quantity)\",\"entryPrice\":\"\($0.value.entryPrice)\",\"realized\":\"\($0.value.realized)\"}" }
                .joined(separator: ",")
            return "\"\(key)\":{\"balances\":{\(balances)},\"positions\":{\(positions)},\"openOrders\":\(ledger.openOrders.count),\"orders\":\(ledger.orders.count)}"
        }
        return "{" + entries.joined(separator: ",") + "}"
    }
}
