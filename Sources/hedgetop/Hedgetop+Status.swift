import ArgumentParser
import Foundation
import HedgeCore
import HedgeEngine

#if canImport(Glibc)
import Glibc
#endif

extension Hedgetop {
    /// A one-shot summary of a running server, for people and scripts.
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a one-shot summary of a running `hedgetop serve`.")

        @Argument(help: "The server's name (see `hedgetop list`).")
        var name: String = "main"

        @Option(help: "The control socket's path, instead of the one the name gives.")
        var socket: String?

        @Flag(help: "Print JSON (one object) instead of text.")
        var json = false

        @Option(help: "Accepted for symmetry with the other commands; status writes no log.")
        var logFile: String?

        func run() async throws {
            signal(SIGPIPE, SIG_IGN)
            let path = socket ?? ControlSocketPath.path(name: name)
            let (connection, welcome) = try connectOrExplain(path: path, hello: WireHello(readOnly: true, framesPerSecond: 1, client: "status"), name: socket == nil ? name : nil)
            connection.setTimeouts(receive: 10, send: 10)
            var snapshot: EngineSnapshot?
            while snapshot == nil {
                guard let message = try? connection.readMessage(limit: WireProtocol.maxServerFrame) else { break }
                snapshot = message.snapshot
            }
            guard let snapshot else {
                printError("hedgetop: the server \(welcome.name) sent no snapshot within 10 s")
                throw ExitCode.failure
            }
            let summary = ServerSummary(name: welcome.name, socket: path, pid: welcome.serverPID, snapshot: snapshot)
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                print(String(decoding: try encoder.encode(summary), as: UTF8.self))
            } else {
                print(summary.text)
            }
        }
    }

    /// This user's running servers.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List this user's running `hedgetop serve` servers.")

        @Option(help: "Accepted for symmetry with the other commands; list writes no log.")
        var logFile: String?

        func run() async throws {
            signal(SIGPIPE, SIG_IGN)
            let sockets = ControlSocketPath.all()
            if sockets.isEmpty {
                print("no servers in \(ControlSocketPath.directory()); start one with `hedgetop serve`")
                return
            }
            for (name, path) in sockets {
                do {
                    let (connection, welcome) = try ControlClient.handshake(path: path, hello: WireHello(readOnly: true, framesPerSecond: 1, client: "list"))
                    connection.shutdown()
                    print("\(name)\tpid \(welcome.serverPID)\t\(path)")
                } catch {
                    print("\(name)\tnot answering (\(error))\t\(path)")
                }
            }
        }
    }
}

/// What `hedgetop status` prints: per strategy its state, spread, PnL and open legs.
struct ServerSummary: Encodable {
    struct Strategy: Encodable {
        var name: String
        var state: String
        var paused: Bool
        var spreadBps: String?
        var netPnL: String
        var completedCycles: Int
        var legs: [String]
        var openOrders: Int
    }

    var name: String
    var socket: String
    var pid: Int32
    var time: String
    var mode: String
    var strategies: [Strategy]
    var venues: [String: Bool]

    init(name: String, socket: String, pid: Int32, snapshot: EngineSnapshot) {
        self.name = name
        self.socket = socket
        self.pid = pid
        time = "\(snapshot.time)"
        mode = snapshot.mode.rawValue
        strategies = snapshot.strategies.map { strategy in
            Strategy(name: strategy.name, state: strategy.state.rawValue, paused: strategy.paused,
                     spreadBps: strategy.spreadBps.map { "\($0)" }, netPnL: "\(strategy.pnl.net)",
                     completedCycles: strategy.completedCycles,
                     legs: Leg.allCases.compactMap { leg in
                         let held = strategy.legs[leg]
                         return held.quantity.isZero ? nil : "\(held.instrument) \(held.quantity)"
                     },
                     openOrders: strategy.openOrders.count)
        }
        venues = Dictionary(snapshot.venues.map { ($0.name, $0.connected) }, uniquingKeysWith: { first, _ in first })
    }

    var text: String {
        var lines = ["\(name) (pid \(pid), \(mode), \(time)) on \(socket)"]
        for strategy in strategies {
            let legs = strategy.legs.isEmpty ? "flat" : strategy.legs.joined(separator: ", ")
            lines.append("  \(strategy.name): \(strategy.state)\(strategy.paused ? " (paused)" : ""), spread \(strategy.spreadBps ?? "-") bps, net PnL \(strategy.netPnL) USD, \(strategy.completedCycles) cycles, \(legs), \(strategy.openOrders) orders working")
        }
        return lines.joined(separator: "\n")
    }
}
