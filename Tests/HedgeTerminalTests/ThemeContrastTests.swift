import Foundation
import Testing
@testable import HedgeTerminal

/// Every theme in `themes/` is readable: each role drawn as text has a WCAG contrast ratio of at
/// least 4.5 against the theme's background, and so has the selection bar's text on the bar.
/// Colours are palette indices, so the RGB is xterm's for that index.
@Suite struct ThemeContrastTests {
    static let minimum = 4.5
    /// Roles drawn as lines, not text: box borders and the chart's zero line.
    static let nonText: Set<ThemeRole> = [.background, .border, .zeroLine]

    static var files: [String] {
        let directory = ThemeFileTests.themesDirectory
        return ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasSuffix(".toml") }.sorted().map { directory + "/" + $0 }
    }

    /// WCAG 2 relative luminance of an xterm palette colour.
    static func luminance(_ index: UInt8) -> Double {
        let (r, g, b) = PaletteColour.rgb(of: index)
        func linear(_ channel: Int) -> Double {
            let value = Double(channel) / 255
            return value <= 0.03928 ? value / 12.92 : pow((value + 0.055) / 1.055, 2.4)
        }
        return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
    }

    static func contrast(_ a: UInt8, _ b: UInt8) -> Double {
        let (la, lb) = (luminance(a), luminance(b))
        return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
    }

    /// The background the text is drawn on: the screen's own when the theme sets one, else the
    /// terminal background the theme is made for (its `background` role).
    static func background(of theme: Theme) -> UInt8? {
        if case .indexed(let index) = theme.background { return index }
        if case .indexed(let index) = theme.foreground(.background) { return index }
        return nil
    }

    @Test func theFormulaMatchesWCAG() {
        #expect(abs(Self.contrast(16, 231) - 21) < 0.001)  // black on white
        #expect(abs(Self.contrast(231, 231) - 1) < 0.001)
        #expect(abs(Self.luminance(196) - 0.2126) < 0.0001) // pure red
        #expect(Self.contrast(243, 255) < Self.minimum)     // the old light theme's muted grey failed
    }

    @Test func everyFileInThemesIsChecked() {
        #expect(Self.files.count >= ThemeFileTests.shipped.count)
    }

    @Test("text roles against the background, and the selection bar, at least 4.5:1", arguments: files)
    func textRolesAreReadable(path: String) throws {
        let theme = try ThemeCatalog(directory: nil).load(path).get()
        guard let background = Self.background(of: theme) else {
            // No background named: the theme must leave every colour to the terminal (monochrome).
            for role in ThemeRole.allCases { #expect(theme.foreground(role) == .terminalDefault, "\(path): \(role.fileKey) is coloured but no background is named") }
            return
        }
        for role in ThemeRole.allCases where !Self.nonText.contains(role) {
            guard case .indexed(let colour) = theme.foreground(role) else {
                Issue.record("\(path): \(role.fileKey) uses the terminal's colour on a background of \(background)")
                continue
            }
            let ratio = Self.contrast(colour, background)
            #expect(ratio >= Self.minimum, "\(path): \(role.fileKey) \(colour) on \(background) is \(String(format: "%.2f", ratio)):1")
        }
        // The selection bar is drawn reversed: the background colour on the `selected` colour.
        if case .indexed(let bar) = theme.foreground(.selected) {
            #expect(Self.contrast(bar, background) >= Self.minimum, "\(path): selection bar")
        }
    }

    /// A pale theme on a dark terminal would be dark text on black: it paints its own background.
    @Test("a light theme sets its own screen background", arguments: files)
    func lightThemeSetsItsOwnBackground(path: String) throws {
        let theme = try ThemeCatalog(directory: nil).load(path).get()
        guard case .indexed(let background) = theme.foreground(.background), Self.luminance(background) > 0.5 else { return }
        #expect(theme.background == .indexed(background), "\(path): screen_background must be set to the background colour \(background)")
    }
}
