/// How much time the spread chart spans; `+` and `-` step through these.
enum ChartWindow: Int, Sendable, Hashable, CaseIterable {
    case oneMinute, fiveMinutes, fifteenMinutes, oneHour, all

    public var label: String {
        switch self {
        case .oneMinute: "1m"
        case .fiveMinutes: "5m"
        case .fifteenMinutes: "15m"
        case .oneHour: "1h"
        case .all: "all"
        }
    }

    /// The span, nil for everything the snapshot holds.
    public var duration: Duration? {
        switch self {
        case .oneMinute: .seconds(60)
        case .fiveMinutes: .seconds(300)
        case .fifteenMinutes: .seconds(900)
        case .oneHour: .seconds(3600)
        case .all: nil
        }
    }

    var shorter: ChartWindow? { ChartWindow(rawValue: rawValue - 1) }
    public var longer: ChartWindow? { ChartWindow(rawValue: rawValue + 1) }
}
