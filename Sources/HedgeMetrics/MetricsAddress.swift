#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the metrics endpoint listens, as written after `--metrics`: `HOST:PORT` with an IPv4
/// literal, a bracketed IPv6 literal or `localhost`. Port 0 asks the system for a free port.
public struct MetricsAddress: Sendable, Hashable, CustomStringConvertible {
    enum Family: Sendable, Hashable { case ipv4, ipv6 }

    /// A numeric address: "127.0.0.1", "::1".
    public var host: String
    public var port: UInt16
    var family: Family

    /// Checks that `host` is a numeric IPv4 or IPv6 address.
    public init(host: String, port: UInt16) throws(MetricsAddressError) {
        if Self.isAddress(host, family: AF_INET) {
            family = .ipv4
        } else if Self.isAddress(host, family: AF_INET6) {
            family = .ipv6
        } else {
            throw MetricsAddressError("'\(host)' is not an IP address; write an IPv4 address, [IPv6] or localhost")
        }
        self.host = host
        self.port = port
    }

    /// Parses `127.0.0.1:9464`, `[::1]:9464`, `localhost:9464`, `0.0.0.0:9464`.
    public init(parsing text: String) throws(MetricsAddressError) {
        let example = "e.g. 127.0.0.1:9464, [::1]:9464 or localhost:0"
        let hostPart: Substring, portPart: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw MetricsAddressError("'\(text)': no ']' after the IPv6 address (\(example))") }
            hostPart = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { throw MetricsAddressError("'\(text)': expected :PORT after ']' (\(example))") }
            portPart = rest.dropFirst()
            guard Self.isAddress(String(hostPart), family: AF_INET6) else {
                throw MetricsAddressError("'\(hostPart)' is not an IPv6 address")
            }
        } else {
            guard let colon = text.lastIndex(of: ":") else { throw MetricsAddressError("'\(text)': expected HOST:PORT (\(example))") }
            hostPart = text[..<colon]
            portPart = text[text.index(after: colon)...]
            if hostPart.contains(":") { throw MetricsAddressError("'\(text)': an IPv6 address goes in brackets, e.g. [::1]:9464") }
        }
        guard !hostPart.isEmpty else { throw MetricsAddressError("'\(text)': no host (\(example); 0.0.0.0 listens on every interface)") }
        guard !portPart.isEmpty, portPart.allSatisfy(\.isASCII), portPart.allSatisfy(\.isNumber),
              let port = UInt16(portPart) else {
            throw MetricsAddressError("'\(text)': the port must be a number from 0 to 65535 (0 picks a free port)")
        }
        try self.init(host: hostPart == "localhost" ? "127.0.0.1" : String(hostPart), port: port)
    }

    /// "127.0.0.1:9464" or "[::1]:9464".
    public var description: String {
        switch family {
        case .ipv4: "\(host):\(port)"
        case .ipv6: "[\(host)]:\(port)"
        }
    }

    /// The URL a scraper reads.
    public var url: String { "http://\(description)/metrics" }

    private static func isAddress(_ text: String, family: Int32) -> Bool {
        var storage = in6_addr()
        return withUnsafeMutableBytes(of: &storage) { inet_pton(family, text, $0.baseAddress) == 1 }
    }
}

/// A `--metrics` value that is not a usable address, said so a person can fix it.
public struct MetricsAddressError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }
}
