import Foundation
import Testing

/// Two servers of one user, with different names and no `--journal`: each has its own default
/// journal, so neither locks the other out, and `history --name` reads the one asked for.
@Suite("serve: each name its own default journal", .serialized)
struct ServeNamedJournalTests {
    @Test("serve --name desk and --name other run at once on journal-desk.sqlite and journal-other.sqlite; history --name reads each")
    func twoNamesTwoJournals() async throws {
        try await offPool {
            let desk = try ServedHedgetop(name: "desk")
            let other = try ServedHedgetop(name: "other", beside: desk, strategyName: "held-other")
            try desk.start()
            defer { desk.stop() }
            try other.start()
            defer { other.stop() }
            _ = try desk.waitForStrategy { $0.name == "held" && $0.legs.count == 2 }
            _ = try other.waitForStrategy { $0.name == "held-other" && $0.legs.count == 2 }

            let state = desk.stateDirectory + "/hedgetop/"
            #expect(desk.journal == state + "journal-desk.sqlite" && other.journal == state + "journal-other.sqlite")
            #expect(try desk.journalRows("SELECT DISTINCT strategy FROM cycles") == ["held"])
            #expect(try other.journalRows("SELECT DISTINCT strategy FROM cycles") == ["held-other"])
            #expect(!FileManager.default.fileExists(atPath: state + "journal.sqlite"), "a named server wrote main's journal")
            #expect(desk.stop() == 0 && other.stop() == 0)

            let deskHistory = try desk.hedgetop(["history", "--name", "desk"])
            #expect(deskHistory.status == 0 && deskHistory.output.contains("held ") && !deskHistory.output.contains("held-other"),
                    "history --name desk: \(deskHistory.output)\(deskHistory.error)")
            let otherHistory = try desk.hedgetop(["history", "--name", "other"])
            #expect(otherHistory.status == 0 && otherHistory.output.contains("held-other"), "history --name other: \(otherHistory.output)\(otherHistory.error)")
            let main = try desk.hedgetop(["history", "--name", "main"])
            #expect(main.status == 1 && main.error == "hedgetop: no journal at \(state)journal.sqlite; pass --journal PATH\n", "stderr: \(main.error)")
            let both = try desk.hedgetop(["history", "--name", "desk", "--journal", desk.journal])
            #expect(both.status != 0 && both.error.contains("--name and --journal both name a journal; pass one"), "stderr: \(both.error)")
        }
    }
}
