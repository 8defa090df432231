import HedgeCore
import Testing
@testable import HedgeVenues

@Suite struct BookSideTests {
    /// The levels from the best down, as the side gives them.
    static func levels(_ side: BookSide) -> [(Int64, Int64)] {
        var levels: [(Int64, Int64)] = []
        side.forEachFromBest { levels.append(($0, $1)); return true }
        return levels
    }

    static func reference(_ levels: [Int64: Int64]) -> [(Int64, Int64)] {
        levels.sorted { $0.key > $1.key }.map { ($0.key, $0.value) }
    }

    @Test("random sets, removals, trims and best-level pops keep the same levels as a plain dictionary")
    func matchesADictionary() {
        var random = SeededRandom(seed: 11)
        var side = BookSide()
        var expected: [Int64: Int64] = [:]
        for step in 0..<40_000 {
            let roll = random.next() % 100
            // Keys cluster near a moving top, as a depth stream's changes do, with some far away.
            let top = Int64(5_000 + (step / 100) % 400)
            let key = roll < 80 ? top - Int64(random.next() % 60) : Int64(random.next() % 6_000)
            if roll < 55 {
                let size = Int64(random.next() % 5 + 1)
                side.set(key: key, size: size)
                expected[key] = size
            } else if roll < 95 {
                side.set(key: key, size: 0)
                expected[key] = nil
            } else if roll < 98 {
                side.removeBest()
                if let best = expected.keys.max() { expected[best] = nil }
            } else {
                let excess = Int(random.next() % 30)
                let removed = expected.keys.sorted().prefix(excess)
                #expect(side.removeWorst(excess) == removed.last)
                for key in removed { expected[key] = nil }
            }
            #expect(side.count == expected.count)
            if step % 500 == 0 { #expect(Self.levels(side).elementsEqual(Self.reference(expected), by: ==)) }
        }
        #expect(Self.levels(side).elementsEqual(Self.reference(expected), by: ==))
        #expect(side.best?.key == expected.keys.max())
        #expect(side.worst?.key == expected.keys.min())
        for key in expected.keys.prefix(50) { #expect(side.size(at: key) == expected[key]) }
    }

    @Test("a side built in order equals one built by sets, and equality ignores how blocks fall")
    func appendAndEquality() {
        var appended = BookSide()
        var set = BookSide()
        for key in stride(from: Int64(1), through: 1_000, by: 1) { appended.append(key: key, size: key) }
        for key in stride(from: Int64(1_000), through: 1, by: -1) { set.set(key: key, size: key) }
        #expect(appended == set)
        #expect(appended.hashValue == set.hashValue)
        set.set(key: 500, size: 1)
        #expect(appended != set)
    }

    @Test("a zero level is kept when asked (a ticker top with nothing left), and a taker's fill changes sizes in place")
    func zeroLevelsAndFills() {
        var side = BookSide()
        side.set(key: 10, size: 0, keepingZero: true)
        #expect(side.count == 1 && side.best?.size == 0)
        side.set(key: 9, size: 4)
        side.updateFromBest { _, size in
            size = 7
            return false
        }
        #expect(Self.levels(side).elementsEqual([(10, 7), (9, 4)], by: ==))
        side.replaceAll(key: 3, size: 2)
        #expect(Self.levels(side).elementsEqual([(3, 2)], by: ==))
    }
}
