import Foundation
@testable import HedgeCore
@testable import HedgeEngine
import Testing
@testable import HedgeTerminal

/// Under a locale without UTF-8 (`LANG=C`) every symbol the screen and the engine's words use
/// reads as ASCII: `|dev| >= 2.0 sd`, never `? 2.0?`.
@Suite struct ASCIIFallbackTests {
    @Test(arguments: [
        ("|dev| ≥ 2.0σ", "|dev| >= 2.0 sd"),
        ("|dev| ≤ 0.5σ", "|dev| <= 0.5 sd"),
        ("volatility stop: σ 12.0 bps > 3.0× entry σ 4.0", "volatility stop: sd 12.0 bps > 3.0x entry sd 4.0"),
        ("open ≤ 2  total ≤ 200,000", "open <= 2  total <= 200,000"),
        ("SCANNING_SPREADS → ERROR: kill switch", "SCANNING_SPREADS -> ERROR: kill switch"),
        ("the spread is A − B", "the spread is A - B"),
        ("plain ASCII stays as it is", "plain ASCII stays as it is"),
        ("名前", "??"),
    ])
    func foldsToASCII(text: String, ascii: String) {
        #expect(ASCIIFallback.fold(text) == ascii)
    }

    @Test func theSpreadPanelReadsTheEngineRulesInASCII() {
        var strategy = SnapshotFixture.strategy
        // The words the engine sends (StrategyRunner.snapshot).
        strategy.entryRule = "|dev| ≥ 2.0σ"
        strategy.exitRule = "|dev| ≤ 0.5σ"
        var buffer = Buffer(width: 60, height: 10, asciiOnly: true)
        SpreadPanel(strategy: strategy, position: (0, 1)).render(into: &buffer, area: buffer.area, glyphs: .ascii)
        buffer.replaceNonASCII()
        #expect(buffer.lines()[2].hasPrefix("|entry |dev| >= 2.0 sd   exit |dev| <= 0.5 sd "))
    }

    @Test func aWholeASCIIScreenHasNoUnknownSymbol() {
        var snapshot = SnapshotFixture.snapshot
        snapshot.strategies[0] = WidgetGoldenTests.withOrder
        snapshot.strategies[0].entryRule = "|dev| ≥ 2.0σ"
        snapshot.strategies[0].exitRule = "|dev| ≤ 0.5σ"
        snapshot.strategies[0].transitions.append(
            Transition(from: .scanning, to: .spreadDetected, reason: "deviation 3.1 bps ≥ 2.0σ; edge needs 1.2 bps", time: SnapshotFixture.at(595)))
        snapshot.limits = PortfolioLimits(maxOpenSpreads: 2, maxTotalNotional: 200_000, maxMarginUtilisation: 0.5)
        for (width, height) in [(80, 24), (120, 40), (200, 60)] {
            let lines = Dashboard(glyphs: .ascii).render(snapshot, input: ScreenInput(), width: width, height: height).lines()
            #expect(lines.allSatisfy { $0.allSatisfy(\.isASCII) })
            // The key bar's "? h" (help) is the only question mark a trader should see.
            #expect(!lines.dropLast().joined().contains("?"), "\(width)x\(height):\n\(lines.joined(separator: "\n"))")
        }
    }

    /// Every non-ASCII character in a string literal of the modules whose words reach the screen
    /// (the engine's reasons and alerts, the venues' refusals, the screen's own) has a look-alike.
    @Test func everySymbolInTheSourcesHasAFallback() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources")
        var missing: [String] = []
        var checked = 0
        for module in ["HedgeCore", "HedgeEngine", "HedgeVenues", "HedgeTerminal"] {
            let enumerator = try #require(FileManager.default.enumerator(at: sources.appendingPathComponent(module), includingPropertiesForKeys: nil))
            for case let file as URL in enumerator where file.pathExtension == "swift" {
                checked += 1
                let text = try String(contentsOf: file, encoding: .utf8)
                for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                    for character in Self.literalCharacters(in: line) where !character.isASCII && ASCIIFallback.table[character] == nil {
                        missing.append("\(module)/\(file.lastPathComponent):\(number + 1): \(character)")
                    }
                }
            }
        }
        #expect(checked > 50)
        #expect(missing.isEmpty, "no ASCII look-alike for:\n\(missing.joined(separator: "\n"))")
    }

    /// The characters inside string literals on one line (comments are not drawn).
    static func literalCharacters(in line: Substring) -> [Character] {
        var inside = false, escaped = false, previous: Character?, result: [Character] = []
        for character in line {
            defer { previous = character }
            if inside {
                if escaped { escaped = false } else if character == "\\" { escaped = true } else if character == "\"" { inside = false } else { result.append(character) }
            } else if character == "\"" {
                inside = true
            } else if character == "/" && previous == "/" {
                break
            }
        }
        return result
    }
}
