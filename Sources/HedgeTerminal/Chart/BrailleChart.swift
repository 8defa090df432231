import HedgeCore
import HedgeEngine

/// A line chart over time, btop style: braille gives each cell 2×4 dots, so a 60-column chart
/// shows 120 samples. Horizontal levels (zero) and bands sit under the lines, markers over them. Without UTF-8 it falls back to one ASCII mark a cell.
struct BrailleChart: Sendable {
    /// A line; the first series sets the time window, later series are drawn on top.
    struct Series: Sendable {
        public var points: [SeriesPoint]
        public var style: Style
        var asciiMark: Character
        public init(points: [SeriesPoint], style: Style, asciiMark: Character = "*") {
            self.points = points
            self.style = style
            self.asciiMark = asciiMark
        }
    }

    /// A threshold band as it was at each time: two edges drawn as lines. An edge on the far side
    /// of the band's middle from every sample of the first series in the window does not widen
    /// the fitted range (a basis spread far above its fair value would otherwise share the
    /// chart's height with the lower entry edge it never goes near); it is drawn where in range.
    struct Band: Sendable {
        var points: [BandPoint]
        var style: Style
        var asciiMark: Character = "-"

        var upper: Series { Series(points: points.map { SeriesPoint(time: $0.time, value: $0.upper) }, style: style, asciiMark: asciiMark) }
        var lower: Series { Series(points: points.map { SeriesPoint(time: $0.time, value: $0.lower) }, style: style, asciiMark: asciiMark) }
    }

    /// A horizontal line across the chart at one value (a threshold, zero).
    public struct Level: Sendable {
        public var value: Double
        public var style: Style
        public init(value: Double, style: Style) {
            self.value = value
            self.style = style
        }
    }

    /// A single glyph at a point (an entry or exit).
    struct Marker: Sendable {
        public var time: Timestamp
        public var value: Double
        var glyph: Character
        public var style: Style
        public init(time: Timestamp, value: Double, glyph: Character, style: Style) {
            self.time = time
            self.value = value
            self.glyph = glyph
            self.style = style
        }
    }

    /// Which stretch of time the x axis covers.
    enum TimeSpan: Sendable, Hashable {
        /// The newest samples of the first series, one per dot column.
        case fit
        /// The last `Duration` up to the newest sample, samples placed by time.
        case last(Duration)
        /// Everything from the first sample to the last, placed by time.
        case all
    }

    public var series: [Series]
    /// Lines under the series, over the levels: thresholds as they were at each time (a band
    /// that moved with σ), so a past entry is shown against the band it crossed.
    var bands: [Band] = []
    public var levels: [Level]
    public var span: TimeSpan = .fit
    public var markers: [Marker]
    /// Fixed value range; nil fits the visible samples and levels.
    var valueRange: ClosedRange<Double>?
    /// Decimal places of the y-axis labels.
    var labelPlaces: Int
    /// Columns every y label takes whatever the range, so the plot does not jump sideways from
    /// one frame to the next; nil sizes them to the longest label of this frame.
    var labelWidth: Int?
    var showAxis: Bool
    /// A bottom row with the times at the window's start, middle and end (UTC).
    var showTimeAxis = false
    var axisStyle: Style
    var labelStyle: Style

    public init(series: [Series], levels: [Level] = [], markers: [Marker] = [], valueRange: ClosedRange<Double>? = nil,
                labelPlaces: Int = 1, showAxis: Bool = true, axisStyle: Style = Style(.border), labelStyle: Style = Style(.muted)) {
        self.series = series
        self.levels = levels
        self.markers = markers
        self.valueRange = valueRange
        self.labelPlaces = labelPlaces
        self.showAxis = showAxis
        self.axisStyle = axisStyle
        self.labelStyle = labelStyle
    }

    public func render(into buffer: inout Buffer, area fullArea: Rect, glyphs: GlyphSet) {
        guard fullArea.width >= 1, fullArea.height >= 1 else { return }
        let timeAxis = showTimeAxis && fullArea.height >= 5
        let area = timeAxis ? fullArea.splitBottom(1).rest : fullArea
        // Labels are fitted to a provisional range first; the plot width then fixes the window.
        let provisional = window(columns: area.width, braille: glyphs.braille)
        let range = valueRange ?? fittedRange(window: provisional)
        let ticks = tickRows(height: area.height)
        let labels = ticks.map { row in label(value(atRow: row, height: area.height, range: range)) }
        let labelWidth = self.labelWidth ?? labels.map(\.count).max() ?? 0
        let drawAxis = showAxis && area.width >= labelWidth + 1 + 8
        let plotArea = drawAxis ? area.splitLeft(labelWidth + 1).right : area
        if drawAxis {
            for row in 0..<area.height {
                buffer[area.x + labelWidth, area.y + row] = Cell(glyphs.vertical, style: axisStyle)
            }
            for (row, text) in zip(ticks, labels) {
                let padded = String(repeating: " ", count: labelWidth - text.count) + text
                buffer.put(padded, x: area.x, y: area.y + row, style: labelStyle)
                buffer[area.x + labelWidth, area.y + row] = Cell(glyphs.axisTick, style: axisStyle)
            }
        }
        plot(into: &buffer, area: plotArea, range: range, glyphs: glyphs)
        if timeAxis, let shown = window(columns: plotArea.width, braille: glyphs.braille) {
            drawTimes(shown, into: &buffer, row: fullArea.maxY - 1, plot: plotArea)
        }
    }

