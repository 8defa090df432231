import ServiceLifecycle

/// The traders of a LIVE run as one service. Listed before the engine, it stops after it: a stop
/// that flattens still has its orders sent; then each mailbox closes and the traders finish what
/// they were following.
public struct LiveTraders: Service {
    let traders: [LiveTrader]
    let transports: [HTTPOrderTransport]

    public func run() async throws {
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                for trader in traders { group.addTask { await trader.run() } }
            }
        } onGracefulShutdown: {
            for trader in traders { trader.mailbox.close() }
        }
        for transport in transports { await transport.shutdown() }
    }
}
