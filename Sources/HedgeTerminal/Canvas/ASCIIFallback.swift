/// ASCII look-alikes for every symbol the screen draws and the engine's words hold, for a
/// terminal whose locale is not UTF-8 (`LANG=C`): `|dev| ≥ 2.0σ` reads `|dev| >= 2.0 sd`, never
/// `? 2.0?`. A character missing here is drawn as `?`; a test checks the sources for any.
enum ASCIIFallback {
    static let table: [Character: String] = [
        // Comparisons and arithmetic in rules, limits and reasons.
        "≥": ">=", "≤": "<=", "≠": "!=", "±": "+/-", "×": "x", "−": "-", "σ": "sd", "µ": "u", "Δ": "d",
        // Punctuation.
        "…": "~", "—": "-", "–": "-", "·": "-", "‖": "|", "\u{2009}": " ", "\u{00A0}": " ", "\u{202F}": " ",
        // Arrows and pointers.
        "→": "->", "←": "<-", "↑": "^", "↓": "v", "›": ">", "↳": ">",
        // Marks (the ASCII glyph set has its own; these cover text that names them).
        "●": "*", "○": "o", "▲": "^", "▼": "v", "◆": "x",
        // Box lines (the ASCII glyph set draws `+-|`; these cover anything drawn past it).
        "─": "-", "│": "|", "┌": "+", "┐": "+", "└": "+", "┘": "+", "┤": "+", "├": "+",
        // Progress bars (the sweep's live view).
        "█": "#", "░": ".",
    ]

    /// `text` with every non-ASCII character replaced by its look-alike (`?` when there is none).
    /// A σ after a figure gets a space: `2.0σ` reads `2.0 sd`.
    static func fold(_ text: String) -> String {
        guard !text.allSatisfy(\.isASCII) else { return text }
        var result = ""
        result.reserveCapacity(text.count + 4)
        for character in text {
            if character.isASCII {
                result.append(character)
            } else if character == "σ", let last = result.last, last.isNumber {
                result += " sd"
            } else {
                result += table[character] ?? "?"
            }
        }
        return result
    }

    /// One cell's look-alike: the first character of the fallback (`?` when there is none).
    static func cell(_ character: Character) -> Character {
        table[character]?.first ?? "?"
    }
}
