import Foundation
import Testing

/// A scratch folder for key-file tests, with files written at a chosen mode; removed by `remove()`.
struct KeyFileScratch {
    let folder: String

    init() throws {
        folder = NSTemporaryDirectory() + "hedgetop-keys-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        chmod(folder, 0o755)
    }

    /// Writes `text` to `name` in the folder with `mode`, and returns its path.
    @discardableResult
    func write(_ name: String, _ text: String, mode: mode_t = 0o600) throws -> String {
        let path = folder + "/" + name
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        try #require(chmod(path, mode) == 0)
        return path
    }

    func remove() { try? FileManager.default.removeItem(atPath: folder) }
}

/// The Binance docs' example key pair as a key file, plus a Bybit section.
enum KeyFileSample {
    static let binanceKey = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"
    static let binanceSecret = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"
    static let bybitKey = "XXXXXXXXXX"
    static let bybitSecret = "hedgetop-bybit-test-secret-not-a-real-one"
    static let text = """
    # hedgetop API keys
    [binance]
    key = "\(binanceKey)"
    secret = "\(binanceSecret)"   # from the docs

    [bybit]
    key = \(bybitKey)
    secret = "\(bybitSecret)"
    """

    /// Binance's documented query, whose documented signature proves which secret was loaded.
    static let documentedQuery = "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559"
    static let documentedSignature = "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71"

}