    /// Start, middle and end times under the plot, where they fit without overlapping.
    func drawTimes(_ shown: (start: Timestamp, end: Timestamp), into buffer: inout Buffer, row: Int, plot: Rect) {
        let start = CivilTime(shown.start).clock, end = CivilTime(shown.end).clock
        guard plot.width >= start.count + end.count + 2 else {
            if plot.width >= end.count { buffer.put(end, x: plot.maxX - end.count, y: row, style: labelStyle) }
            return
        }
        buffer.put(start, x: plot.x, y: row, style: labelStyle)
        buffer.put(end, x: plot.maxX - end.count, y: row, style: labelStyle)
        let middleTime = Timestamp(nanoseconds: shown.start.nanoseconds / 2 + shown.end.nanoseconds / 2)
        let middle = CivilTime(middleTime).clock
        let middleX = plot.x + (plot.width - middle.count) / 2
        if middleX > plot.x + start.count + 1, middleX + middle.count < plot.maxX - end.count - 1 {
            buffer.put(middle, x: middleX, y: row, style: labelStyle)
        }
    }

    /// The time span shown: the newest samples of the first series that fit one per dot column.
    func window(columns: Int, braille: Bool) -> (start: Timestamp, end: Timestamp)? {
        guard let first = series.first, let newest = first.points.last else { return nil }
        switch span {
        case .fit: break
        case .all: return (first.points[0].time, newest.time)
        case .last(let duration):
            // The window's end moves in whole dot columns of time, so the picture shifts one
            // column at a time instead of re-rounding every sample each frame.
            let dots = Int64(max(1, columns * (braille ? 2 : 1)))
            let step = max(1, duration.nanosecondsClamped / dots)
            let end = Timestamp(nanoseconds: (newest.time.nanoseconds / step + 1) * step)
            return (end + (Duration.zero - duration), end)
        }
        let fit = max(1, columns * (braille ? 2 : 1))
        let shown = first.points.suffix(fit)
        return (shown.first!.time, shown.last!.time)
    }

    /// The range of what is drawn in the window: levels, the samples of every series, the band
    /// edges on the first series' side of their band, and the markers, so none is cut off and
    /// nothing out of sight (or out of play) widens it.
    func fittedRange(window: (start: Timestamp, end: Timestamp)?) -> ClosedRange<Double> {
        var values = levels.map(\.value)
        if let window {
            func inWindow(_ time: Timestamp) -> Bool { time >= window.start && time <= window.end }
            for line in series {
                values += line.points.lazy.filter { inWindow($0.time) }.map(\.value)
            }
            let first = series.first?.points.lazy.filter { inWindow($0.time) }.map(\.value).filter(\.isFinite) ?? []
            for band in bands {
                let shown = band.points.filter { inWindow($0.time) && $0.upper.isFinite && $0.lower.isFinite }
                guard !shown.isEmpty else { continue }
                let middle = shown.reduce(0) { $0 + ($1.upper + $1.lower) / 2 } / Double(shown.count)
                if first.isEmpty || first.contains(where: { $0 >= middle }) { values += shown.map(\.upper) }
                if first.isEmpty || first.contains(where: { $0 <= middle }) { values += shown.map(\.lower) }
            }
            values += markers.lazy.filter { inWindow($0.time) }.map(\.value)
        }
        values = values.filter(\.isFinite)
        guard var low = values.min(), var high = values.max() else { return -1...1 }
        if high - low < 1e-9 { low -= 1; high += 1 }
        return low...high
    }

    /// Rows that carry a y label: top, bottom, and about one every four rows between.
    func tickRows(height: Int) -> [Int] {
        guard height > 1 else { return [0] }
        let count = min(height, max(2, height / 4 + 1))
        var rows: [Int] = []
        for index in 0..<count {
            let row = Int((Double(index * (height - 1)) / Double(count - 1)).rounded())
            if rows.last != row { rows.append(row) }
        }
        return rows
    }

