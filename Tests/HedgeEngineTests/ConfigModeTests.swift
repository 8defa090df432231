import Foundation
import Testing
@testable import HedgeEngine

/// `mode`: LIVE-PAPER unless the file says "live"; a typo or a LIVE file with no venues is an error
/// of the file, and the shipped `live.toml` is a LIVE one.
@Suite struct ConfigModeTests {
    let venues = """

    [venues.binance-usdm]
    kind = "binance-usdm"
    """

    @Test func aFileWithLiveVenuesIsLivePaperUnlessItSaysLive() {
        #expect(!HedgetopConfig.parse(venues, file: "a.toml").tradesLive)
        #expect(!HedgetopConfig.parse("mode = \"live-paper\"" + venues, file: "a.toml").tradesLive)
        let live = HedgetopConfig.parse("mode = \"live\"" + venues, file: "a.toml")
        #expect(live.tradesLive && live.isLive)
        #expect((try? live.validated()) != nil)
    }

    @Test func anUnknownModeOrALiveFileWithoutVenuesIsRefused() {
        let typo = HedgetopConfig.parse("mode = \"LIVE\"" + venues, file: "a.toml")
        #expect(throws: ConfigErrors.self) { try typo.validated() }
        #expect((try? typo.validated()) == nil)
        let bare = HedgetopConfig.parse("mode = \"live\"", file: "a.toml")
        do {
            try bare.validated()
            Issue.record("a LIVE file with no venues was accepted")
        } catch {
            #expect(error.errors.first?.key == "mode" && "\(error)".contains("add [venues.NAME] tables"), "\(error)")
        }
    }

    @Test func theShippedLiveFileTradesLiveOnBothVenues() {
        let path = ConfigFileTests.root.appendingPathComponent("live.toml").path
        let file = HedgetopConfig.load(path: path)
        #expect((try? file.validated()) != nil, "\(file)")
        #expect(file.tradesLive)
        #expect(file.liveVenues.map(\.name).sorted() == ["binance-usdm", "bybit-linear"])
    }
}
