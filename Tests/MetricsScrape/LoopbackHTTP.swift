import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One HTTP reply as the bytes came off the socket.
public struct HTTPReply: Sendable {
    public var status: Int
    /// Header names lowercased.
    public var headers: [String: String]
    public var body: String
}

/// A plain HTTP/1.1 request over a TCP socket to 127.0.0.1, the way a scraper makes it, with no
/// HTTP library (and no proxy settings) in between. Blocking: call it off the cooperative pool.
public enum LoopbackHTTP {
    /// - Parameter timeout: seconds to wait for the reply; generous, because under the full parallel
    ///   test run a server on this process's cooperative pool waits for CPU-bound tests to yield.
    /// - Parameter headers: more header lines ("Upgrade: websocket").
    public static func request(_ method: String = "GET", _ path: String, port: UInt16, timeout: Int = 120,
                               headers: [String] = [], body: String? = nil) throws -> HTTPReply {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ScrapeError("socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var limit = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw ScrapeError("connect to 127.0.0.1:\(port): \(String(cString: strerror(errno)))") }
        let extra = headers.map { $0 + "\r\n" }.joined()
        let connection = headers.contains { $0.lowercased().hasPrefix("connection:") } ? "" : "Connection: close\r\n"
        let length = body.map { "Content-Length: \($0.utf8.count)\r\n" } ?? ""
        let request = Array("\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n\(connection)\(length)\(extra)\r\n\(body ?? "")".utf8)
        var sent = 0
        while sent < request.count {
            let n = request[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw ScrapeError("send: \(String(cString: strerror(errno)))") }
            sent += n
        }
        // The reply ends after Content-Length bytes of body, or where the server closes. A HEAD
        // reply's Content-Length is the GET body's: read until the close (Connection: close) to
        // see every byte the server sent after the headers.
        let head = method == "HEAD"
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while head || !isComplete(bytes) {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 { break }
            guard n > 0 else { throw ScrapeError("recv (after up to \(timeout) s): \(String(cString: strerror(errno)))") }
            bytes.append(contentsOf: buffer[..<n])
        }
        return try parse(bytes, checkingLength: !head)
    }

    private static let separator: [UInt8] = Array("\r\n\r\n".utf8)

    /// Where the headers end, if they have.
    private static func headerEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= separator.count else { return nil }
        return (0...(bytes.count - separator.count)).first { bytes[$0..<($0 + separator.count)].elementsEqual(separator) }
    }

    private static func isComplete(_ bytes: [UInt8]) -> Bool {
        guard let end = headerEnd(bytes),
              let reply = try? parse(Array(bytes[..<(end + separator.count)]), checkingLength: false),
              let length = reply.headers["content-length"].flatMap({ Int($0) }) else { return false }
        return bytes.count - end - separator.count >= length
    }

    static func parse(_ bytes: [UInt8], checkingLength: Bool = true) throws -> HTTPReply {
        guard let end = headerEnd(bytes) else { throw ScrapeError("no end of headers in \(bytes.count) bytes") }
        let head = String(decoding: bytes[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let statusWords = head[0].split(separator: " ")
        guard statusWords.count >= 2, statusWords[0].hasPrefix("HTTP/1."), let status = Int(statusWords[1]) else {
            throw ScrapeError("bad status line '\(head[0])'")
        }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { throw ScrapeError("bad header line '\(line)'") }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let body = Array(bytes[(end + separator.count)...])
        if checkingLength, let length = headers["content-length"], Int(length) != body.count {
            throw ScrapeError("Content-Length \(length) but \(body.count) bytes of body")
        }
        return HTTPReply(status: status, headers: headers, body: String(decoding: body, as: UTF8.self))
    }
}

public struct ScrapeError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Runs blocking work on a thread of its own, so it never holds a cooperative-pool thread that
/// the code under test needs.
public func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}
