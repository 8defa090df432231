import Foundation
import HedgeCore
import HedgeVenues
import Testing
@testable import HedgeLive

/// Specs fetched at start are cached owner-only; a start without the venue uses them and says
/// how old they are.
@Suite struct SpecCacheTests {
    @Test func anUnreachableVenueFallsBackToTheCacheAndSaysItsAge() async throws {
        let directory = NSTemporaryDirectory() + "hedgetop-specs-\(UUID().uuidString)/specs"
        defer { try? FileManager.default.removeItem(atPath: (directory as NSString).deletingLastPathComponent) }
        let cache = SpecCache(directory: directory, fetchTimeout: .milliseconds(300))
        // A tiny exchangeInfo with one symbol, saved as a fetch would save it.
        let info = #"{"symbols":[{"symbol":"XYZUSDT","pair":"XYZUSDT","contractType":"PERPETUAL","status":"TRADING","baseAsset":"XYZ","quoteAsset":"USDT","marginAsset":"USDT","filters":[{"filterType":"PRICE_FILTER","tickSize":"0.10","minPrice":"0.1","maxPrice":"1000000"},{"filterType":"LOT_SIZE","stepSize":"0.001","minQty":"0.001","maxQty":"1000"},{"filterType":"MIN_NOTIONAL","notional":"5"}]}]}"#
        try cache.save(Array(info.utf8), for: .binanceUSDM)
        let dir = try FileManager.default.attributesOfItem(atPath: directory)
        #expect((dir[.posixPermissions] as? Int) == 0o700)
        let file = try FileManager.default.attributesOfItem(atPath: cache.path(.binanceUSDM))
        #expect((file[.posixPermissions] as? Int) == 0o600)
        // Port 1 on loopback refuses at once: no venue.
        let endpoint = LiveEndpoint(kind: .binanceUSDM, webSocketURL: "ws://127.0.0.1:1", restURL: "http://127.0.0.1:1")
        let later = Date().addingTimeInterval(3 * 3600 + 5 * 60)
        let (catalog, notes) = await cache.load([endpoint], now: later)
        #expect(notes.count == 1)
        #expect(notes[0].contains("using specs cached 3h05m ago"), "\(notes)")
        #expect(notes[0].contains("refused") || notes[0].contains("127.0.0.1"), "\(notes)")
        #expect(catalog.specs[InstrumentID(venue: "binance-usdm", symbol: "XYZUSDT")] != nil, "\(catalog.warnings)")
    }

    @Test("Specs planted in a cache directory another user owns are not read: the built-in table, and the note says why",
          .enabled(if: getuid() == 0, "needs root to give the directory to another uid"))
    func aCacheDirectoryOfAnotherUserIsNotRead() async throws {
        let base = NSTemporaryDirectory() + "hedgetop-specs-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: base) }
        let directory = base + "/specs"
        let cache = SpecCache(directory: directory, fetchTimeout: .milliseconds(300))
        // Planted: BTCUSDT with a tick of 1000, which would round every price.
        let planted = #"{"symbols":[{"symbol":"BTCUSDT","pair":"BTCUSDT","contractType":"PERPETUAL","status":"TRADING","baseAsset":"BTC","quoteAsset":"USDT","marginAsset":"USDT","filters":[{"filterType":"PRICE_FILTER","tickSize":"1000","minPrice":"1000","maxPrice":"1000000"},{"filterType":"LOT_SIZE","stepSize":"1","minQty":"1","maxQty":"1000"},{"filterType":"MIN_NOTIONAL","notional":"5"}]}]}"#
        try cache.save(Array(planted.utf8), for: .binanceUSDM)
        #expect(chown(directory, 65534, 65534) == 0 && chown(cache.path(.binanceUSDM), 65534, 65534) == 0)
        let endpoint = LiveEndpoint(kind: .binanceUSDM, webSocketURL: "ws://127.0.0.1:1", restURL: "http://127.0.0.1:1")
        let (catalog, notes) = await cache.load([endpoint])
        #expect(notes.count == 1)
        #expect(notes[0].contains("the built-in table (cache refused: \(directory) belongs to another user: refused)"), "\(notes)")
        let spec = try catalog.spec(venue: "binance-usdm", symbol: "BTCUSDT")
        #expect(spec.tickSize == (try ContractCatalog.builtIn.spec(venue: "binance-usdm", symbol: "BTCUSDT")).tickSize)
    }

    @Test func aCacheDirectoryThatIsASymlinkIsRefused() throws {
        let base = NSTemporaryDirectory() + "hedgetop-specs-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: base) }
        try FileManager.default.createDirectory(atPath: base + "/real", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: base + "/link", withDestinationPath: base + "/real")
        #expect(throws: LiveFailure.self) { try SpecCache(directory: base + "/link").save([1], for: .binanceUSDM) }
    }

    @Test func aRegionBlockAndAnUnknownSymbolAreClearFatalFailures() {
        do {
            try RESTClient.check(status: 451, body: Array(#"{"code":0,"msg":"Service unavailable from a restricted location"}"#.utf8), url: "https://fapi.binance.com/fapi/v1/depth?symbol=BTCUSDT")
            Issue.record("451 accepted")
        } catch {
            #expect(error.fatal)
            #expect(error.message.contains("HTTP 451 from fapi.binance.com") && error.message.contains("region blocked"))
        }
        do {
            try RESTClient.check(status: 400, body: Array(#"{"code":-1121,"msg":"Invalid symbol."}"#.utf8), url: "https://fapi.binance.com/fapi/v1/depth?symbol=BTCUSDX")
            Issue.record("400 accepted")
        } catch {
            #expect(error.fatal)
            #expect(error.message.contains("unknown symbol"))
        }
        do {
            try RESTClient.check(status: 503, body: [], url: "https://fapi.binance.com/x")
            Issue.record("503 accepted")
        } catch {
            #expect(!error.fatal)
        }
    }
}
