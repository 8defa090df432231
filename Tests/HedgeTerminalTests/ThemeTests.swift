import Testing
@testable import HedgeTerminal

@Suite struct ThemeTests {
    @Test(arguments: [
        (UInt8(1), UInt8(1)),   // basic colours are themselves
        (9, 1),                 // bright red → red
        (196, 1),               // (255,0,0) → red
        (46, 2),                // (0,255,0) → green
        (21, 4),                // (0,0,255) → blue
        (226, 3),               // (255,255,0) → yellow
        (51, 6),                // (0,255,255) → cyan
        (201, 5),               // (255,0,255) → magenta
        (231, 7),               // white
        (16, 0),                // black
        (255, 7),               // light grey → white
        (234, 0),               // dark grey → black
    ])
    func nearestBasicColour(index: UInt8, expected: UInt8) {
        #expect(PaletteColour.nearestBasic(to: index) == expected)
    }

    @Test func avoidsTheBackgroundColour() {
        // Dark grey text on a black background would vanish on 8-colour terminals.
        #expect(PaletteColour.nearestBasic(to: 236, avoiding: 0) != 0)
        #expect(PaletteColour.nearestBasic(to: 0, avoiding: 0) == 0)
    }

    @Test func cursesNumberKeeps256OrMapsDown() {
        #expect(PaletteColour.indexed(203).cursesNumber(colours: 256, avoiding: nil) == 203)
        #expect(PaletteColour.indexed(203).cursesNumber(colours: 8, avoiding: nil) == 1)
        #expect(PaletteColour.terminalDefault.cursesNumber(colours: 8, avoiding: nil) == -1)
    }

    @Test func defaultThemeColoursEveryRole() {
        for role in ThemeRole.allCases { #expect(Theme.defaultDark.foregrounds[role] != nil, "no colour for \(role)") }
    }

    @Test func shippedThemeFileNamesEveryRole() throws {
        let path = #filePath.split(separator: "/").dropLast(3).joined(separator: "/")
        let file = try String(contentsOfFile: "/" + path + "/themes/default.toml", encoding: .utf8)
        for role in ThemeRole.allCases { #expect(file.contains("\n\(role.fileKey) = "), "themes/default.toml lacks \(role.fileKey)") }
    }
}
