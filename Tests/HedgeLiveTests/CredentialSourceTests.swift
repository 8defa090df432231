import Foundation
import Testing
@testable import HedgeLive

/// Per exchange, both environment variables win over the key file; half a pair is an error; with
/// neither, the message says what to set.
@Suite struct CredentialSourceTests {
    @Test("Both environment variables win over the key file")
    func environmentFirst() throws {
        let scratch = try KeyFileScratch()
        defer { scratch.remove() }
        let path = try scratch.write("keys.toml", KeyFileSample.text)
        let source = CredentialSource(environment: ["HEDGETOP_BINANCE_API_KEY": "envkey123456", "HEDGETOP_BINANCE_API_SECRET": "envsecret"], keyFile: path)
        let binance = try source.credentials(for: .binance)
        #expect(binance.apiKey == "envkey123456")
        #expect(binance.source == "environment")
        #expect(binance.secret.signatureHex(of: "x") == APISecret("envsecret").signatureHex(of: "x"))
        // Bybit has no variables: its key comes from the file.
        let bybit = try source.credentials(for: .bybit)
        #expect(bybit.apiKey == KeyFileSample.bybitKey)
        #expect(bybit.source == path)
    }

    @Test("Without variables the key file named by HEDGETOP_KEY_FILE is read")
    func keyFileFromEnvironment() throws {
        let scratch = try KeyFileScratch()
        defer { scratch.remove() }
        let path = try scratch.write("keys.toml", KeyFileSample.text)
        let source = CredentialSource(environment: ["HEDGETOP_KEY_FILE": path, "HOME": "/nonexistent"])
        #expect(try source.credentials(for: .binance).secret.signatureHex(of: KeyFileSample.documentedQuery) == KeyFileSample.documentedSignature)
    }

    @Test("The default path is under XDG_CONFIG_HOME, else ~/.config")
    func defaultPath() {
        #expect(CredentialSource(environment: ["XDG_CONFIG_HOME": "/c", "HOME": "/h"]).keyFilePath == "/c/hedgetop/keys.toml")
        #expect(CredentialSource(environment: ["HOME": "/h"]).keyFilePath == "/h/.config/hedgetop/keys.toml")
        #expect(CredentialSource(environment: ["HOME": "/h"], keyFile: "/k").keyFilePath == "/k")
    }

    @Test("Half a pair in the environment is refused and names the missing variable",
          arguments: [(["HEDGETOP_BYBIT_API_KEY": "abcdefghij"], "HEDGETOP_BYBIT_API_SECRET is not"),
                      (["HEDGETOP_BYBIT_API_SECRET": "s3cr3t-value"], "HEDGETOP_BYBIT_API_KEY is not")])
    func halfAPair(environment: [String: String], expected: String) throws {
        let scratch = try KeyFileScratch()
        defer { scratch.remove() }
        let path = try scratch.write("keys.toml", KeyFileSample.text)
        #expect {
            try CredentialSource(environment: environment, keyFile: path).credentials(for: .bybit)
        } throws: { error in
            let error = error as? CredentialError
            return error?.code == .partialEnvironment && error?.message.contains(expected) == true && error?.message.contains("s3cr3t-value") == false
        }
    }

    @Test("Nothing anywhere: the message says which variables to set and where the key file goes")
    func nothingConfigured() throws {
        let scratch = try KeyFileScratch()
        defer { scratch.remove() }
        let source = CredentialSource(environment: ["XDG_CONFIG_HOME": scratch.folder])
        #expect {
            try source.credentials(for: .binance)
        } throws: { error in
            let error = error as? CredentialError
            return error?.code == .missing
                && error?.message.contains("set HEDGETOP_BINANCE_API_KEY and HEDGETOP_BINANCE_API_SECRET") == true
                && error?.message.contains(scratch.folder + "/hedgetop/keys.toml") == true
        }
    }

    @Test("A key file without the exchange's section says so")
    func sectionAbsent() throws {
        let scratch = try KeyFileScratch()
        defer { scratch.remove() }
        let path = try scratch.write("keys.toml", "[binance]\nkey = \"abcdefghij\"\nsecret = \"qwertyuiop\"\n")
        #expect {
            try CredentialSource(environment: [:], keyFile: path).credentials(for: .bybit)
        } throws: { error in
            (error as? CredentialError)?.message.contains("has no [bybit] section") == true
        }
    }

    @Test("A key file refused by its checks is not passed over silently for the default")
    func refusedFileIsAnError() throws {
        let scratch = try KeyFileScratch()
        defer { scratch.remove() }
        let path = try scratch.write("keys.toml", KeyFileSample.text, mode: 0o644)
        #expect {
            try CredentialSource(environment: ["HEDGETOP_KEY_FILE": path]).credentials(for: .binance)
        } throws: { error in
            (error as? CredentialError)?.code == .tooOpen
        }
    }
}
