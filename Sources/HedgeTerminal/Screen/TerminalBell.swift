import HedgeEngine

/// When the screen rings the terminal bell: once as a strategy's legs stay unhedged (past the
/// alert wait) and once as it falls into ERROR, each time it happens anew, never per frame. The
/// same detector as `serve --on-alert`, so the bell and the alert command agree.
struct TerminalBell: Sendable {
    private var detector = AlertDetector()

    /// Whether `snapshot` begins an unhedged leg or an ERROR.
    mutating func rings(for snapshot: EngineSnapshot) -> Bool {
        detector.observe(snapshot).contains { $0.kind == .unhedged || $0.kind == .error }
    }
}
