@testable import HedgeMetrics
import Testing

/// `--metrics HOST:PORT` as a person types it.
@Suite("Metrics address")
struct MetricsAddressTests {
    @Test("Addresses that parse, and how they are written back", arguments: [
        ("127.0.0.1:9464", "127.0.0.1:9464"),
        ("0.0.0.0:65535", "0.0.0.0:65535"),
        ("localhost:0", "127.0.0.1:0"),
        ("[::1]:9464", "[::1]:9464"),
        ("[::]:80", "[::]:80"),
    ])
    func parses(text: String, written: String) throws {
        let address = try MetricsAddress(parsing: text)
        #expect(address.description == written)
        #expect(address.url == "http://\(written)/metrics")
    }

    @Test("IPv6 literals are told apart from IPv4")
    func families() throws {
        #expect(try MetricsAddress(parsing: "[::1]:1").family == .ipv6)
        #expect(try MetricsAddress(parsing: "10.0.0.1:1").family == .ipv4)
    }

    @Test("Bad addresses are refused with a message that says what to write", arguments: [
        ("9464", "expected HOST:PORT"),
        ("127.0.0.1:", "the port must be a number from 0 to 65535"),
        ("127.0.0.1:65536", "the port must be a number from 0 to 65535"),
        ("127.0.0.1:-1", "the port must be a number from 0 to 65535"),
        ("127.0.0.1:+80", "the port must be a number from 0 to 65535"),
        (":9464", "no host"),
        ("::1:9464", "an IPv6 address goes in brackets"),
        ("[::1]9464", "expected :PORT after ']'"),
        ("[::1:9464", "no ']'"),
        ("[127.0.0.1]:80", "is not an IPv6 address"),
        ("example.com:9464", "is not an IP address"),
        ("256.1.1.1:80", "is not an IP address"),
    ])
    func refuses(text: String, message: String) {
        #expect {
            _ = try MetricsAddress(parsing: text)
        } throws: { error in
            "\(error)".contains(message)
        }
    }
}
