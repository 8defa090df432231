import Testing
@testable import HedgeLive

/// Signing reproduces the venues' own worked examples byte for byte; where a venue publishes none
/// with a full secret (Bybit), the expected values were computed independently with openssl.
@Suite struct RequestSigningTests {
    /// Binance's documented HMAC example (spot REST "SIGNED (TRADE and USER_DATA) Endpoint
    /// security", the same key pair on the futures pages).
    static let binance = APICredentials(
        owner: .binance,
        apiKey: "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A",
        secret: APISecret("NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"),
        source: "the Binance docs")

    /// Bybit's guide shows the text to sign with the key written `XXXXXXXXXX` and no secret, so
    /// there is no published signature to match: the secret below is ours, and each expected
    /// signature was computed with
    /// `echo -n '<text>' | openssl dgst -sha256 -hmac 'hedgetop-bybit-test-secret-not-a-real-one'`.
    static let bybit = APICredentials(
        owner: .bybit, apiKey: "XXXXXXXXXX",
        secret: APISecret("hedgetop-bybit-test-secret-not-a-real-one"), source: "a test")

    @Test("Binance: the documented query string signs to the documented signature")
    func binanceDocumentedQuery() {
        let signer = BinanceSigner(credentials: Self.binance)
        let query = signer.signedQuery(
            [("symbol", "LTCBTC"), ("side", "BUY"), ("type", "LIMIT"), ("timeInForce", "GTC"), ("quantity", "1"), ("price", "0.1")],
            timestampMillis: 1_499_827_319_559, recvWindowMillis: 5000)
        #expect(query == "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559"
            + "&signature=c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71")
    }

    @Test("Binance: query string and body together are signed concatenated with no '&' (the docs' mixed example)")
    func binanceDocumentedMixedExample() {
        let signer = BinanceSigner(credentials: Self.binance)
        let payload = "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC" + "quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559"
        #expect(signer.signature(ofPayload: payload) == "0fd168b8ddb4876a0358a8d14d0c9f3da0e9b20c5d52b2a00fcf7d1c602f9a77")
    }

    @Test("Binance: a client order id with ':' and '/' is percent-encoded, and what is signed is what is sent")
    func binanceEncodedClientOrderID() {
        let signer = BinanceSigner(credentials: Self.binance)
        let query = signer.signedQuery(
            [("symbol", "BTCUSDT"), ("side", "BUY"), ("type", "LIMIT"), ("quantity", "0.001"), ("price", "50000"),
             ("timeInForce", "GTX"), ("newClientOrderId", "ht:1/a")],
            timestampMillis: 1_499_827_319_559, recvWindowMillis: 5000)
        // openssl over the encoded query (newClientOrderId=ht%3A1%2Fa) with the docs' secret.
        #expect(query.hasSuffix("newClientOrderId=ht%3A1%2Fa&recvWindow=5000&timestamp=1499827319559&signature=c0022183dc007a9d84b400c826110c068ad637742005a25829d1d78b1348d908"))
    }

    @Test("Bybit: a GET signs timestamp + key + recvWindow + query string (the guide's example text)")
    func bybitGet() {
        let signer = BybitSigner(credentials: Self.bybit)
        let query = "category=option&symbol=BTC-29JUL22-25000-C"
        #expect(signer.stringToSign(timestampMillis: 1_658_384_314_791, recvWindowMillis: 5000, payload: query)
            == "1658384314791XXXXXXXXXX5000category=option&symbol=BTC-29JUL22-25000-C")
        #expect(signer.signature(timestampMillis: 1_658_384_314_791, recvWindowMillis: 5000, payload: query)
            == "2df27fd5cdb9af1e3bc13d5417da95b5d569b96afa2efda46425f71cf4055020")
    }

    @Test("Bybit: a POST signs the raw JSON body, and the four X-BAPI headers carry key, time, sign and window")
    func bybitPostHeaders() {
        let signer = BybitSigner(credentials: Self.bybit)
        let headers = signer.headers(timestampMillis: 1_658_385_579_423, recvWindowMillis: 5000, payload: #"{"category":"option"}"#)
        #expect(headers.map(\.name) == ["X-BAPI-API-KEY", "X-BAPI-TIMESTAMP", "X-BAPI-SIGN", "X-BAPI-RECV-WINDOW"])
        #expect(headers.map(\.value) == ["XXXXXXXXXX", "1658385579423", "1336a37224a4e653a2cfb1b43aacc0cadc6be8fa27455a93391e8f43c4afed46", "5000"])
    }

    @Test("Bybit: the private WebSocket auth signs GET/realtime + expires")
    func bybitWebSocketAuth() {
        let signer = BybitSigner(credentials: Self.bybit)
        // expires from the guide's auth example.
        #expect(signer.webSocketSignature(expiresMillis: 1_662_350_400_000) == "47eeb0ef5ba301e93dc486665dc6cdba3ff64a9d2e86e581956b4eeb2b9172be")
        #expect(signer.webSocketAuthMessage(expiresMillis: 1_662_350_400_000)
            == #"{"op":"auth","args":["XXXXXXXXXX",1662350400000,"47eeb0ef5ba301e93dc486665dc6cdba3ff64a9d2e86e581956b4eeb2b9172be"]}"#)
    }

    @Test("A different secret gives a different signature (the secret is really used)")
    func secretMatters() {
        let other = APICredentials(owner: .bybit, apiKey: "XXXXXXXXXX", secret: APISecret("another"), source: "a test")
        #expect(BybitSigner(credentials: other).webSocketSignature(expiresMillis: 1_662_350_400_000)
            != "47eeb0ef5ba301e93dc486665dc6cdba3ff64a9d2e86e581956b4eeb2b9172be")
    }
}
