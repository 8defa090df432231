import Foundation
import Testing
@testable import HedgeLive

/// The key file is read only when it is a regular file of ours that nobody else can read, and its
/// refusals say how to fix it without ever quoting a secret.
@Suite struct KeyFileTests {
    /// The error `body` throws, after checking its message carries no secret of the samples.
    func refusal(_ body: () throws(CredentialError) -> Void) -> CredentialError? {
        do throws(CredentialError) {
            try body()
            return nil
        } catch {
            for secret in [KeyFileSample.binanceSecret, KeyFileSample.bybitSecret] {
                #expect(!error.message.contains(secret), "a secret in: \(error.message)")
                #expect(!"\(error)".contains(secret))
            }
            return error
        }
    }

    @Test("A 0600 key file of ours gives both exchanges' keys, and the loaded secret signs as the docs say")
    func readsBothSections() throws {
        let scratch = try KeyFileScratch()
        defer { scratch.remove() }
        let path = try scratch.write("keys.toml", KeyFileSample.text)
        let sections = try KeyFile.load(path: path)
        let binance = try #require(sections[.binance])
        let bybit = try #require(sections[.bybit])
        #expect(binance.apiKey == KeyFileSample.binanceKey)
        #expect(binance.source == path)
        #expect(bybit.apiKey == KeyFileSample.bybitKey)
        #expect(binance.secret.signatureHex(of: KeyFileSample.documentedQuery) == KeyFileSample.documentedSignature)
        #expect(bybit.secret.signatureHex(of: "GET/realtime1662350400000") == "47eeb0ef5ba301e93dc486665dc6cdba3ff64a9d2e86e581956b4eeb2b9172be")
    }

    @Test("Mode 0400 is stricter than 0600 and is read")
    func readOnlyForOwnerIsFine() throws {
        let scratch = try KeyFileScratch()
        defer { scratch.remove() }
        let path = try scratch.write("keys.toml", KeyFileSample.text, mode: 0o400)
        #expect(try KeyFile.load(path: path).count == 2)
    }

    @Test("A key file open to group or others is refused with the chmod that fixes it",
          arguments: [0o644, 0o640, 0o604, 0o660, 0o606, 0o610, 0o601, 0o666] as [mode_t])
    func openModesRefused(mode: mode_t) throws {
        let scratch = try KeyFileScratch()
        defer { scratch.remove() }
        let path = try scratch.write("keys.toml", KeyFileSample.text, mode: mode)
        let error = try #require(refusal { () throws(CredentialError) in _ = try KeyFile.load(path: path) })
        #expect(error.code == .tooOpen)
        #expect(error.message.contains("chmod 600 \(path)"), "\(error.message)")
        #expect(error.message.contains("mode \(String(mode, radix: 8))"), "\(error.message)")
    }

    @Test("A symlink to a good key file is not followed")
    func symlinkRefused() throws {
        let scratch = try KeyFileScratch()
        defer { scratch.remove() }
        let target = try scratch.write("real.toml", KeyFileSample.text)
        let link = scratch.folder + "/keys.toml"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        let error = try #require(refusal { () throws(CredentialError) in _ = try KeyFile.load(path: link) })
        #expect(error.code == .symlink)
        #expect(error.message.contains("\(link) is a symlink: refused"), "\(error.message)")
    }

    @Test("A directory is not a key file")
    func directoryRefused() throws {
        let scratch = try KeyFileScratch()
        defer { scratch.remove() }
        let path = scratch.folder + "/keys.toml"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        chmod(path, 0o700)
        let error = try #require(refusal { () throws(CredentialError) in _ = try KeyFile.load(path: path) })
        #expect(error.code == .notRegularFile)
        #expect(error.message.contains("is not a regular file"))
    }

    @Test("A FIFO is refused at once, without waiting for a writer")
    func fifoRefused() throws {
        let scratch = try KeyFileScratch()
        defer { scratch.remove() }
        let path = scratch.folder + "/keys.toml"
        try #require(mkfifo(path, 0o600) == 0)
        let error = try #require(refusal { () throws(CredentialError) in _ = try KeyFile.load(path: path) })
        #expect(error.code == .notRegularFile)
    }

    @Test("A missing file says it does not exist")
    func absentFile() throws {
        let scratch = try KeyFileScratch()
        defer { scratch.remove() }
        let error = try #require(refusal { () throws(CredentialError) in _ = try KeyFile.load(path: scratch.folder + "/none.toml") })
        #expect(error.code == .unreadable)
        #expect(error.message.contains("does not exist"))
    }

    @Test("A section without its secret, or without its key, is refused and says which field to add",
          arguments: [("secret", "key = \"\(KeyFileSample.binanceKey)\""), ("key", "secret = \"\(KeyFileSample.binanceSecret)\"")])
    func missingField(missing: String, line: String) throws {
        let scratch = try KeyFileScratch()
        defer { scratch.remove() }
        let path = try scratch.write("keys.toml", "[binance]\n\(line)\n")
        let error = try #require(refusal { () throws(CredentialError) in _ = try KeyFile.load(path: path) })
        #expect(error.code == .missingField)
        #expect(error.message.contains("[binance] has no \(missing)"), "\(error.message)")
    }

    @Test("Malformed lines are refused by line number, without quoting the line",
          arguments: [
              ("[kraken]\nkey = \"a\"\n", "line 1: unknown section"),
              ("[binance]\n\(KeyFileSample.binanceSecret)\n", "line 2: expected [section]"),
              ("[binance]\npassword = \"\(KeyFileSample.binanceSecret)\"\n", "line 2: unknown field"),
              ("key = \"abc\"\n", "line 1: key outside a section"),
              ("[binance]\nsecret = \"\(KeyFileSample.binanceSecret)\n", "line 2: secret's value has no closing quote"),
              ("[binance]\nsecret = \"\(KeyFileSample.binanceSecret) x\"\n", "line 2: secret has spaces"),
              ("[binance]\nsecret = \"\"\n", "line 2: secret is empty"),
              ("[binance]\nkey = \"a\"\nkey = \"b\"\n", "line 3: [binance] key given twice"),
          ])
    func malformed(text: String, expected: String) throws {
        let scratch = try KeyFileScratch()
        defer { scratch.remove() }
        let path = try scratch.write("keys.toml", text)
        let error = try #require(refusal { () throws(CredentialError) in _ = try KeyFile.load(path: path) })
        #expect(error.code == .malformed)
        #expect(error.message.contains(expected), "\(error.message)")
    }
}
