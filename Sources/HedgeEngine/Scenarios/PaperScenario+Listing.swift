import HedgeCore
import HedgeVenues

/// The dated contracts count from the journal's creation (`listed`), so a journal outlives them:
/// a start after their expiry must say so instead of trading, or recovering, a settled contract.
extension PaperScenario {
    /// The venues' dated contracts that expired at or before `time`, in symbol order.
    func expiredContracts(at time: Timestamp) -> [ContractSpec] {
        venues.flatMap { $0.contracts.values }
            .filter { $0.kind.expiry.map { $0 <= time } ?? false }
            .sorted { $0.id.description < $1.id.description }
    }

    /// Positions the venues' books (`ledgers`) still hold in contracts expired at `time`: the
    /// paper venue settles a contract only while it runs, so these would be left unattended.
    func positionsInExpiredContracts(_ ledgers: [VenueLedger], at time: Timestamp) -> [Position] {
        let expired = Set(expiredContracts(at: time).map(\.id))
        return ledgers.flatMap(\.positions).filter { !$0.isFlat && expired.contains($0.spec.id) }
            .sorted { $0.spec.id.description < $1.spec.id.description }
    }
}
