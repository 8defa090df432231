import Testing
@testable import HedgeTerminal

@Suite struct BufferTests {
    @Test func putClipsAtTheEdges() {
        var buffer = Buffer(width: 5, height: 2)
        buffer.put("hello world", x: 2, y: 0)
        buffer.put("xy", x: -1, y: 1)
        buffer.put("never", x: 0, y: 5)
        #expect(buffer.lines() == ["  hel", "y    "])
    }

    @Test func boxHasTitleInTheTopBorder() {
        var buffer = Buffer(width: 14, height: 3)
        let inner = buffer.box(buffer.area, title: "Spread", glyphs: .unicode)
        #expect(buffer.lines() == ["┌─┤ Spread ├─┐", "│            │", "└────────────┘"])
        #expect(inner == Rect(x: 1, y: 1, width: 12, height: 1))
    }

    @Test func longTitlesAreCutNotOverflowed() {
        var buffer = Buffer(width: 12, height: 3)
        buffer.box(buffer.area, title: "A very long title", glyphs: .ascii)
        #expect(buffer.lines()[0] == "+-[ A ve~ ]+")
    }

    @Test func controlCharactersBecomeSpaces() {
        var buffer = Buffer(width: 4, height: 1)
        buffer.put("a\nb\u{1B}", x: 0, y: 0)
        #expect(buffer.lines() == ["a b "])
    }
}
