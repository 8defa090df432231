import ArgumentParser
import Foundation
import HedgeEngine

#if canImport(Glibc)
import Glibc
#endif

/// Why `attach` or `status` could not reach a server, in words that say what to do next.
struct ConnectFailure: Error {
    var message: String
    var socket: String
}

/// Which server a command means: `--socket` wins, then a name. Without either it is `main`, or,
/// when no `main` exists and exactly one server of this user is running, that one.
struct ServerChoice {
    var path: String
    /// The name the path came from (nil with `--socket`).
    var name: String?
    /// Set when the only running server was chosen for a missing `main`.
    var note: String?

    static func resolve(name: String?, socket: String?, command: String,
                        environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConnectFailure) -> ServerChoice {
        if let socket { return ServerChoice(path: socket, name: nil) }
        if let name { return ServerChoice(path: ControlSocketPath.path(name: name, environment: environment), name: name) }
        let main = ControlSocketPath.path(name: "main", environment: environment)
        guard SocketPathOccupant.inspect(main) == .nothing else { return ServerChoice(path: main, name: "main") }
        let running = ControlSocketPath.all(environment: environment).filter { SocketPathOccupant.inspect($0.path) == .liveSocket }
        switch running.count {
        case 0:
            return ServerChoice(path: main, name: "main")
        case 1:
            return ServerChoice(path: running[0].path, name: running[0].name,
                                note: "no server called main; using \(running[0].name), the only one running")
        default:
            let names = running.map(\.name)
            throw ConnectFailure(message: "no server called main, and several are running: \(names.joined(separator: ", ")); name one, e.g. `hedgetop \(command) \(names[0])`",
                                 socket: main)
        }
    }
}

/// Connects to a server; a failure says what went wrong and what to do. A server chosen by name
/// lives in this user's own directory and must run as this user; with `--socket`, as the owner
/// of the socket's directory.
func connectToServer(path: String, hello: WireHello, name: String?) throws(ConnectFailure) -> (UnixSocket, WireWelcome) {
    do {
        return try ControlClient.handshake(path: path, hello: hello, expected: name == nil ? .directoryOwner : .uid(geteuid()))
    } catch let error as SocketError where error.code == ENOENT || error.code == ECONNREFUSED {
        let occupant = SocketPathOccupant.inspect(path)
        if case .notASocket(let kind) = occupant {
            throw ConnectFailure(message: "\(path) is not a socket (it is \(kind)); see `hedgetop list` for the running servers", socket: path)
        }
        if case .foreignSocket(let uid) = occupant {
            throw ConnectFailure(message: "no server is listening on \(path), a socket of another user (uid \(uid)); see `hedgetop list` for yours", socket: path)
        }
        let start = name.map { "hedgetop serve --name \($0)" } ?? "hedgetop serve --socket \(path)"
        throw ConnectFailure(message: "no server is listening on \(path) (\(error)); start one with `\(start)`, or see `hedgetop list`", socket: path)
    } catch let error as SocketError where error.code == EACCES {
        throw ConnectFailure(message: "\(error): the socket belongs to another user; only its owner (or an allowed group) may attach", socket: path)
    } catch let error as WireError {
        throw ConnectFailure(message: "refused by the server: \(error.message)", socket: path)
    } catch {
        throw ConnectFailure(message: "\(error)", socket: path)
    }
}

/// Connects to a server, or prints what went wrong and what to do, and fails.
func connectOrExplain(path: String, hello: WireHello, name: String?) throws -> (UnixSocket, WireWelcome) {
    do {
        return try connectToServer(path: path, hello: hello, name: name)
    } catch {
        printError("hedgetop: \(error.message)")
        throw ExitCode.failure
    }
}
