import Foundation
import HedgeCore

/// Reading private-stream messages: JSON objects whose money comes as strings, read exactly;
/// whatever is missing or malformed is a `PrivateStreamFault`, never a crash.
struct PrivateJSON {
    let venue: LiveVenueKind

    func object(_ bytes: [UInt8]) throws(PrivateStreamFault) -> [String: Any] {
        guard let value = try? JSONSerialization.jsonObject(with: Data(bytes)), let object = value as? [String: Any] else {
            throw PrivateStreamFault(venue: venue, kind: .notJSON, detail: "not a JSON object: \(Self.excerpt(bytes))")
        }
        return object
    }

    func object(_ object: [String: Any], _ key: String, in what: String) throws(PrivateStreamFault) -> [String: Any] {
        guard let inner = object[key] as? [String: Any] else { throw missing(key, in: what) }
        return inner
    }

    func list(_ object: [String: Any], _ key: String, in what: String) throws(PrivateStreamFault) -> [[String: Any]] {
        guard let inner = object[key] as? [[String: Any]] else { throw missing(key, in: what) }
        return inner
    }

    func string(_ object: [String: Any], _ key: String, in what: String) throws(PrivateStreamFault) -> String {
        guard let text = VenueJSON.string(object, key), !text.isEmpty else { throw missing(key, in: what) }
        return text
    }

    func integer(_ object: [String: Any], _ key: String, in what: String) throws(PrivateStreamFault) -> Int64 {
        guard let value = VenueJSON.integer(object, key) else { throw missing(key, in: what) }
        return value
    }

    func decimal(_ object: [String: Any], _ key: String, in what: String) throws(PrivateStreamFault) -> FixedDecimal {
        let text = try string(object, key, in: what)
        guard let value = FixedDecimal(text) else {
            throw PrivateStreamFault(venue: venue, kind: .badDecimal, detail: "\(what) \(key) \(text.prefix(40)) is not a decimal")
        }
        return value
    }

    /// A decimal field that may be absent or empty (Bybit sends "" for values it has not).
    func optionalDecimal(_ object: [String: Any], _ key: String, in what: String) throws(PrivateStreamFault) -> FixedDecimal? {
        guard let text = VenueJSON.string(object, key), !text.isEmpty else { return nil }
        return try decimal(object, key, in: what)
    }

    func missing(_ key: String, in what: String) -> PrivateStreamFault {
        PrivateStreamFault(venue: venue, kind: .missingField, detail: "\(what) without \(key)")
    }

    static func excerpt(_ bytes: [UInt8]) -> String {
        let text = String(decoding: bytes.prefix(160), as: UTF8.self)
        return bytes.count > 160 ? text + "…" : text
    }
}
