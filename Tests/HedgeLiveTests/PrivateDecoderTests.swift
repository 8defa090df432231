import HedgeCore
import Testing
@testable import HedgeLive

/// The private-stream decoders read the venues' documented messages into exact, typed events,
/// and refuse malformed ones with a typed fault.
@Suite("Private stream decoders")
struct PrivateDecoderTests {
    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// Binance's documented "Event: Order Update" example, trimmed to a fill of 0.001 at 7100.5.
    static let binanceFill = #"{"e":"ORDER_TRADE_UPDATE","E":1568879465651,"T":1568879465650,"o":{"s":"BTCUSDT","c":"TEST","S":"SELL","o":"TRAILING_STOP_MARKET","f":"GTC","q":"0.001","p":"0","ap":"7100.5","sp":"7103.04","x":"TRADE","X":"FILLED","i":8886774,"l":"0.001","z":"0.001","L":"7100.5","N":"USDT","n":"0.00284020","T":1568879465650,"t":42,"b":"0","a":"9.91","m":false,"R":false,"wt":"CONTRACT_PRICE","ot":"TRAILING_STOP_MARKET","ps":"LONG","cp":false,"AP":"7476.89","cr":"5.0","pP":false,"si":0,"ss":0,"rp":"0","V":"EXPIRE_TAKER","pm":"OPPONENT","gtd":0}}"#

