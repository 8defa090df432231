import Foundation
import HummingbirdWebSocket
import Logging

/// Binance's market-stream WebSocket: `/ws`, `/ws/<stream>` (raw payloads) and
/// `/stream?streams=a/b` (combined, `{"stream":...,"data":...}`), with the live
/// SUBSCRIBE / UNSUBSCRIBE / LIST_SUBSCRIPTIONS requests answered as Binance answers them.
enum BinanceStreams {
    /// The connection a path asks for: raw or combined, and its initial streams; nil: not a stream path.
    static func route(path: String) -> (combined: Bool, streams: [String])? {
        let (route, query) = HTTPPath.split(path)
        if route == "/ws" { return (false, []) }
        if route.hasPrefix("/ws/") {
            let names = route.dropFirst(4).split(separator: "/").map(String.init)
            return (false, names)
        }
        if route == "/stream" {
            let names = (query["streams"] ?? "").split(separator: "/").map(String.init)
            return (true, names)
        }
        return nil
    }

    static func frame(combined: Bool) -> @Sendable (TapeMessage, String) -> String {
        if combined {
            return { message, name in "{\"stream\":\"\(name)\",\"data\":\(message.payload)}" }
        }
        return { message, _ in message.payload }
    }

    /// Subscribes `connection` to `names` (case as given; symbols are matched without case).
    static func subscribe(_ connection: StreamConnection, _ names: [String]) {
        for name in names {
            guard let (symbol, channel) = BinanceStreamName.parse(name) else { continue }
            connection.subscribe(SubscriptionKey(symbol: symbol, channel: channel), as: name)
        }
    }

    /// Answers one client request; the reply, or nil when none is due.
    static func handle(_ text: String, on connection: StreamConnection) async throws {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            try await connection.outbound.write(.text(#"{"error":{"code":3,"msg":"Invalid JSON: expected value at line 1 column 1"}}"#))
            return
        }
        let id = idText(object["id"])
        guard let method = object["method"] as? String else {
            try await connection.outbound.write(.text(#"{"error":{"code":2,"msg":"Invalid request: missing field `method`"},"id":\#(id)}"#))
            return
        }
        let params = (object["params"] as? [Any])?.compactMap { $0 as? String }
        switch method {
        case "SUBSCRIBE", "UNSUBSCRIBE":
            guard let params else {
                try await connection.outbound.write(.text(#"{"error":{"code":2,"msg":"Invalid request: missing field `params`"},"id":\#(id)}"#))
                return
            }
            try await connection.outbound.write(.text(#"{"result":null,"id":\#(id)}"#))
            if method == "SUBSCRIBE" {
                subscribe(connection, params)
            } else {
                for name in params { if let (symbol, channel) = BinanceStreamName.parse(name) { connection.unsubscribe(SubscriptionKey(symbol: symbol, channel: channel)) } }
            }
        case "LIST_SUBSCRIPTIONS":
            let names = connection.subscriptionNames.sorted().map { "\"\($0)\"" }.joined(separator: ",")
            try await connection.outbound.write(.text(#"{"result":[\#(names)],"id":\#(id)}"#))
        default:
            try await connection.outbound.write(.text(#"{"error":{"code":2,"msg":"Invalid request: unknown variant `\#(method)`, expected one of `SUBSCRIBE`, `UNSUBSCRIBE`, `LIST_SUBSCRIPTIONS`, `SET_PROPERTY`, `GET_PROPERTY`"},"id":\#(id)}"#))
        }
    }

    /// The request id echoed back: a number as a number, text quoted, none as null.
    static func idText(_ value: Any?) -> String {
        if let number = value as? NSNumber { return number.stringValue }
        if let text = value as? String { return "\"\(text.replacingOccurrences(of: "\"", with: ""))\"" }
        return "null"
    }
}

/// A request path split into its route and query parameters (percent-decoded).
enum HTTPPath {
    static func split(_ path: String) -> (route: String, query: [String: String]) {
        guard let mark = path.firstIndex(of: "?") else { return (path, [:]) }
        var query: [String: String] = [:]
        for pair in path[path.index(after: mark)...].split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard let key = parts.first else { continue }
            let value = parts.count > 1 ? String(parts[1]) : ""
            query[String(key)] = value.removingPercentEncoding ?? value
        }
        return (String(path[..<mark]), query)
    }
}
