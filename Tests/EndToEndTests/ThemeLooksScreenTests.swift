import Foundation
import Testing

/// The look as a terminal shows it (tmux `capture-pane -e`, colours included): the light theme
/// paints its own background on every cell, and the selected strategy is one bar, one colour.
@Suite("Theme looks in tmux", .serialized)
struct ThemeLooksScreenTests {
    /// Colour on: a test runner may export NO_COLOR, and an empty one counts as unset.
    let colour = ["LANG": "C.UTF-8", "TERM": "xterm-256color", "NO_COLOR": ""]

    /// The SGR sequences (`ESC [ … m`) in `line`, with the visible text that follows each.
    static func segments(_ line: String) -> [(sgr: String, text: String)] {
        var result: [(String, String)] = [("", "")]
        var rest = Substring(line)
        while let start = rest.range(of: "\u{1B}[") {
            result[result.count - 1].1 += rest[..<start.lowerBound]
            let after = rest[start.upperBound...]
            guard let end = after.firstIndex(of: "m") else { break }
            result.append((String(after[..<end]), ""))
            rest = after[after.index(after: end)...]
        }
        result[result.count - 1].1 += rest
        return result
    }

    @Test("--theme light paints its own background on every row, and the selection is one bar")
    func lightThemePaintsItsBackground() throws {
        let session = try TmuxSession(width: 120, height: 40, environment: colour, arguments: "--theme light")
        _ = try session.waitForScreen { $0.contains("SCANNING_SPREADS") }
        let coloured = try session.tmux(["capture-pane", "-e", "-p"])
        let lines = coloured.split(separator: "\n").map(String.init)
        // No cell falls back to the terminal's own background, and the theme's is set.
        let defaultBackgrounds = lines.filter { $0.contains("\u{1B}[49m") }.count
        #expect(defaultBackgrounds == 0, "rows with a cell on the terminal's default background")
        #expect(lines.contains { $0.contains("48;5;255") }, "the light theme's background (255) is never set")
        try selectionIsOneBar(lines)
        try session.send("q")
        #expect(try session.waitForExit().status == 0)
    }

    @Test("with the default theme the selected strategy is one bar too")
    func defaultThemeSelectionIsOneBar() throws {
        let session = try TmuxSession(width: 120, height: 40, environment: colour)
        _ = try session.waitForScreen { $0.contains("SCANNING_SPREADS") }
        let lines = try session.tmux(["capture-pane", "-e", "-p"]).split(separator: "\n").map(String.init)
        try selectionIsOneBar(lines)
        try session.send("q")
        #expect(try session.waitForExit().status == 0)
    }

    /// The selected row (the first row under the Strategies title): from the reverse video on,
    /// the row's text up to the box's right edge is drawn without one more colour change.
    func selectionIsOneBar(_ lines: [String]) throws {
        let titleRow = try #require(lines.firstIndex { $0.contains("Strategies") })
        let row = Self.segments(lines[titleRow + 2])
        let barStart = try #require(row.firstIndex { $0.sgr.split(separator: ";").contains("7") }, "no reverse video on the selected row")
        // The first segment with text after reverse-on holds the whole bar up to the right border.
        let rest = row[barStart...]
        let firstText = try #require(rest.firstIndex { !$0.text.isEmpty })
        let bar = row[firstText].text
        #expect(bar.hasPrefix("btc-calendar") && bar.contains("SCANNING_SPREADS"), "the bar: \(bar)")
        #expect(bar.count >= 110, "the bar stops at \(bar.count) columns: \(row.map { "<\($0.sgr)>\($0.text)" }.joined())")
    }
}
