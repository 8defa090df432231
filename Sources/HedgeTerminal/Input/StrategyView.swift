import HedgeCore
import HedgeEngine

/// How the strategies list is ordered and which strategies it shows (`s`, `o`): with thirty
/// strategies, the losing, troubled or open ones can be brought to the top.
public struct StrategyView: Sendable, Hashable {
    public enum Order: Sendable, Hashable, CaseIterable {
        /// As configured.
        case configured
        /// Net PnL, worst first: what is losing is what needs looking at.
        case pnl
        /// Troubled states first (ERROR, HALTED, UNWINDING), then open ones, then flat.
        case state
        case name
    }

    public enum Filter: Sendable, Hashable, CaseIterable {
        case all
        /// Holding a spread, or on the way in or out of one.
        case open
        case flat
        /// ERROR, HALTED, UNWINDING, or a leg with stale data.
        case troubled
    }

    public var order: Order = .configured
    public var filter: Filter = .all

    public init(order: Order = .configured, filter: Filter = .all) {
        self.order = order
        self.filter = filter
    }

    /// The strategies as the list shows them.
    public func apply(to strategies: [StrategySnapshot]) -> [StrategySnapshot] {
        let kept = strategies.enumerated().filter { shows($0.element) }
        let sorted: [(offset: Int, element: StrategySnapshot)]
        switch order {
        case .configured: sorted = kept
        case .pnl: sorted = kept.sorted { ($0.element.pnl.net, $0.offset) < ($1.element.pnl.net, $1.offset) }
        case .state: sorted = kept.sorted { (Self.stateRank($0.element), $0.offset) < (Self.stateRank($1.element), $1.offset) }
        case .name: sorted = kept.sorted { ($0.element.name, $0.offset) < ($1.element.name, $1.offset) }
        }
        return sorted.map(\.element)
    }

    public func shows(_ strategy: StrategySnapshot) -> Bool {
        switch filter {
        case .all: true
        case .open: ScreenInput.hasOpenSpread(strategy)
        case .flat: !ScreenInput.hasOpenSpread(strategy)
        case .troubled: Self.isTroubled(strategy)
        }
    }

    static func isTroubled(_ strategy: StrategySnapshot) -> Bool {
        strategy.state == .error || strategy.state == .unwinding || !strategy.staleLegs.isEmpty
    }

    /// Troubled first, then open (closing before holding before opening), then flat.
    static func stateRank(_ strategy: StrategySnapshot) -> Int {
        switch strategy.state {
        case .error: 0
        case .unwinding: 1
        case .closing: 2
        case .adjusting: 3
        case .monitoring: 4
        case .openingLong, .openingShort: 5
        case .validating, .spreadDetected: 6
        case .completed: 7
        case .scanning: 8
        }
    }

    /// What the list's title adds: "open · by PnL"; nil for every strategy as configured.
    var label: String? {
        let parts = [filterLabel, orderLabel].compactMap { $0 }
        return parts.isEmpty ? nil : parts.joined(separator: " · ")
    }

    var filterLabel: String? {
        switch filter {
        case .all: nil
        case .open: "open"
        case .flat: "flat"
        case .troubled: "troubled"
        }
    }

    var orderLabel: String? {
        switch order {
        case .configured: nil
        case .pnl: "by PnL"
        case .state: "by state"
        case .name: "by name"
        }
    }

    /// The next order `s` gives, round again after name.
    func nextOrder() -> Order {
        let all = Order.allCases
        return all[(all.firstIndex(of: order)! + 1) % all.count]
    }

    /// The next filter `o` gives, round again after troubled.
    func nextFilter() -> Filter {
        let all = Filter.allCases
        return all[(all.firstIndex(of: filter)! + 1) % all.count]
    }
}
