/// The characters the screen draws with: box lines and braille on UTF-8 terminals, plain ASCII
/// elsewhere (a non-UTF-8 locale shows box lines as `qqqq` and braille as blanks).
public struct GlyphSet: Sendable, Hashable {
    var horizontal: Character
    var vertical: Character
    var topLeft: Character, topRight: Character, bottomLeft: Character, bottomRight: Character
    /// Around a title in a top border: `┤ Spread ├`.
    var titleOpen: Character, titleClose: Character
    /// Where a y-axis tick meets the axis.
    var axisTick: Character
    var ellipsis: Character
    public var arrow: String
    /// Chart markers: an entry that sold A (A was rich), one that sold B, an exit.
    var aRichMarker: Character, bRichMarker: Character, exitMarker: Character
    public var connected: Character, disconnected: Character
    /// Whether charts use braille (2×4 dots a cell) or one ASCII mark a cell.
    var braille: Bool

    public static let unicode = GlyphSet(
        horizontal: "─", vertical: "│", topLeft: "┌", topRight: "┐", bottomLeft: "└", bottomRight: "┘",
        titleOpen: "┤", titleClose: "├", axisTick: "┤", ellipsis: "…", arrow: "→",
        aRichMarker: "▼", bRichMarker: "▲", exitMarker: "◆", connected: "●", disconnected: "○", braille: true)

    public static let ascii = GlyphSet(
        horizontal: "-", vertical: "|", topLeft: "+", topRight: "+", bottomLeft: "+", bottomRight: "+",
        titleOpen: "[", titleClose: "]", axisTick: "+", ellipsis: "~", arrow: "->",
        aRichMarker: "v", bRichMarker: "^", exitMarker: "x", connected: "*", disconnected: "o", braille: false)
}
