import HedgeCore
import Synchronization

/// Binance USD-M's user data stream: listen keys (`POST/PUT/DELETE /fapi/v1/listenKey`, API key
/// only, no signature) and the events a `/ws/<listenKey>` connection gets, `ORDER_TRADE_UPDATE`
/// and `ACCOUNT_UPDATE`, in Binance's shape. Keys live until deleted (no 60-minute expiry here).
final class BinanceUserStream: Sendable {
    let desk: TradingDesk
    /// listenKey → API key.
    private let keys = Mutex<[String: String]>([:])

    init(desk: TradingDesk) { self.desk = desk }

    /// The listen key paths; nil: not one of them.
    func answer(_ request: VenueRequest) -> VenueAnswer? {
        guard request.route == "/fapi/v1/listenKey", ["POST", "PUT", "DELETE"].contains(request.method) else { return nil }
        guard let apiKey = request.headers["x-mbx-apikey"], !apiKey.isEmpty else {
            return BinanceError(status: 401, code: -2014, message: "API-key format invalid.").answer
        }
        guard desk.secrets[apiKey] != nil else {
            return BinanceError(status: 401, code: -2015, message: "Invalid API-key, IP, or permissions for action.").answer
        }
        let existing = keys.withLock { keys in keys.first { $0.value == apiKey }?.key }
        switch request.method {
        case "POST":
            // One key per account: asking again answers the same key, as Binance does.
            let key = existing ?? keys.withLock { keys in
                let key = Self.makeKey()
                keys[key] = apiKey
                return key
            }
            return VenueAnswer(status: 200, body: #"{"listenKey":"\#(key)"}"#)
        case "PUT":
            guard let existing else { return BinanceError(status: 400, code: -1125, message: "This listenKey does not exist.").answer }
            return VenueAnswer(status: 200, body: #"{"listenKey":"\#(existing)"}"#)
        default:
            if let existing { keys.withLock { _ = $0.removeValue(forKey: existing) } }
            return VenueAnswer(status: 200, body: "{}")
        }
    }

    /// The events of the account behind `/ws/<listenKey>`, as text frames (client messages are
    /// ignored, as Binance's user streams take none); nil: no such key.
    func stream(path: String) -> PrivateStreamRoute? {
        let route = HTTPPath.split(path).route
        guard route.hasPrefix("/ws/"), let apiKey = keys.withLock({ $0[String(route.dropFirst(4))] }) else { return nil }
        let events = desk.events.subscribe(apiKey)
        return PrivateStreamRoute(frames: AsyncStream { continuation in
            let task = Task {
                for await event in events { continuation.yield(self.json(event)) }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        })
    }

    private static func makeKey() -> String {
        let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<64).map { _ in letters.randomElement(using: &generator)! })
    }

    func json(_ event: AccountEvent) -> String {
        switch event {
        case let .order(order, lastQuantity, lastPrice, lastFee, wasResting, tradeID, time):
            let request = order.request
            let type = request.kind == .market ? "MARKET" : "LIMIT"
            let timeInForce = BinanceTrading.name(of: request.timeInForce)
            let execution = lastQuantity.isPositive ? "TRADE"
                : order.status == .canceled ? "CANCELED" : order.status == .expired ? "EXPIRED" : "NEW"
            let asset = desk.terms(of: request.symbol).settlementAsset
            return #"{"e":"ORDER_TRADE_UPDATE","E":\#(time),"T":\#(time),"o":{"s":"\#(request.symbol)","c":"\#(order.clientID)","S":"\#(request.side == .buy ? "BUY" : "SELL")","o":"\#(type)","f":"\#(timeInForce)","q":"\#(request.quantity)","p":"\#(request.price ?? .zero)","ap":"\#(order.averagePrice)","sp":"0","x":"\#(execution)","X":"\#(BinanceTrading.status(order.status))","i":\#(order.id),"l":"\#(lastQuantity)","z":"\#(order.executed)","L":"\#(lastPrice)","N":"\#(asset)","n":"\#(lastFee)","T":\#(time),"t":\#(tradeID ?? 0),"b":"0","a":"0","m":\#(lastQuantity.isPositive && wasResting),"R":\#(request.reduceOnly),"wt":"CONTRACT_PRICE","ot":"\#(type)","ps":"BOTH","cp":false,"pP":false,"si":0,"ss":0,"V":"EXPIRE_MAKER","pm":"NONE","gtd":0}}"#
        case let .account(balances, positions, time):
            let wallets = balances.sorted { $0.key < $1.key }.map { asset, wallet in
                #"{"a":"\#(asset)","wb":"\#(wallet)","cw":"\#(wallet)","bc":"0"}"#
            }
            let held = positions.sorted { $0.key < $1.key }.map { symbol, position in
                let mark = desk.book(of: symbol)?.mid ?? position.entryPrice
                let unrealized = (try? (mark - position.entryPrice).multiplied(by: position.quantity)) ?? .zero
                return #"{"s":"\#(symbol)","pa":"\#(position.quantity)","ep":"\#(position.entryPrice)","bep":"\#(position.entryPrice)","cr":"\#(position.realized)","up":"\#(unrealized)","mt":"cross","iw":"0","ps":"BOTH"}"#
            }
            return #"{"e":"ACCOUNT_UPDATE","E":\#(time),"T":\#(time),"a":{"m":"ORDER","B":[\#(wallets.joined(separator: ","))],"P":[\#(held.joined(separator: ","))]}}"#
        }
    }
}
