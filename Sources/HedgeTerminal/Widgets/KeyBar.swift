/// The bottom line: the keys that matter, and the status message (acknowledgements, prompts).
/// Keys are dropped whole, from the right, to make room for the message after a gap: a message
/// never overwrites a key mid-word.
struct KeyBar {
    var keyMap: KeyMap
    var status: StatusMessage?
    /// Shown in place of the command keys while they are refused (read-only, disconnected).
    var refusal: String?

    /// Between the last key shown and the message.
    static let gap = 2

    struct Segment {
        var key: String
        var words: String
        var refused: Bool
        var width: Int { refused ? words.count + 2 : key.count + words.count + 3 }
    }

    /// What the bar offers, left to right: command keys collapse into the refusal when refused.
    var segments: [Segment] {
        var result: [Segment] = []
        var refusalShown = false
        for binding in keyMap.bindings where binding.onKeyBar {
            if binding.intent.isCommand, let refusal {
                if !refusalShown { result.append(Segment(key: "", words: refusal, refused: true)) }
                refusalShown = true
                continue
            }
            result.append(Segment(key: binding.label, words: binding.summary, refused: false))
        }
        return result
    }

    func render(into buffer: inout Buffer, area: Rect, glyphs: GlyphSet) {
        guard !area.isEmpty else { return }
        let y = area.y
        let text = status.map { Buffer.fitted($0.text, to: area.width - 1, ellipsis: glyphs.ellipsis) }
        // The message answers what the trader just did: it wins the room it needs.
        let budget = area.width - (text.map { $0.count + Self.gap } ?? 0)
        var x = area.x
        for segment in segments {
            guard x - area.x + segment.width <= budget else { break }
            if segment.refused {
                x = buffer.put(" " + segment.words + " ", x: x, y: y, style: Style(.muted, dim: true))
            } else {
                x = buffer.put(" " + segment.key, x: x, y: y, style: Style(.accent, bold: true))
                x = buffer.put(" " + segment.words + " ", x: x, y: y, style: Style(.muted))
            }
        }
        guard let status, let text else { return }
        // Each key ends with a space: one more makes the gap.
        let start = x == area.x ? area.x + 1 : x + Self.gap - 1
        buffer.put(text, x: start, y: y, style: Style(status.role, bold: true), limit: area.maxX - start)
    }
}
