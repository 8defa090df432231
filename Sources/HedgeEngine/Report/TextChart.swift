import HedgeCore

/// A line chart over time as plain text lines of braille (2×4 dots a character), for the printed
/// report: no terminal, no colour, nothing but the characters. The screen's own chart lives in
/// HedgeTerminal, a layer the engine may not import.
struct TextChart: Sendable {
    var width: Int
    var height: Int

    /// The chart of `points` (time, value) as `height` lines, each with its value label on the
    /// left (`labelWidth` characters) and `width` braille characters, then a line of times.
    /// Values hold between points (a step line, as equity does), and the time axis is linear.
    func lines(_ points: [(time: Timestamp, value: Double)], label: (Double) -> String, time: (Timestamp) -> String) -> [String] {
        let finite = points.filter { $0.value.isFinite }
        guard let first = finite.first, let last = finite.last, width > 0, height > 0 else { return [] }
        let dotsX = width * 2, dotsY = height * 4
        var low = finite.map(\.value).min() ?? 0, high = finite.map(\.value).max() ?? 0
        if low == high { low -= 1; high += 1 }
        let span = Double(last.time.nanoseconds - first.time.nanoseconds)
        func column(_ t: Timestamp) -> Int {
            guard span > 0 else { return 0 }
            return min(dotsX - 1, max(0, Int(Double(t.nanoseconds - first.time.nanoseconds) / span * Double(dotsX - 1) + 0.5)))
        }
        func row(_ value: Double) -> Int {
            // Row 0 is the top.
            let fraction = (value - low) / (high - low)
            return min(dotsY - 1, max(0, dotsY - 1 - Int(fraction * Double(dotsY - 1) + 0.5)))
        }
        var dots = Array(repeating: Array(repeating: false, count: dotsX), count: dotsY)
        var previous: (x: Int, y: Int)?
        for point in finite {
            let x = column(point.time), y = row(point.value)
            if let previous {
                // Hold the previous value up to this time, then step to the new one.
                for holdX in previous.x...max(previous.x, x) { dots[previous.y][holdX] = true }
                for stepY in min(previous.y, y)...max(previous.y, y) { dots[stepY][x] = true }
            }
            dots[y][x] = true
            previous = (x, y)
        }
        if let previous { for holdX in previous.x..<dotsX { dots[previous.y][holdX] = true } }
        // Braille dot bits: column 0 rows 0-3 → 1, 2, 4, 64; column 1 → 8, 16, 32, 128.
        let bits: [[UInt32]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]
        let top = label(high), bottom = label(low)
        let labelWidth = max(top.count, bottom.count)
        var result: [String] = []
        for cellRow in 0..<height {
            var text = ""
            for cellColumn in 0..<width {
                var value: UInt32 = 0
                for dx in 0..<2 {
                    for dy in 0..<4 where dots[cellRow * 4 + dy][cellColumn * 2 + dx] { value |= bits[dx][dy] }
                }
                text.unicodeScalars.append(Unicode.Scalar(0x2800 + value)!)
            }
            let name = cellRow == 0 ? top : (cellRow == height - 1 ? bottom : "")
            result.append(String(repeating: " ", count: labelWidth - name.count) + name + " " + text)
        }
        let start = time(first.time), end = time(last.time)
        let gap = max(1, width - start.count - end.count)
        result.append(String(repeating: " ", count: labelWidth + 1) + start + String(repeating: " ", count: gap) + end)
        return result
    }
}
