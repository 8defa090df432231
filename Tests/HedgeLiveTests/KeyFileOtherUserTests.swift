import Foundation
import Testing
@testable import HedgeLive

/// Another local user cannot hand us a key file: one they own, even at 0600, is refused, and so is
/// a symlink they plant in a shared folder towards a key file of ours. Needs root and setpriv (or
/// runuser) to act as nobody, as the end-to-end suites do.
@Suite("Key file: another user's traps", .serialized,
       .enabled(if: KeyFileOtherUser.available, "needs root and setpriv or runuser, to act as nobody"))
struct KeyFileOtherUserTests {
    let base: String

    init() throws {
        base = NSTemporaryDirectory() + "hedgetop-keytraps-\(UUID().uuidString)"
        // A shared, sticky folder like /tmp, where nobody may create entries; and a folder of ours.
        try FileManager.default.createDirectory(atPath: base + "/shared", withIntermediateDirectories: true)
        chmod(base, 0o755)
        chmod(base + "/shared", 0o1777)
        try FileManager.default.createDirectory(atPath: base + "/mine", withIntermediateDirectories: true)
        chmod(base + "/mine", 0o700)
    }

    @Test("A key file nobody owns at mode 0600 is refused: it must be owned by you")
    func fileOfAnotherUserRefused() throws {
        defer { try? FileManager.default.removeItem(atPath: base) }
        let path = base + "/shared/keys.toml"
        // nobody writes a well-formed key file, owner-only, as a trap.
        try KeyFileOtherUser.run(["/bin/sh", "-c", "umask 077 && printf '[binance]\\nkey = \"planted1234\"\\nsecret = \"planted-secret\"\\n' > \(path)"])
        var status = stat()
        try #require(lstat(path, &status) == 0 && status.st_uid == KeyFileOtherUser.ids!.uid && status.st_mode & 0o777 == 0o600)
        #expect {
            try CredentialSource(environment: [:], keyFile: path).credentials(for: .binance)
        } throws: { error in
            let error = error as? CredentialError
            return error?.code == .wrongOwner
                && error?.message.contains("belongs to uid \(KeyFileOtherUser.ids!.uid), not to you (uid \(geteuid()))") == true
                && error?.message.contains("must be owned by you") == true
                && error?.message.contains("planted-secret") == false
        }
    }

    @Test("A symlink nobody plants in a shared folder, pointing at our key file, is not followed")
    func plantedSymlinkRefused() throws {
        defer { try? FileManager.default.removeItem(atPath: base) }
        let ours = base + "/mine/keys.toml"
        try KeyFileSample.text.write(toFile: ours, atomically: false, encoding: .utf8)
        chmod(ours, 0o600)
        let link = base + "/shared/keys.toml"
        try KeyFileOtherUser.run(["/bin/ln", "-s", ours, link])
        #expect {
            try CredentialSource(environment: ["HEDGETOP_KEY_FILE": link]).credentials(for: .binance)
        } throws: { error in
            (error as? CredentialError)?.code == .symlink
        }
    }

    @Test("nobody cannot read our 0600 key file, and a copy they make is theirs and refused")
    func copyByAnotherUserRefused() throws {
        defer { try? FileManager.default.removeItem(atPath: base) }
        let ours = base + "/shared/ours.toml"
        try KeyFileSample.text.write(toFile: ours, atomically: false, encoding: .utf8)
        chmod(ours, 0o600)
        #expect(throws: (any Error).self) { try KeyFileOtherUser.run(["/bin/cat", ours]) }
        // Ours at 0644 is readable: they copy it; the copy belongs to them.
        chmod(ours, 0o644)
        let copy = base + "/shared/copy.toml"
        try KeyFileOtherUser.run(["/bin/sh", "-c", "umask 077 && cat \(ours) > \(copy)"])
        #expect(throws: CredentialError.self) { try KeyFile.load(path: copy) }
        #expect((try? KeyFile.load(path: copy)) == nil)
        // And ours at 0644 is refused too, for its mode.
        #expect {
            try KeyFile.load(path: ours)
        } throws: { error in
            (error as? CredentialError)?.message.contains("chmod 600 \(ours)") == true
        }
    }
}

/// Acting as nobody, the way Tests/EndToEndTests does: setpriv, else runuser.
enum KeyFileOtherUser {
    static var ids: (uid: uid_t, gid: gid_t)? {
        guard let entry = getpwnam("nobody") else { return nil }
        return (entry.pointee.pw_uid, entry.pointee.pw_gid)
    }

    static var prefix: [String]? {
        guard let (uid, gid) = ids else { return nil }
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") {
            return ["/usr/bin/setpriv", "--reuid=\(uid)", "--regid=\(gid)", "--clear-groups"]
        }
        for runuser in ["/usr/sbin/runuser", "/sbin/runuser"] where FileManager.default.isExecutableFile(atPath: runuser) {
            return [runuser, "-u", "nobody", "--"]
        }
        return nil
    }

    /// Only root may switch user, and only with setpriv or runuser.
    static var available: Bool { getuid() == 0 && prefix != nil }

    struct Failed: Error { var status: Int32 }

    /// Runs `command` as nobody; throws when it fails.
    static func run(_ command: [String]) throws {
        let prefix = try #require(prefix)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: prefix[0])
        process.arguments = Array(prefix.dropFirst()) + command
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw Failed(status: process.terminationStatus) }
    }
}