    @Test("Binance ORDER_TRADE_UPDATE: ids, status, cumulative quantity and the fill with its trade id, exact")
    func binanceOrderFill() throws {
        let message = try BinancePrivateDecoder().decode(Self.bytes(Self.binanceFill))
        // Fee 0.00284020 = 0.001 × 7100.5 × 0.0004, as sent.
        let fill = PrivateFill(tradeID: "42", quantity: "0.001", price: "7100.5", fee: "0.0028402", feeAsset: "USDT", isMaker: false)
        #expect(message == .events([.order(PrivateOrderUpdate(clientOrderID: "TEST", venueOrderID: "8886774", symbol: "BTCUSDT", status: .filled,
                                                              executedQuantity: "0.001", fill: fill, venueTimeMillis: 1_568_879_465_650))]))
    }

    @Test("Binance ORDER_TRADE_UPDATE without a fill (NEW): no fill, no fee needed")
    func binanceNewOrder() throws {
        let text = #"{"e":"ORDER_TRADE_UPDATE","E":5,"T":4,"o":{"s":"BTCUSDT","c":"S1-1","X":"NEW","x":"NEW","i":7,"l":"0","z":"0","L":"0","T":4,"t":0}}"#
        let message = try BinancePrivateDecoder().decode(Self.bytes(text))
        #expect(message == .events([.order(PrivateOrderUpdate(clientOrderID: "S1-1", venueOrderID: "7", symbol: "BTCUSDT", status: .new,
                                                              executedQuantity: "0", fill: nil, venueTimeMillis: 4))]))
    }

    @Test("Binance ACCOUNT_UPDATE: wallet balances and signed positions")
    func binanceAccount() throws {
        let text = #"{"e":"ACCOUNT_UPDATE","E":1564745798939,"T":1564745798938,"a":{"m":"ORDER","B":[{"a":"USDT","wb":"122624.12345678","cw":"100.12345678","bc":"50.12345678"}],"P":[{"s":"BTCUSDT","pa":"-0.5","ep":"6563.66500","bep":"0","cr":"0.2","up":"2.5","mt":"cross","iw":"0","ps":"BOTH"}]}}"#
        let message = try BinancePrivateDecoder().decode(Self.bytes(text))
        #expect(message == .events([.balance(PrivateBalance(asset: "USDT", walletBalance: "122624.12345678", venueTimeMillis: 1_564_745_798_938)),
                                    .position(PrivatePosition(symbol: "BTCUSDT", quantity: "-0.5", entryPrice: "6563.665", unrealizedPnL: "2.5",
                                                              venueTimeMillis: 1_564_745_798_938))]))
    }

    @Test("Binance listenKeyExpired (E as a string, as documented) and unused events are told apart")
    func binanceLifecycle() throws {
        let decoder = BinancePrivateDecoder()
        #expect(try decoder.decode(Self.bytes(#"{"e":"listenKeyExpired","E":"1736996475556","listenKey":"WsCMN0a4"}"#)) == .listenKeyExpired)
        #expect(try decoder.decode(Self.bytes(#"{"e":"MARGIN_CALL","E":1}"#)) == .ignored("MARGIN_CALL"))
    }

    @Test("Bybit order, execution, position and wallet topics, exact", arguments: [
        (#"{"id":"1","topic":"order","creationTime":100,"data":[{"category":"linear","symbol":"BTCUSDT","orderId":"abc","orderLinkId":"B1-1","orderStatus":"PartiallyFilled","cumExecQty":"0.004","avgPrice":"60000","updatedTime":"99"}]}"#,
         PrivateEvent.order(PrivateOrderUpdate(clientOrderID: "B1-1", venueOrderID: "abc", symbol: "BTCUSDT", status: .partiallyFilled,
                                               executedQuantity: "0.004", fill: nil, venueTimeMillis: 99))),
        // Filled so far 0.01 - 0.006 = 0.004; leavesQty > 0, so partially filled.
        (#"{"topic":"execution","creationTime":100,"data":[{"category":"linear","symbol":"BTCUSDT","execFee":"0.132","execId":"e-1","execPrice":"60000","execQty":"0.004","execType":"Trade","leavesQty":"0.006","orderId":"abc","orderLinkId":"B1-1","orderQty":"0.01","isMaker":false,"execTime":"98","feeCurrency":"USDT"}]}"#,
         PrivateEvent.order(PrivateOrderUpdate(clientOrderID: "B1-1", venueOrderID: "abc", symbol: "BTCUSDT", status: .partiallyFilled, executedQuantity: "0.004",
                                               fill: PrivateFill(tradeID: "e-1", quantity: "0.004", price: "60000", fee: "0.132", feeAsset: "USDT", isMaker: false),
                                               venueTimeMillis: 98))),
        (#"{"topic":"position","creationTime":100,"data":[{"symbol":"ETHUSDT","side":"Sell","size":"0.15","entryPrice":"3011.2","unrealisedPnl":"-1.05","updatedTime":"97"}]}"#,
         PrivateEvent.position(PrivatePosition(symbol: "ETHUSDT", quantity: "-0.15", entryPrice: "3011.2", unrealizedPnL: "-1.05", venueTimeMillis: 97))),
        (#"{"topic":"wallet","creationTime":100,"data":[{"accountType":"UNIFIED","coin":[{"coin":"USDT","walletBalance":"9999.87654321"}]}]}"#,
         PrivateEvent.balance(PrivateBalance(asset: "USDT", walletBalance: "9999.87654321", venueTimeMillis: 100))),
    ])
    func bybitTopics(text: String, event: PrivateEvent) throws {
        #expect(try BybitPrivateDecoder().decode(Self.bytes(text)) == .events([event]))
    }

    @Test("Bybit: a funding execution is not a fill; answers to auth and pong are answers")
    func bybitControl() throws {
        let decoder = BybitPrivateDecoder()
        #expect(try decoder.decode(Self.bytes(#"{"topic":"execution","creationTime":1,"data":[{"execType":"Funding","symbol":"BTCUSDT"}]}"#)) == .events([]))
        #expect(try decoder.decode(Self.bytes(#"{"success":true,"ret_msg":"","op":"auth","conn_id":"c"}"#)) == .answer(op: "auth", success: true, message: ""))
        #expect(try decoder.decode(Self.bytes(#"{"success":false,"ret_msg":"error sign!","op":"auth"}"#)) == .answer(op: "auth", success: false, message: "error sign!"))
        #expect(try decoder.decode(Self.bytes(#"{"req_id":"","op":"pong","args":["1"],"conn_id":"c"}"#)) == .answer(op: "pong", success: true, message: ""))
    }

    @Test("Malformed messages give a typed fault, never a crash", arguments: [
        ("binance", "not json", PrivateStreamFault.Kind.notJSON),
        ("binance", #"{"e":"ORDER_TRADE_UPDATE","E":1}"#, .missingField),
        ("binance", #"{"e":"ORDER_TRADE_UPDATE","E":1,"o":{"s":"X","c":"a","X":"NEW","i":1,"l":"0.1.5","z":"0"}}"#, .badDecimal),
        ("binance", #"{"e":"ORDER_TRADE_UPDATE","E":1,"o":{"s":"X","c":"a","X":"HALF_DONE","i":1,"l":"0","z":"0"}}"#, .unknownStatus),
        ("binance", #"{"e":"ACCOUNT_UPDATE","E":1,"a":{"B":[{"a":"USDT","wb":"lots"}]}}"#, .badDecimal),
        ("bybit", "[1,2]", .notJSON),
        ("bybit", #"{"topic":"order","creationTime":1,"data":[{"orderStatus":"New"}]}"#, .missingField),
        ("bybit", #"{"topic":"execution","creationTime":1,"data":[{"execType":"Trade","orderQty":"1","leavesQty":"0","execId":"e","execQty":"one"}]}"#, .badDecimal),
        ("bybit", #"{"topic":"wallet","creationTime":1}"#, .missingField),
    ])
    func malformed(venue: String, text: String, kind: PrivateStreamFault.Kind) {
        #expect {
            if venue == "binance" { _ = try BinancePrivateDecoder().decode(Self.bytes(text)) } else { _ = try BybitPrivateDecoder().decode(Self.bytes(text)) }
        } throws: { error in
            (error as? PrivateStreamFault)?.kind == kind
        }
    }
}
