import Foundation
import Testing

/// A private sshd on 127.0.0.1 with its own host key, one user key and nothing else: logging in
/// as root with that key is the only way in. Everything lives in a temporary directory.
final class LocalSSHServer {
    static let sshd = "/usr/sbin/sshd"

    /// Whether a real SSH session can be made here: sshd and ssh installed (`.ci/run` installs
    /// openssh-server), and root (sshd needs it to switch to the logged-in user, and /run/sshd).
    static var available: Bool {
        getuid() == 0 && ["/usr/sbin/sshd", "/usr/bin/ssh", "/usr/bin/ssh-keygen"].allSatisfy(FileManager.default.isExecutableFile)
    }

    let directory: URL
    let port: UInt16
    private var process: BackgroundProcess?

    var userKey: String { directory.appendingPathComponent("user_key").path }
    var logPath: String { directory.appendingPathComponent("sshd.log").path }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("hedgetop-sshd-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        port = try Self.sparePort()
        for key in ["host_key", "user_key"] {
            let made = try CommandRun("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "hedgetop-e2e", "-f", directory.appendingPathComponent(key).path])
            guard made.status == 0 else { throw E2EError("ssh-keygen failed: \(made.error)") }
        }
        let authorized = directory.appendingPathComponent("authorized_keys").path
        try FileManager.default.copyItem(atPath: userKey + ".pub", toPath: authorized)
        let config = """
            Port \(port)
            ListenAddress 127.0.0.1
            HostKey \(directory.appendingPathComponent("host_key").path)
            AuthorizedKeysFile \(authorized)
            PubkeyAuthentication yes
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            PermitRootLogin prohibit-password
            PidFile \(directory.appendingPathComponent("sshd.pid").path)
            StrictModes no
            UsePAM no
            PrintMotd no
            PrintLastLog no
            """
        try config.write(to: directory.appendingPathComponent("sshd_config"), atomically: true, encoding: .utf8)
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Starts `sshd -D -e` and waits until it listens.
    func start(seconds: Double = 15) throws {
        // sshd's privilege separation needs this empty directory.
        try FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        // An absolute path: sshd re-executes itself.
        let process = try BackgroundProcess([Self.sshd, "-D", "-e", "-f", directory.appendingPathComponent("sshd_config").path],
                                            output: logPath, error: logPath)
        self.process = process
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if log.contains("Server listening on 127.0.0.1 port \(port)") { return }
            guard process.isRunning else { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw E2EError("sshd did not start listening on port \(port) within \(seconds)s; its log:\n\(log)")
    }

    func stop() {
        process?.stop()
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// The ssh command line that runs `remote` as root on this server, in a terminal (`-t`), with
    /// no user configuration, known-hosts file or prompt involved.
    func command(running remote: String) -> String {
        ["/usr/bin/ssh", "-F", "/dev/null", "-p", "\(port)", "-i", userKey, "-o", "IdentitiesOnly=yes",
         "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes",
         "-o", "LogLevel=ERROR", "-t", "root@127.0.0.1", remote].joined(separator: " ")
    }

    /// A TCP port on 127.0.0.1 that nothing listens on right now (the kernel picks it).
    static func sparePort() throws -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw E2EError("socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw E2EError("bind 127.0.0.1:0: \(String(cString: strerror(errno)))") }
        return UInt16(bigEndian: address.sin_port)
    }
}
