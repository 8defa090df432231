import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The key file: API keys for each exchange, in a small subset of TOML so editors colour it.
///
/// ```toml
/// # ~/.config/hedgetop/keys.toml — chmod 600, owned by you
/// [binance]
/// key = "vmPUZE6mv9SD..."
/// secret = "NhqPtmdSJYdK..."
///
/// [bybit]
/// key = "XXXXXXXXXX"
/// secret = "..."
/// ```
///
/// One section per exchange (`[binance]` serves USD-M, COIN-M and spot; `[bybit]` every
/// category), each with `key` and `secret`; values in double quotes (bare values are accepted),
/// no escapes; `#` starts a comment line. Because it holds secrets, the file must be a regular
/// file (a symlink is never followed), owned by the user running hedgetop, and readable by nobody
/// else (mode 0600 or stricter): anything else is refused with the command that fixes it. Errors
/// cite line numbers and field names, never a value.
public enum KeyFile {
    /// Larger files are refused: a key file is a few hundred bytes.
    static let maximumSize = 64 << 10

    /// The default place: `$XDG_CONFIG_HOME/hedgetop/keys.toml`, else `~/.config/hedgetop/keys.toml`.
    public static func defaultPath(environment: [String: String]) -> String? {
        if let config = environment["XDG_CONFIG_HOME"], config.hasPrefix("/") { return config + "/hedgetop/keys.toml" }
        if let home = environment["HOME"], home.hasPrefix("/") { return home + "/.config/hedgetop/keys.toml" }
        return nil
    }

    /// The credentials in the file at `path`, by exchange, after the file's checks.
    public static func load(path: String) throws(CredentialError) -> [APIKeyOwner: APICredentials] {
        try parse(read(path: path), path: path)
    }

    /// The file's bytes, opened without following a symlink and checked on the opened descriptor
    /// (so it cannot be swapped between the check and the read).
    static func read(path: String) throws(CredentialError) -> [UInt8] {
        // O_NONBLOCK: opening a FIFO must not wait for a writer before fstat can refuse it.
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        guard fd >= 0 else {
            let error = errno
            switch error {
            case ELOOP:
                throw CredentialError(.symlink, "key file \(path) is a symlink: refused (a key file is never read through a link); give the path of the file itself")
            case ENOENT:
                throw CredentialError(.unreadable, "key file \(path) does not exist")
            default:
                throw CredentialError(.unreadable, "cannot open key file \(path): \(String(cString: strerror(error)))")
            }
        }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0 else {
            throw CredentialError(.unreadable, "cannot examine key file \(path): \(String(cString: strerror(errno)))")
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw CredentialError(.notRegularFile, "key file \(path) is not a regular file: refused")
        }
        let me = geteuid()
        guard status.st_uid == me else {
            throw CredentialError(.wrongOwner, "key file \(path) belongs to uid \(status.st_uid), not to you (uid \(me)): refused; the key file must be owned by you (make your own copy, or `chown \(me) \(path)`)")
        }
        let mode = status.st_mode & 0o777
        guard mode & 0o077 == 0 else {
            throw CredentialError(.tooOpen, "key file \(path) has mode \(String(mode, radix: 8)), open to group or others: refused; run `chmod 600 \(path)`")
        }
        var bytes = [UInt8](repeating: 0, count: maximumSize + 1)
        var count = 0
        while count < bytes.count {
            let got = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + count, $0.count - count) }
            if got < 0 {
                if errno == EINTR { continue }
                throw CredentialError(.unreadable, "cannot read key file \(path): \(String(cString: strerror(errno)))")
            }
            if got == 0 { break }
            count += got
        }
        guard count <= maximumSize else {
            throw CredentialError(.malformed, "key file \(path) is larger than \(maximumSize >> 10) KiB: not a key file")
        }
        return Array(bytes.prefix(count))
    }

    /// The sections of the file. A section must have both fields; an absent section is simply
    /// not in the result.
    static func parse(_ bytes: [UInt8], path: String) throws(CredentialError) -> [APIKeyOwner: APICredentials] {
        var fields: [APIKeyOwner: [String: String]] = [:]
        var order: [APIKeyOwner] = []
        var section: APIKeyOwner?
        let text = String(decoding: bytes, as: UTF8.self)
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]"), let owner = APIKeyOwner(rawValue: String(line.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)) else {
                    throw CredentialError(.malformed, "key file \(path) line \(number): unknown section; expected [binance] or [bybit]")
                }
                guard fields[owner] == nil else {
                    throw CredentialError(.malformed, "key file \(path) line \(number): section [\(owner.rawValue)] appears twice")
                }
                fields[owner] = [:]
                order.append(owner)
                section = owner
                continue
            }
            guard let equals = line.firstIndex(of: "=") else {
                throw CredentialError(.malformed, "key file \(path) line \(number): expected [section], key = \"...\" or secret = \"...\"")
            }
            let name = line[..<equals].trimmingCharacters(in: .whitespaces)
            guard name == "key" || name == "secret" else {
                throw CredentialError(.malformed, "key file \(path) line \(number): unknown field; only key and secret are read")
            }
            guard let owner = section else {
                throw CredentialError(.malformed, "key file \(path) line \(number): \(name) outside a section; put it under [binance] or [bybit]")
            }
            guard fields[owner]?[name] == nil else {
                throw CredentialError(.malformed, "key file \(path) line \(number): [\(owner.rawValue)] \(name) given twice")
            }
            let value = try Self.value(line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces), field: name, line: number, path: path)
            fields[owner]?[name] = value
        }
        var result: [APIKeyOwner: APICredentials] = [:]
        for owner in order {
            let section = fields[owner] ?? [:]
            for name in ["key", "secret"] where section[name] == nil {
                throw CredentialError(.missingField, "key file \(path): [\(owner.rawValue)] has no \(name); add a line \(name) = \"...\"")
            }
            result[owner] = APICredentials(owner: owner, apiKey: section["key"]!, secret: APISecret(section["secret"]!), source: path)
        }
        return result
    }

    /// A field's value: the text between double quotes (a `# comment` may follow), or a bare word.
    static func value(_ text: String, field: String, line: Int, path: String) throws(CredentialError) -> String {
        var value = text
        if text.hasPrefix("\"") {
            let rest = text.dropFirst()
            guard let close = rest.firstIndex(of: "\"") else {
                throw CredentialError(.malformed, "key file \(path) line \(line): \(field)'s value has no closing quote")
            }
            let after = rest[rest.index(after: close)...].trimmingCharacters(in: .whitespaces)
            guard after.isEmpty || after.hasPrefix("#") else {
                throw CredentialError(.malformed, "key file \(path) line \(line): text after \(field)'s closing quote")
            }
            value = String(rest[..<close])
        }
        try CredentialValue.check(value, what: "key file \(path) line \(line): \(field)")
        return value
    }
}

/// What a key or secret may look like: the venues issue printable ASCII without spaces.
enum CredentialValue {
    static func check(_ value: String, what: String) throws(CredentialError) {
        guard !value.isEmpty else { throw CredentialError(.malformed, "\(what) is empty") }
        guard value.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) else {
            throw CredentialError(.malformed, "\(what) has spaces, quotes, backslashes or characters outside ASCII; copy it again from the venue")
        }
    }
}
