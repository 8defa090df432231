import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Who may use a control socket: its owner (watch and steer), members of an allowed group (watch
/// only), nobody else. Decided from the kernel's peer credentials, never from what a peer says.
public struct PeerPolicy: Sendable, Hashable {
    /// What a connecting peer may do.
    enum Admission: Sendable, Hashable {
        /// Watch and send commands.
        case owner
        /// Watch only; commands are refused with this reason.
        case watcher(reason: String)
        /// Closed at once with this message.
        case refused(String)
    }

    var ownerUID: UInt32
    /// A group whose members may watch (`--allow-group`).
    public var allowedGroup: UInt32?

    public init(ownerUID: UInt32 = getuid(), allowedGroup: UInt32? = nil) {
        self.ownerUID = ownerUID
        self.allowedGroup = allowedGroup
    }

    /// The decision for `peer`; `groupsOf` lists a uid's groups (supplementary included).
    func admit(_ peer: PeerCredentials, groupsOf: (UInt32) -> [UInt32] = PeerPolicy.groups(of:)) -> Admission {
        if peer.uid == ownerUID { return .owner }
        if let group = allowedGroup, peer.gid == group || groupsOf(peer.uid).contains(group) {
            return .watcher(reason: "uid \(peer.uid) watches through group \(group); only the owner (uid \(ownerUID)) can act")
        }
        return .refused("uid \(peer.uid) may not use this server (owner uid \(ownerUID)\(allowedGroup.map { ", group \($0)" } ?? ""))")
    }

    /// The groups of the user with `uid`, from the system's user and group databases.
    static func groups(of uid: UInt32) -> [UInt32] {
        guard let entry = getpwuid(uid_t(uid)), let name = entry.pointee.pw_name else { return [] }
        let primary = entry.pointee.pw_gid
        var count: Int32 = 64
        var groups = [gid_t](repeating: 0, count: Int(count))
        if getgrouplist(name, primary, &groups, &count) < 0 {
            groups = [gid_t](repeating: 0, count: Int(count))
            _ = getgrouplist(name, primary, &groups, &count)
        }
        return groups.prefix(Int(max(count, 0))).map { UInt32($0) }
    }

    /// The gid of a group given by name or number; nil if there is no such group.
    public static func groupID(_ text: String) -> UInt32? {
        if let number = UInt32(text) { return number }
        guard let entry = getgrnam(text) else { return nil }
        return UInt32(entry.pointee.gr_gid)
    }
}

/// Where control sockets live: `$XDG_RUNTIME_DIR/hedgetop/NAME.sock`, else
/// `/tmp/hedgetop-UID/NAME.sock`.
public enum ControlSocketPath {
    /// The directory of this user's sockets.
    public static func directory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let runtime = environment["XDG_RUNTIME_DIR"], !runtime.isEmpty { return runtime + "/hedgetop" }
        return "/tmp/hedgetop-\(getuid())"
    }

    /// The socket of the server called `name`.
    public static func path(name: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        directory(environment: environment) + "/" + name + ".sock"
    }

    /// The sockets in this user's directory, by name, sorted.
    public static func all(environment: [String: String] = ProcessInfo.processInfo.environment) -> [(name: String, path: String)] {
        let directory = directory(environment: environment)
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return files.filter { $0.hasSuffix(".sock") }.sorted().map { (String($0.dropLast(5)), directory + "/" + $0) }
    }
}
