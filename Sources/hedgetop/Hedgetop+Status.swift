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
        static let configuration = CommandConfiguration(
            abstract: "Print a one-shot summary of a running `hedgetop serve`.",
            discussion: "With --json, a failure is a JSON object too ({\"error\": ..., \"socket\": ...}) on standard output, with exit status 1.")

        @Argument(help: "The server's name (see `hedgetop list`; default: main, or the only server running).")
        var name: String?

        @Option(help: "The control socket's path, instead of the one the name gives.")
        var socket: String?

        @Flag(help: "Print JSON (one object) instead of text.")
        var json = false

        @Option(help: "Accepted for symmetry with the other commands; status writes no log.")
        var logFile: String?

        func run() async throws {
            signal(SIGPIPE, SIG_IGN)
            do {
                let summary = try fetch()
                if json {
                    print(Self.encode(summary))
                } else {
                    print(summary.text)
                }
            } catch {
                if json {
                    print(Self.encode(StatusError(error: error.message, socket: error.socket)))
                } else {
                    printError("hedgetop: \(error.message)")
                }
                throw ExitCode.failure
            }
        }

        /// Connects (choosing the server as `ServerChoice` says) and reads one snapshot.
        func fetch() throws(ConnectFailure) -> ServerSummary {
            let choice = try ServerChoice.resolve(name: name, socket: socket, command: "status")
            if let note = choice.note { printError("hedgetop: \(note)") }
            let (connection, welcome) = try connectToServer(path: choice.path, hello: WireHello(readOnly: true, framesPerSecond: 1, client: "status", probe: true),
                                                            name: choice.name)
            connection.setTimeouts(receive: 10, send: 10)
            var snapshot: EngineSnapshot?
            while snapshot == nil {
                guard let message = try? connection.readMessage(limit: WireProtocol.maxServerFrame) else { break }
                snapshot = message.snapshot
            }
            guard let snapshot else { throw ConnectFailure(message: "the server \(welcome.name) sent no snapshot within 10 s", socket: choice.path) }
            return ServerSummary(name: welcome.name, socket: choice.path, pid: welcome.serverPID, snapshot: snapshot)
        }

        static func encode(_ value: some Encodable) -> String {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? #"{"error":"cannot encode the status"}"#
        }
    }

    /// This user's running servers.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List this user's running `hedgetop serve` servers.")

        @Option(help: "List only the server on this control socket (repeatable), instead of every socket in this user's directory.")
        var socket: [String] = []

        @Option(help: "Accepted for symmetry with the other commands; list writes no log.")
        var logFile: String?

        func run() async throws {
            signal(SIGPIPE, SIG_IGN)
            let sockets = socket.isEmpty
                ? ControlSocketPath.all()
                : socket.map { (name: (($0 as NSString).lastPathComponent as NSString).deletingPathExtension, path: $0) }
            if sockets.isEmpty {
                print("no servers in \(ControlSocketPath.directory()); start one with `hedgetop serve`")
                return
            }
            for (name, path) in sockets {
                do {
                    // This user's own directory holds only this user's servers.
                    let (connection, welcome) = try ControlClient.handshake(path: path, hello: WireHello(readOnly: true, framesPerSecond: 1, client: "list", probe: true),
                                                                            expected: socket.isEmpty ? .uid(geteuid()) : .directoryOwner)
                    connection.shutdown()
                    print("\(name)\tpid \(welcome.serverPID)\t\(path)")
                } catch {
                    if case .notASocket(let kind) = SocketPathOccupant.inspect(path) {
                        print("\(name)\tnot a socket (\(kind))\t\(path)")
                    } else {
                        print("\(name)\tnot answering (\(error))\t\(path)")
                    }
                }
            }
        }
    }
}

/// What `status --json` prints when it fails: scripts parse one object either way.
struct StatusError: Encodable {
    var error: String
    var socket: String
}

/// What `hedgetop status` prints: per strategy its state, spread, PnL and open legs. Numbers in
/// the JSON are exact decimal strings; the text rounds them as the screen does (spread to 0.1 bps,
/// money to the cent).
struct ServerSummary: Encodable {
    /// The JSON's shape: 2 has legs as objects (1, unlabelled, had "VENUE:SYMBOL QTY" strings).
    static let formatVersion = 2

    struct Position: Encodable {
        var venue: String
        var symbol: String
        var side: String
        /// Contracts, unsigned (the side says which way).
        var quantity: FixedDecimal
        var entryPrice: FixedDecimal
        var mark: FixedDecimal?
        var unrealisedPnL: FixedDecimal
        /// The asset unrealised PnL is counted in (USD for linear legs, the coin for inverse ones).
        var settlementAsset: String

        init(_ leg: LegSnapshot) {
            venue = leg.instrument.venue
            symbol = leg.instrument.symbol
            side = leg.quantity.isNegative ? Side.sell.rawValue : Side.buy.rawValue
            quantity = leg.quantity.magnitude
            entryPrice = leg.averageEntry
            mark = leg.mark
            unrealisedPnL = leg.unrealisedPnL
            settlementAsset = leg.settlementAsset
        }

        var text: String { "\(venue):\(symbol) \(side) \(quantity)" }
    }

    struct Strategy: Encodable {
        var name: String
        var state: String
        var paused: Bool
        var spreadBps: FixedDecimal?
        var netPnL: FixedDecimal
        var completedCycles: Int
        var legs: [Position]
        var openOrders: Int
    }

    var version = ServerSummary.formatVersion
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
                     spreadBps: strategy.spreadBps, netPnL: strategy.pnl.net,
                     completedCycles: strategy.completedCycles,
                     legs: Leg.allCases.compactMap { leg in
                         let held = strategy.legs[leg]
                         return held.quantity.isZero ? nil : Position(held)
                     },
                     openOrders: strategy.openOrders.count)
        }
        venues = Dictionary(snapshot.venues.map { ($0.name, $0.connected) }, uniquingKeysWith: { first, _ in first })
    }

    var text: String {
        var lines = ["\(name) (pid \(pid), \(mode), \(time)) on \(socket)"]
        for strategy in strategies {
            let legs = strategy.legs.isEmpty ? "flat" : strategy.legs.map(\.text).joined(separator: ", ")
            let spread = strategy.spreadBps.map { $0.formatted(places: 1, plusSign: true) } ?? "-"
            let net = strategy.netPnL.formatted(places: 2, grouping: true, plusSign: true)
            lines.append("  \(strategy.name): \(strategy.state)\(strategy.paused ? " (paused)" : ""), spread \(spread) bps, net PnL \(net) USD, \(strategy.completedCycles) cycles, \(legs), \(strategy.openOrders) orders working")
        }
        return lines.joined(separator: "\n")
    }
}
