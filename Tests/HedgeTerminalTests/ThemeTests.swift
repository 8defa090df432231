import Foundation
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

/// Theme files: every shipped one parses and colours every role; each kind of broken file
/// names the file, the line and the key, and the screen falls back to the default.
@Suite struct ThemeFileTests {
    static let themesDirectory = "/" + #filePath.split(separator: "/").dropLast(3).joined(separator: "/") + "/themes"
    static let shipped = ["default", "light", "high-contrast", "monochrome", "nord", "gruvbox"]

    static func theme(_ colours: String, header: String = "") -> String {
        var text = "[theme]\n" + (header.hasPrefix("name") ? "" : "name = \"t\"\n") + header + "\n[colours]\n"
        // Roles with a fallback (the feed roles) are left out, as an older theme file has them.
        for role in ThemeRole.allCases where role.fallback == nil && !colours.contains(role.fileKey + " =") { text += role.fileKey + " = 7\n" }
        return text + colours
    }

    @Test(arguments: shipped)
    func shippedThemeParsesAndCoversEveryRole(name: String) throws {
        let catalog = ThemeCatalog(directory: Self.themesDirectory)
        #expect(catalog.names.contains(name))
        let theme = try catalog.load(name).get()
        for role in ThemeRole.allCases { #expect(theme.foregrounds[role] != nil, "\(name) lacks \(role.fileKey)") }
    }

    @Test func defaultFileMatchesTheBuiltInTheme() throws {
        let theme = try ThemeCatalog(directory: Self.themesDirectory).load("default").get()
        #expect(theme.foregrounds == Theme.defaultDark.foregrounds)
        #expect(theme.boldRoles == Theme.defaultDark.boldRoles)
    }

    @Test func catalogCyclesThroughEveryShippedThemeDefaultFirst() {
        let catalog = ThemeCatalog(directory: Self.themesDirectory)
        #expect(catalog.names.first == "default")
        #expect(Set(catalog.names) == Set(Self.shipped))
        var name = "default"
        var seen: [String] = []
        for _ in catalog.names { seen.append(name); name = catalog.name(after: name) }
        #expect(Set(seen) == Set(Self.shipped))
        #expect(name == "default")
    }

    @Test func hexColoursMapToTheNearestPaletteIndex() throws {
        #expect(PaletteColour.nearestIndex(r: 255, g: 0, b: 0) == 196)
        #expect(PaletteColour.nearestIndex(r: 0, g: 0, b: 0) == 16)
        #expect(PaletteColour.nearestIndex(r: 0x88, g: 0xC0, b: 0xD0) == 110) // (135,175,215)
        let theme = try ThemeFile.parse(Self.theme("profit = \"#00ff00\"\n"), file: "x.toml")
        #expect(theme.foregrounds[.profit] == .indexed(46))
    }

    @Test(arguments: [
        // (file text, expected message)
        ("[colours\ntext = 1\n", "theme bad.toml:1: not valid TOML"),
        (theme("text = true\n"), "theme bad.toml:25: colours.text: expected a palette index 0-255, \"#rrggbb\" or \"default\", got a bool"),
        (theme("text = 300\n"), "theme bad.toml:25: colours.text: 300 is not a palette index 0-255"),
        (theme("text = \"#12345\"\n"), "theme bad.toml:25: colours.text: \"#12345\" is not a colour"),
        (theme("text = \"red\"\n"), "theme bad.toml:25: colours.text: \"red\" is not a colour"),
        (theme("text = 1.5\n"), "theme bad.toml:25: colours.text: expected a palette index 0-255, \"#rrggbb\" or \"default\", got a floating-point number"),
        (theme("profitt = 2\n"), "theme bad.toml:26: colours.profitt: unknown role"),
        (theme("", header: "bold = \"title\""), "theme bad.toml:3: theme.bold: expected an array of role names, got a string"),
        (theme("", header: "bold = [\"titel\"]"), "theme bad.toml:3: theme.bold: unknown role \"titel\""),
        (theme("", header: "name = 3"), "theme bad.toml:2: theme.name: expected a string, got an integer"),
        (theme("", header: "colour = 3"), "theme bad.toml:3: theme.colour: unknown key"),
        ("[theme]\nname = \"x\"\n", "theme bad.toml: colours: missing the [colours] table"),
        ("[colours]\ntext = 1\n", "theme bad.toml:1: colours.background: no colour for this role"),
        ("colours = 5\n", "theme bad.toml:1: colours: expected a table [colours], got an integer"),
        ("[extra]\n[colours]\n", "theme bad.toml:1: extra: unknown section"),
    ])
    func brokenFileNamesFileLineAndKey(text: String, expected: String) {
        #expect(throws: ThemeError.self) { try ThemeFile.parse(text, file: "bad.toml") }
        do {
            _ = try ThemeFile.parse(text, file: "bad.toml")
        } catch {
            #expect(error.description.hasPrefix(expected), "got: \(error.description)")
        }
    }

    /// A NUL byte would end the text TOMLKit reads, so the rest of the file would be dropped unseen.
    @Test func nulByteIsRefusedWithItsLine() {
        let text = Self.theme("") + "\u{0}text = 999\n"
        let line = text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("\u{0}") }! + 1
        #expect { _ = try ThemeFile.parse(text, file: "bad.toml") } throws: { error in
            "\(error)" == "theme bad.toml:\(line): a NUL byte: a TOML file is text and cannot hold one (is this a binary file?)"
        }
    }

    @Test func aThemeWithoutTheFeedRolesBorrowsTheirColoursFromTheRolesTheyFallBackTo() throws {
        let theme = try ThemeFile.parse(Self.theme("profit = 41\nwarning = 214\ndanger = 203\nmuted = 245\n"), file: "old.toml")
        #expect(theme.foreground(.feedLive) == .indexed(41))
        #expect(theme.foreground(.feedStale) == .indexed(214))
        #expect(theme.foreground(.feedResyncing) == .indexed(214))
        #expect(theme.foreground(.feedDown) == .indexed(203))
        #expect(theme.foreground(.feedConnecting) == .indexed(245))
        let own = try ThemeFile.parse(Self.theme("feed_live = 42\n"), file: "new.toml")
        #expect(own.foreground(.feedLive) == .indexed(42))
    }

    @Test func brokenOrMissingThemeFallsBackToTheDefaultWithAMessage() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hedgetop-themes-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.theme("loss = \"#zzzzzz\"\n").write(to: directory.appendingPathComponent("broken.toml"), atomically: true, encoding: .utf8)
        let catalog = ThemeCatalog(directory: directory.path)
        let (theme, warning) = catalog.resolve("broken")
        #expect(theme == .defaultDark)
        #expect(warning?.contains("broken.toml:25: colours.loss") == true)
        #expect(warning?.hasSuffix("using the default theme") == true)
        let missing = catalog.resolve("nope")
        #expect(missing.theme == .defaultDark)
        #expect(missing.warning?.contains("no such theme") == true)
        let unreadable = catalog.resolve("/no/such/file.toml")
        #expect(unreadable.warning?.contains("/no/such/file.toml") == true)
        #expect(catalog.resolve(nil).warning == nil)
    }

    @Test func themesAreFoundFromTheExecutableUpwardThenTheCurrentDirectory() {
        let root = String(Self.themesDirectory.dropLast("/themes".count))
        #expect(ThemeCatalog.locate(executable: root + "/.build/x86_64-unknown-linux-gnu/debug/hedgetop", currentDirectory: "/") == Self.themesDirectory)
        #expect(ThemeCatalog.locate(executable: "/usr/bin/hedgetop", currentDirectory: root) == Self.themesDirectory)
        #expect(ThemeCatalog.locate(executable: nil, currentDirectory: "/") == nil)
    }
}
