import Foundation

/// A WebSocket client on a plain socket: the upgrade is read before `init` returns, and it never
/// answers anything (not even a close frame), as a client that lost the server's close looks
/// from the server. Frames are read only when asked, so no client library's timing is involved.
final class RawWebSocket: @unchecked Sendable {
    private let fd: Int32

    init(port: UInt16, path: String) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { close(fd); throw HarnessError("connect to 127.0.0.1:\(port): \(String(cString: strerror(errno)))") }
        let request = Array(("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
            + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n").utf8)
        guard request.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == request.count else {
            close(fd); throw HarnessError("send: \(String(cString: strerror(errno)))")
        }
        // The answer's head, up to the blank line; the frames that follow are read by `readToEnd`.
        var head: [UInt8] = []
        var byte: UInt8 = 0
        while !head.ends(with: [13, 10, 13, 10]) {
            guard recv(fd, &byte, 1, 0) == 1 else { close(fd); throw HarnessError("the upgrade's answer was cut off: \(String(decoding: head, as: UTF8.self))") }
            head.append(byte)
        }
        guard String(decoding: head, as: UTF8.self).hasPrefix("HTTP/1.1 101") else {
            close(fd); throw HarnessError("not upgraded: \(String(decoding: head, as: UTF8.self))")
        }
    }

    deinit { close(fd) }

    /// Reads until the server ends the connection (or `timeout` seconds pass): the data frames'
    /// count, the close frame's code if one came, and when the connection ended (nil: it had not).
    func readToEnd(timeout: Int) -> (frames: Int, closeCode: UInt16?, ended: ContinuousClock.Instant?) {
        let began = ContinuousClock.now
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        var ended: ContinuousClock.Instant?
        while ended == nil, began.duration(to: .now) < .seconds(timeout) {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 100) > 0 else { continue }
            let got = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if got > 0 { bytes += buffer.prefix(got) }
            else if got == 0 || (errno != EINTR && errno != EAGAIN) { ended = .now }
        }
        var frames = 0, closeCode: UInt16?, at = 0
        // Server frames are unmasked: FIN+opcode, then a 7-bit length, or 126 + 16 bits, or 127 + 64 bits.
        while at + 2 <= bytes.count {
            let opcode = bytes[at] & 0x0F
            var length = Int(bytes[at + 1] & 0x7F), header = 2
            if length == 126, at + 4 <= bytes.count { length = Int(bytes[at + 2]) << 8 | Int(bytes[at + 3]); header = 4 }
            if length == 127, at + 10 <= bytes.count { length = bytes[(at + 2)..<(at + 10)].reduce(0) { $0 << 8 | Int($1) }; header = 10 }
            guard at + header + length <= bytes.count else { break }
            if opcode == 0x8, length >= 2 { closeCode = UInt16(bytes[at + header]) << 8 | UInt16(bytes[at + header + 1]) }
            if opcode == 0x1 || opcode == 0x2 { frames += 1 }
            at += header + length
        }
        return (frames, closeCode, ended)
    }
}

private extension Array where Element == UInt8 {
    func ends(with suffix: [UInt8]) -> Bool { count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix }
}
