import HedgeCore

/// A trader's account at the local exchange: the API key and secret a client signs with, and the
/// balances it starts with. The secret never leaves this value: logs and `/_status` show the key.
public struct ExchangeAccount: Sendable, Hashable {
    public var apiKey: String
    public var secret: String
    /// Asset → starting wallet balance (`USDT` 100000 unless said otherwise).
    public var balances: [String: FixedDecimal]

    /// What an account starts with when the command line names no balances.
    public static let defaultBalances: [String: FixedDecimal] = ["USDT": FixedDecimal(units: 100_000 * FixedDecimal.one)]

    public init(apiKey: String, secret: String, balances: [String: FixedDecimal] = ExchangeAccount.defaultBalances) {
        self.apiKey = apiKey
        self.secret = secret
        self.balances = balances
    }

    /// Parses `KEY:SECRET` or `KEY:SECRET:USDT=100000,BTC=1` (the `--account` flag).
    public init(parsing text: String) throws(AccountSyntaxError) {
        let parts = text.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw AccountSyntaxError("expected KEY:SECRET or KEY:SECRET:ASSET=AMOUNT,... (e.g. mykey:mysecret:USDT=100000)")
        }
        let key = parts[0]
        guard key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            throw AccountSyntaxError("the API key '\(key)' may hold only letters, digits, '-' and '_'")
        }
        var balances = Self.defaultBalances
        if parts.count == 3 {
            balances = [:]
            for entry in parts[2].split(separator: ",") {
                let pair = entry.split(separator: "=", maxSplits: 1).map(String.init)
                guard pair.count == 2, !pair[0].isEmpty, let amount = FixedDecimal(pair[1]), !amount.isNegative else {
                    throw AccountSyntaxError("balance '\(entry)' of key \(key): expected ASSET=AMOUNT with a non-negative amount, e.g. USDT=100000")
                }
                balances[pair[0].uppercased()] = amount
            }
        }
        self.init(apiKey: key, secret: parts[1], balances: balances)
    }
}

/// An `--account` written wrongly, said so it can be fixed (without echoing the secret).
public struct AccountSyntaxError: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
