/// How a cell is drawn: a theme role plus attributes that work without colour.
public struct Style: Sendable, Hashable {
    var role: ThemeRole
    var bold: Bool
    public var reverse: Bool
    var dim: Bool
    var underline: Bool

    public init(_ role: ThemeRole = .text, bold: Bool = false, reverse: Bool = false, dim: Bool = false, underline: Bool = false) {
        self.role = role
        self.bold = bold
        self.reverse = reverse
        self.dim = dim
        self.underline = underline
    }

    public static let plain = Style()
    static func role(_ role: ThemeRole) -> Style { Style(role) }
    var bolded: Style { var copy = self; copy.bold = true; return copy }
    var reversed: Style { var copy = self; copy.reverse = true; return copy }
}

/// One character cell of the grid.
public struct Cell: Sendable, Hashable {
    public var character: Character
    public var style: Style

    public init(_ character: Character = " ", style: Style = .plain) {
        self.character = character
        self.style = style
    }

    static let blank = Cell()
}
