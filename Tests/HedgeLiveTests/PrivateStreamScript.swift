import HedgeCore
import Testing
@testable import HedgeLive

/// Drives a private-stream machine through scripted inputs on a hand-moved clock and checks the
/// actions of each step (logs aside: they are checked where they matter). Every action and the
/// machine's dump are kept, for the check that the secret never shows.
struct PrivateStreamScript<M: PrivateStreamMachine> {
    var machine: M
    var now: Timestamp
    private(set) var everything: [PrivateStreamAction] = []

    init(_ machine: M, at start: Timestamp = Timestamp(seconds: 1_786_300_000)) {
        self.machine = machine
        self.now = start
    }

    /// The clock moves on by `elapsed`, then `input(now)` is handled; its actions, logs left out.
    @discardableResult
    mutating func step(after elapsed: Duration = .zero, _ input: (Timestamp) -> PrivateStreamInput) -> [PrivateStreamAction] {
        now = now + elapsed
        let actions = machine.handle(input(now))
        everything += actions
        return actions.filter { if case .log = $0 { false } else { true } }
    }

    /// Runs `input` and expects exactly `expected`.
    mutating func expect(after elapsed: Duration = .zero, _ input: (Timestamp) -> PrivateStreamInput, _ expected: [PrivateStreamAction],
                         sourceLocation: SourceLocation = #_sourceLocation) {
        let actions = step(after: elapsed, input)
        #expect(actions == expected, sourceLocation: sourceLocation)
    }

    var logs: [String] { everything.compactMap { if case .log(_, let text) = $0 { text } else { nil } } }

    /// Everything the machine said or holds, as text: its actions and its dump.
    var allText: String {
        var dumped = ""
        dump(machine, to: &dumped)
        return everything.map { String(describing: $0) }.joined(separator: "\n") + "\n" + dumped
    }

    static func text(_ text: String) -> (Timestamp) -> PrivateStreamInput { { .message(Array(text.utf8), at: $0) } }
    static func answer(_ id: Int, status: Int = 200, _ body: String) -> (Timestamp) -> PrivateStreamInput {
        { .answer(id: id, VenueHTTPResponse(status: status, text: body), at: $0) }
    }
    static var tick: (Timestamp) -> PrivateStreamInput { { .tick(at: $0) } }
    static var connected: (Timestamp) -> PrivateStreamInput { { .connected(at: $0) } }
    static var start: (Timestamp) -> PrivateStreamInput { { .start(at: $0) } }
    static func closed(_ reason: String) -> (Timestamp) -> PrivateStreamInput { { .closed(reason: reason, at: $0) } }
}