    func value(atRow row: Int, height: Int, range: ClosedRange<Double>) -> Double {
        guard height > 1 else { return range.upperBound }
        return range.upperBound - Double(row) / Double(height - 1) * (range.upperBound - range.lowerBound)
    }

    func label(_ value: Double) -> String { Self.label(value, places: labelPlaces, width: labelWidth) }

    /// Spread labels in bps: "-999.9" fits, wider values lose their decimal or go to "k".
    static let bpsLabelWidth = 6
    /// Money labels in USD: "9,999.99" fits, wider values lose their cents or go to "k".
    static let moneyLabelWidth = 8

    /// `value` to `places`, thousands grouped as everywhere on the screen; when that is wider
    /// than `width`, fewer places, then thousands or millions as "12.3k", "4M".
    static func label(_ value: Double, places: Int, width: Int?) -> String {
        let full = value.fixed(places: places)
        guard let width, full.count > width else { return full }
        for fewer in stride(from: places - 1, through: 0, by: -1) {
            let text = value.fixed(places: fewer)
            if text.count <= width { return text }
        }
        for (divisor, suffix) in [(1e3, "k"), (1e6, "M"), (1e9, "G")] {
            for fewer in [1, 0] {
                let text = (value / divisor).fixed(places: fewer) + suffix
                if text.count <= width { return text }
            }
        }
        return String(full.prefix(width))
    }

    func plot(into buffer: inout Buffer, area: Rect, range: ClosedRange<Double>, glyphs: GlyphSet) {
        guard !area.isEmpty else { return }
        let braille = glyphs.braille
        let window = window(columns: area.width, braille: braille)
        var layers: [DotLayer] = []
        let blank = DotLayer(columns: area.width, rows: area.height, braille: braille, style: .plain, asciiMark: " ")
        let span = range.upperBound - range.lowerBound
        func dotRow(_ value: Double) -> Int? {
            guard value.isFinite, value >= range.lowerBound - 1e-9, value <= range.upperBound + 1e-9, span > 0 else { return nil }
            return Int(((range.upperBound - value) / span * Double(blank.dotRows - 1)).rounded())
        }
        func dotColumn(_ time: Timestamp) -> Int? {
            guard let window, time >= window.start, time <= window.end else { return nil }
            let width = Double(window.end.nanoseconds - window.start.nanoseconds)
            if width <= 0 { return blank.dotColumns - 1 }
            return Int((Double(time.nanoseconds - window.start.nanoseconds) / width * Double(blank.dotColumns - 1)).rounded())
        }
        for level in levels {
            var layer = DotLayer(columns: area.width, rows: area.height, braille: braille, style: level.style, asciiMark: "-")
            if let row = dotRow(level.value) { layer.horizontal(atDotRow: row) }
            layers.append(layer)
        }
        let edges = bands.flatMap { [(line: $0.upper, clamps: false), (line: $0.lower, clamps: false)] }
        for (line, clamps) in edges + series.map({ (line: $0, clamps: true) }) {
            var layer = DotLayer(columns: area.width, rows: area.height, braille: braille, style: line.style, asciiMark: line.asciiMark)
            var previous: (x: Int, y: Int)?
            for point in line.points {
                // Values outside a fixed range are clamped to the edge rather than dropped; a band
                // edge out of range is left out (drawn along the border it would read as a level).
                if !clamps && !range.contains(point.value) { previous = nil; continue }
                let clamped = min(max(point.value, range.lowerBound), range.upperBound)
                guard let x = dotColumn(point.time), let y = dotRow(clamped) else { previous = nil; continue }
                if let previous { layer.line(from: previous, to: (x, y)) } else { layer.set(x, y) }
                previous = (x, y)
            }
            layers.append(layer)
        }
        for row in 0..<area.height {
            for column in 0..<area.width {
                var combined: UInt8 = 0
                var top: DotLayer?
                for layer in layers {
                    let mask = layer.mask(column: column, row: row)
                    if mask != 0 { combined |= mask; top = layer }
                }
                guard let top else { continue }
                let character: Character = braille
                    ? Character(Unicode.Scalar(0x2800 + UInt32(combined))!)
                    : top.asciiMark
                buffer[area.x + column, area.y + row] = Cell(character, style: top.style)
            }
        }
        for marker in markers {
            guard let x = dotColumn(marker.time), let y = dotRow(marker.value) else { continue }
            buffer[area.x + x / blank.dotsWide, area.y + y / blank.dotsHigh] = Cell(marker.glyph, style: marker.style)
        }
    }
}
