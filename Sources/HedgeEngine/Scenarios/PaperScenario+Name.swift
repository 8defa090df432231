import HedgeCore
import HedgeVenues

extension PaperScenario {
    /// The paper scenarios a user can pick by name (`hedgetop run --scenario NAME`).
    public enum Name: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// Near vs far dated BTC future, z-score entry (the default).
        case calendar
        /// BTCUSDT perpetual on two venues, entry in bps over fees.
        case cross
        /// Dated BTC future vs the perpetual (inverse), entry on annualised basis, funding.
        case basis

        public var description: String { rawValue }

        /// One line for `--help`.
        public var summary: String {
            switch self {
            case .calendar: "near vs far dated BTC future on one venue, entry on z-score of the carry spread"
            case .cross: "BTCUSDT perpetual on venues sim-a and sim-b, entry in bps over four fills' fees"
            case .basis: "inverse BTC dated future vs perpetual, entry on annualised basis, funding every 8 h"
            }
        }

        /// The scenario, started at `start` with the market seeded by `seed`, its underlying at
        /// `initialPrice` when given (else the scenario's own), its dated contracts listed at
        /// `listed` when given (else at `start`; cross trades perpetuals only); `resume`: a saved
        /// market to continue instead (a restart).
        public func scenario(start: Timestamp, seed: UInt64, initialPrice: Double? = nil, listed: Timestamp? = nil,
                             resume: SyntheticMarket.State? = nil) -> PaperScenario {
            switch self {
            case .calendar: .calendarDemo(start: start, seed: seed, initialPrice: initialPrice, listed: listed, resume: resume)
            case .cross: .cross(start: start, seed: seed, initialPrice: initialPrice, resume: resume)
            case .basis: .basis(start: start, seed: seed, initialPrice: initialPrice, listed: listed, resume: resume)
            }
        }
    }
}
