import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A connected Unix stream socket: whole-frame reads and writes with blocking calls, meant for a
/// thread of its own. Closing is idempotent; `shutdown` wakes a thread blocked in a read or write.
public final class UnixSocket: Sendable {
    public let descriptor: Int32

    public init(descriptor: Int32) { self.descriptor = descriptor }

    deinit { close(descriptor) }

    /// Connects to the socket at `path`; throws `errno` text ("No such file or directory"),
    /// naming the path as `describedAs` (default: `path`).
    public static func connect(path: String, describedAs shown: String? = nil) throws(SocketError) -> UnixSocket {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SocketError.errno("socket") }
        var address = try SocketAddress.unix(path)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard result == 0 else {
            let error = SocketError.errno("connect to \(shown ?? path)")
            close(fd)
            throw error
        }
        return UnixSocket(descriptor: fd)
    }

    /// Stops reads and writes in both directions (a blocked thread returns).
    public func shutdown() { _ = Glibc.shutdown(descriptor, Int32(SHUT_RDWR)) }

    /// Reads and writes give up after this long (0: never).
    public func setTimeouts(receive: Double?, send: Double?) {
        func set(_ option: Int32, _ seconds: Double) {
            var value = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - Double(Int(seconds))) * 1_000_000))
            _ = setsockopt(descriptor, SOL_SOCKET, option, &value, socklen_t(MemoryLayout<timeval>.size))
        }
        if let receive { set(SO_RCVTIMEO, receive) }
        if let send { set(SO_SNDTIMEO, send) }
    }

    /// The peer's process credentials, from the kernel (SO_PEERCRED): they cannot be forged.
    func peerCredentials() throws(SocketError) -> PeerCredentials {
        // struct ucred { pid_t pid; uid_t uid; gid_t gid; }: Glibc hides it behind _GNU_SOURCE.
        var raw: (Int32, UInt32, UInt32) = (0, 0, 0)
        var length = socklen_t(MemoryLayout<(Int32, UInt32, UInt32)>.size)
        guard getsockopt(descriptor, SOL_SOCKET, SO_PEERCRED, &raw, &length) == 0 else { throw SocketError.errno("SO_PEERCRED") }
        return PeerCredentials(pid: raw.0, uid: raw.1, gid: raw.2)
    }

    /// Writes all of `bytes`; false when the peer is gone or the send timed out.
    public func write(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                Glibc.send(descriptor, buffer.baseAddress! + offset, buffer.count - offset, Int32(MSG_NOSIGNAL))
            }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return false }
            offset += written
        }
        return true
    }

    /// Reads exactly `count` bytes; nil at end of stream, on error or timeout.
    public func read(exactly count: Int) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: count)
        var offset = 0
        while offset < count {
            let got = bytes.withUnsafeMutableBytes { buffer in
                recv(descriptor, buffer.baseAddress! + offset, count - offset, 0)
            }
            if got < 0 && errno == EINTR { continue }
            guard got > 0 else { return nil }
            offset += got
        }
        return bytes
    }

    /// Reads one frame's payload: nil when the stream ended cleanly between frames; throws on a
    /// bad length (the caller closes the connection).
    func readFrame(limit: Int) throws(WireError) -> [UInt8]? {
        guard let header = read(exactly: 4) else { return nil }
        let length = try WireFrame.payloadLength(header: header, limit: limit)
        guard let payload = read(exactly: length) else { throw WireError(.malformed, "the stream ended inside a frame") }
        return payload
    }

    /// Reads and decodes one message; nil at end of stream.
    public func readMessage(limit: Int) throws(WireError) -> WireMessage? {
        guard let payload = try readFrame(limit: limit) else { return nil }
        return try WireMessage.decode(payload)
    }

    /// Reads and decodes one message, inflating a deflated one on `inflater`'s stream (the
    /// connection's); nil at end of stream.
    func readMessage(limit: Int, inflatingWith inflater: WireInflater?) throws(WireError) -> WireMessage? {
        guard let payload = try readFrame(limit: limit) else { return nil }
        guard payload.first == WireProtocol.deflatedMark else { return try WireMessage.decode(payload) }
        guard let inflater else { throw WireError(.malformed, "a deflated frame on a connection that did not ask for one") }
        return try WireMessage.decode(inflater.decompress(payload.dropFirst(), limit: limit))
    }

    /// Encodes and writes one message.
    @discardableResult
    public func send(_ message: WireMessage) -> Bool {
        guard let frame = try? message.frame() else { return false }
        return write(frame)
    }
}

/// Who is at the other end of a Unix socket, as the kernel says.
struct PeerCredentials: Sendable, Hashable {
    public var pid: Int32
    public var uid: UInt32
    public var gid: UInt32

    public init(pid: Int32, uid: UInt32, gid: UInt32) {
        self.pid = pid
        self.uid = uid
        self.gid = gid
    }
}

/// A failed socket call, with the system's words for why.
public struct SocketError: Error, Sendable, CustomStringConvertible {
    public var operation: String
    public var code: Int32
    /// A whole sentence of our own instead of "operation: errno text".
    public var message: String?
    public var description: String { message ?? "\(operation): \(String(cString: strerror(code)))" }

    public init(operation: String, code: Int32) {
        self.operation = operation
        self.code = code
    }

    public init(message: String, code: Int32) {
        self.operation = message
        self.code = code
        self.message = message
    }

    static func errno(_ operation: String) -> SocketError { SocketError(operation: operation, code: Glibc.errno) }
}

enum SocketAddress {
    /// A `sockaddr_un` for `path`; a path too long for `sun_path` (108 bytes) is an error.
    static func unix(_ path: String) throws(SocketError) -> sockaddr_un {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count < capacity else { throw SocketError(operation: "socket path \(path) is longer than \(capacity - 1) bytes", code: ENAMETOOLONG) }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in bytes.enumerated() { buffer[index] = byte }
            buffer[bytes.count] = 0
        }
        return address
    }
}
