import Foundation
import Testing
@testable import HedgeEngine

extension PaperDeskTests {
    @Test("a missing venue state with an open spread in the journal is refused with a message, never adopted as flat")
    func missingVenueStateRefused() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let statePath: String
        do {
            let desk = try open()
            #expect(await desk.session.tradeUntilHolding())
            try await trade(desk.session, stop: .keep, speed: 0.01, until: Self.holdsSpread)
            statePath = desk.venueStatePath
        }
        try FileManager.default.removeItem(atPath: statePath)
        await #expect {
            try await reopen()
        } throws: { error in
            let text = "\(error)"
            return text.contains("venue state \(statePath) is missing, but the journal holds positions sim:") && text.hasSuffix("not trading")
        }
        // Refused before anything traded or was saved: no venue state appears.
        #expect(!FileManager.default.fileExists(atPath: statePath))
    }
}
