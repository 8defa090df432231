import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// A REST request as the venues' private endpoints read it: method, path with query, headers
/// (names in lower case), and the body as sent (Binance signs its bytes, Bybit its JSON).
struct VenueRequest: Sendable {
    var method: String
    var path: String
    var headers: [String: String]
    var body: String

    var route: String { HTTPPath.split(path).route }

    /// The raw query string (after `?`), as the client signed it.
    var rawQuery: String {
        guard let mark = path.firstIndex(of: "?") else { return "" }
        return String(path[path.index(after: mark)...])
    }
}

/// What a private endpoint answers: status, JSON body, extra headers; or nothing at all, the
/// connection closed after the work was done (the "answer lost" fault).
struct VenueAnswer: Sendable {
    var status: Int
    var body: String
    var headers: [String: String] = [:]
    var dropsConnection = false

    static let dropped = VenueAnswer(status: 0, body: "", dropsConnection: true)
}

/// Hummingbird's request context with the channel kept, so an answer can be dropped by closing it.
struct VenueRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}
