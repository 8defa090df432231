import HedgeCore
import HedgeVenues

extension HedgetopConfig {
    /// Reads every table of the root, checking types and ranges.
    mutating func read(_ root: ConfigTable) {
        if let mode = root.choice("mode", ["live": true, "live-paper": false]) {
            tradesLive = mode
            if mode && !root.contains("venues") {
                root.fail("mode", "\"live\" trades on live venues: add [venues.NAME] tables with kind = \"binance-usdm\" (or another live kind)")
            }
        }
        if let market = root.table("market") {
            scenario = market.choice("scenario", Dictionary(uniqueKeysWithValues: PaperScenario.Name.allCases.map { ($0.rawValue, $0) }))
            if let seed = market.int("seed", in: 0...Int.max) { self.seed = UInt64(seed) }
            market.finish()
        }
        if let replay = root.table("replay") {
            self.replay.files = (replay.stringArray("files", expected: "file paths") ?? []).map(absolute)
            self.replay.contracts = (replay.stringArray("contracts", expected: "file paths") ?? []).map(absolute)
            if let value = replay.value("speed") {
                if value.type == .string, value.string == "max" {
                    self.replay.speed = "max"
                } else if let factor = replay.double("speed", in: 0.000001...1e9, expected: "\"max\" or a positive speed factor") {
                    self.replay.speed = "\(factor)"
                }
            }
            self.replay.policy = replay.choice("on_bad_input", ["skip": BadInputPolicy.skip, "stop": BadInputPolicy.stop])
            self.replay.maxBookLevels = replay.int("max_book_levels", in: 1...100_000_000)
            replay.finish()
        }
        if let screen = root.table("screen") {
            fps = screen.int("fps", in: 1...30)
            if let theme = screen.string("theme", expected: "a theme name or a path to a .toml file") {
                self.theme = theme.contains("/") || theme.hasSuffix(".toml") ? absolute(theme) : theme
            }
            bell = screen.bool("bell")
            screen.finish()
        }
        if let serve = root.table("serve") {
            maxWatchers = serve.int("max_watchers", in: 1...4096)
            if let command = serve.string("on_alert", expected: "a shell command") {
                if command.allSatisfy(\.isWhitespace) { serve.fail("on_alert", "is empty: leave the key out for no alert command") } else { alerts.command = command }
            }
            alerts.interval = serve.duration("alert_interval")
            if let timeout = serve.duration("alert_timeout") {
                if timeout < .milliseconds(100) || timeout > .seconds(600) { serve.fail("alert_timeout", "must be from 100ms to 10m") } else { alerts.timeout = timeout }
            }
            alerts.unhedgedAfter = serve.duration("unhedged_alert_after")
            serve.finish()
        }
        if let journal = root.table("journal") {
            journalPath = journal.string("path", expected: "a file path").map(absolute)
            journal.finish()
        }
        if let limits = root.table("limits") {
            readLimits(limits)
            limits.finish()
        }
        if let venues = root.table("venues") {
            for name in venues.keys {
                guard let venue = venues.table(name) else { continue }
                self.venues.append(readVenue(venue, name: name))
                venue.finish()
            }
            venues.finish()
        }
        for strategy in root.tables("strategies") {
            strategies.append(readStrategy(strategy))
            strategy.finish()
        }
        var seen: [String: String] = [:]
        for strategy in strategies {
            guard let name = strategy.name else { continue }
            if let first = seen[name] {
                root.issues.fail(strategy.key + ".name", "\"\(name)\" is already the name of \(first); names must be unique")
            }
            seen[name] = seen[name] ?? strategy.key
        }
    }

    mutating func readLimits(_ table: ConfigTable) {
        limits.maxOpenSpreads = table.int("max_open_spreads", in: 1...10_000)
        limits.maxNotionalPerSpread = table.decimal("max_notional_per_spread", expected: "a positive USD amount", allowZero: false)
        limits.maxTotalNotional = table.decimal("max_total_notional", expected: "a positive USD amount", allowZero: false)
        if let utilisation = table.double("max_margin_utilisation", in: 0...1, expected: "a fraction between 0 and 1") {
            if utilisation == 0 { table.fail("max_margin_utilisation", "must be greater than 0") } else { limits.maxMarginUtilisation = utilisation }
        }
        limits.maxConsecutiveErrors = table.int("max_consecutive_errors", in: 1...1_000)
        if let perSpread = limits.maxNotionalPerSpread, let total = limits.maxTotalNotional, total < perSpread {
            table.fail("max_total_notional", "\(total) is below max_notional_per_spread (\(perSpread))")
        }
    }

    func readStrategy(_ table: ConfigTable) -> StrategySettings {
        var settings = StrategySettings(key: table.path)
        settings.name = table.string("name")
        if settings.name?.isEmpty == true { table.fail("name", "must not be empty") }
        table.require("kind", "one of \"calendar\", \"cross\", \"basis\"")
        settings.kind = table.choice("kind", Dictionary(uniqueKeysWithValues: StrategyKind.allCases.map { ($0.rawValue, $0) }))
        table.require("legs", "two legs, [\"VENUE:SYMBOL\", \"VENUE:SYMBOL\"]")
        if let legs = table.stringArray("legs", expected: "\"VENUE:SYMBOL\" strings") {
            if legs.count != 2 {
                table.fail("legs", "expected two legs (A, B; the spread is A − B), got \(legs.count)")
            } else {
                var ok = true
                for (index, leg) in legs.enumerated() where InstrumentID(parsing: leg) == nil {
                    table.issues.fail(table.key("legs") + "[\(index)]", "\"\(leg)\" is not VENUE:SYMBOL")
                    ok = false
                }
                if ok { settings.legs = legs }
                if legs[0] == legs[1] { table.fail("legs", "both legs are \(legs[0]); a spread needs two instruments") }
            }
        }
        table.require("target_notional", "USD of notional per leg")
        settings.targetNotional = table.decimal("target_notional", expected: "a positive USD amount", allowZero: false)
        table.require("entry", "a threshold such as \"2z\" or \"15bps\"")
        settings.entry = table.threshold("entry")
        table.require("exit", "a threshold such as \"0.5z\" or \"2bps\"")
        settings.exit = table.threshold("exit")
        if let entry = settings.entry, let exit = settings.exit {
            let exitNotBelow: Bool = switch (entry, exit) {
            case (.z(let enter), .z(let leave)): leave >= enter
            case (.bps(let enter), .bps(let leave)): leave >= enter
            default: false
            }
            switch entry {
            case _ where exitNotBelow:
                table.fail("exit", "\(exit) must be below the entry threshold (\(entry)), else a spread would close as soon as it opens")
            case _ where entry.rangeProblem != nil:
                table.fail("entry", entry.rangeProblem!)
            default: break
            }
        }
        var overrides: [@Sendable (inout StrategyConfig) -> Void] = []
        if let value = table.decimal("min_edge_bps", expected: "bps") { overrides.append { $0.minEdgeBps = value } }
        if let value = table.decimalOrOff("profit_target_bps", expected: "a positive number of bps") {
            if value == .zero { table.fail("profit_target_bps", "must be greater than 0 (or \"off\")") }
            overrides.append { $0.profitTargetBps = value }
        }
        if let value = table.decimalOrOff("stop_loss_bps", expected: "a positive number of bps") {
            if value == .zero { table.fail("stop_loss_bps", "must be greater than 0 (or \"off\")") }
            overrides.append { $0.stopLossBps = value }
        }
        if let value = table.decimalOrOff("spread_stop_bps", expected: "a positive number of bps") {
            if value == .zero { table.fail("spread_stop_bps", "must be greater than 0 (or \"off\")") }
            overrides.append { $0.spreadStopBps = value }
        }
        if let raw = table.value("volatility_stop") {
            if raw.type == .string, raw.string == "off" {
                overrides.append { $0.volatilityStopMultiple = nil }
            } else if let multiple = table.double("volatility_stop", in: 1...100, expected: "a multiple of σ at entry (1 to 100) or \"off\"") {
                overrides.append { $0.volatilityStopMultiple = multiple }
            }
        }
        if let value = table.durationOrOff("max_holding") { overrides.append { $0.maxHolding = value } }
        if let value = table.duration("cooldown") { overrides.append { $0.cooldown = value } }
        if let value = table.duration("expiry_guard") { overrides.append { $0.expiryGuard = value } }
        if let value = table.double("margin_guard", in: 0.01...1, expected: "a margin ratio between 0.01 and 1") {
            overrides.append { $0.marginGuardRatio = value }
        }
        if let value = table.decimal("max_slippage_bps", expected: "bps") { overrides.append { $0.maxSlippageBps = value } }
        if let value = table.duration("order_timeout") {
            if value == .zero { table.fail("order_timeout", "must be longer than 0") } else { overrides.append { $0.orderTimeout = value } }
        }
        if let value = table.duration("hedge_deadline") {
            if value == .zero { table.fail("hedge_deadline", "must be longer than 0") } else { overrides.append { $0.hedgeDeadline = value } }
        }
        if let value = table.int("max_hedge_attempts", in: 1...100) { overrides.append { $0.maxHedgeAttempts = value } }
        if let value = table.decimal("drift_tolerance", expected: "a fraction such as 0.02", allowZero: false) {
            overrides.append { $0.driftTolerance = value }
        }
        if let value = table.duration("sample_interval") {
            if value < .milliseconds(10) { table.fail("sample_interval", "must be at least 10ms") } else { overrides.append { $0.sampleInterval = value } }
        }
        let window = table.int("window", in: 2...100_000)
        let warmup = table.int("warmup_samples", in: 1...100_000)
        if let window, let warmup, warmup > window { table.fail("warmup_samples", "\(warmup) is more than window (\(window))") }
        if let window { overrides.append { $0.window = window } }
        if let warmup { overrides.append { $0.warmupSamples = warmup } }
        if let value = table.bool("single_shot") { overrides.append { $0.singleShot = value } }
        if let value = table.int("max_consecutive_errors", in: 1...1_000) { overrides.append { $0.maxConsecutiveErrors = value } }
        if let text = table.string("leg_order", expected: "\"thinner-first\", \"a-first\" or \"b-first\"") {
            if let order = LegOrder(rawValue: text) {
                overrides.append { $0.legOrder = order }
            } else {
                table.fail("leg_order", "\"\(text)\" is not a leg order: \"thinner-first\" (the thinner book first), \"a-first\" or \"b-first\"; the second leg always hedges what the first filled")
            }
        }
        settings.overrides = overrides
        return settings
    }

    func readVenue(_ table: ConfigTable, name: String) -> VenueSettings {
        var settings = VenueSettings(name: name, key: table.path)
        settings.takerFee = table.decimal("taker_fee", expected: "a fee rate such as 0.0005", allowNegative: true)
        settings.makerFee = table.decimal("maker_fee", expected: "a fee rate such as 0.0002 (negative: a rebate)", allowNegative: true)
        for (key, fee) in [("taker_fee", settings.takerFee), ("maker_fee", settings.makerFee)] {
            if let fee, fee > "0.01" || fee < "-0.001" { table.fail(key, "\(fee) is out of range (-0.001 to 0.01; 0.0005 is 5 bps)") }
        }
        settings.marginMode = table.choice("margin_mode", ["cross": .cross, "isolated": .isolated])
        if let kind = table.choice("kind", Dictionary(uniqueKeysWithValues: LiveSettings.kinds.map { ($0, $0) })) {
            var live = LiveSettings(kind: kind)
            for (key, scheme) in [("ws_url", ["ws://", "wss://"]), ("rest_url", ["http://", "https://"])] {
                guard let url = table.string(key, expected: "a URL") else { continue }
                if !scheme.contains(where: { url.hasPrefix($0) }) { table.fail(key, "\(url) must start with \(scheme.joined(separator: " or "))") }
                if key == "ws_url" { live.webSocketURL = url } else { live.restURL = url }
            }
            live.caFile = table.string("ca_file", expected: "a PEM file path").map(absolute)
            settings.live = live
        } else {
            for key in ["ws_url", "rest_url", "ca_file"] where table.value(key) != nil {
                table.fail(key, "only for a live venue: give kind = \"binance-usdm\" (or binance-coinm, binance-spot, bybit-linear, bybit-spot)")
            }
        }
        if let limit = table.duration("stale_after") {
            if limit < .milliseconds(100) { table.fail("stale_after", "must be at least 100ms") } else { settings.staleAfter = limit }
        }
        var overrides: [@Sendable (inout SimulatedVenue.Settings) -> Void] = []
        func latency(_ baseKey: String, _ jitterKey: String, _ path: WritableKeyPath<SimulatedVenue.Settings, LatencyModel> & Sendable) {
            let base = table.double(baseKey, in: 0...60_000, expected: "milliseconds")
            let jitter = table.double(jitterKey, in: 0...60_000, expected: "milliseconds")
            guard base != nil || jitter != nil else { return }
            overrides.append { settings in
                var model = settings[keyPath: path]
                if let base { model.base = .nanoseconds(Int64(base * 1e6)) }
                if let jitter { model.jitter = jitter == 0 ? .none : .uniform(.nanoseconds(Int64(jitter * 1e6))) }
                settings[keyPath: path] = model
            }
        }
        latency("latency_ms", "jitter_ms", \.orderLatency)
        latency("market_data_latency_ms", "market_data_jitter_ms", \.marketDataLatency)
        if let seed = table.int("seed", in: 0...Int.max) { overrides.append { $0.seed = UInt64(seed) } }
        if let balances = table.table("balances") {
            var wallet: [String: FixedDecimal] = [:]
            for asset in balances.keys {
                if let amount = balances.decimal(asset, expected: "an amount of \(asset)") { wallet[asset] = amount }
            }
            balances.finish()
            let finalWallet = wallet
            overrides.append { $0.balances = finalWallet }
        }
        if let band = table.stringOrNumberPair("price_band") {
            overrides.append { $0.priceBandLower = band.0; $0.priceBandUpper = band.1 }
        }
        if let seed = table.int("fault_seed", in: 0...Int.max) { settings.faultSeed = UInt64(seed) }
        for fault in table.tables("faults") {
            if let parsed = readFault(fault) { settings.faults.append(parsed) }
            fault.finish()
        }
        settings.overrides = overrides
        return settings
    }

    func readFault(_ table: ConfigTable) -> FaultSettings? {
        table.require("kind", "one of \(FaultSettings.Kind.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", "))")
        let kind = table.choice("kind", Dictionary(uniqueKeysWithValues: FaultSettings.Kind.allCases.map { ($0.rawValue, $0) }))
        let from = table.duration("from")
        let until = table.duration("until")
        let count = table.int("count", in: 1...1_000_000)
        let probability = table.double("probability", in: 0...1, expected: "a probability between 0 and 1")
        var purposes: Set<OrderPurpose>?
        let purposeNames = "open, hedge, adjust, close, flatten"
        if let names = table.stringArray("purposes", expected: "order purposes (\(purposeNames))") {
            purposes = []
            for (index, name) in names.enumerated() {
                if let purpose = OrderPurpose(rawValue: name) { purposes?.insert(purpose) }
                else { table.issues.fail(table.key("purposes") + "[\(index)]", "\"\(name)\" is not an order purpose (\(purposeNames))") }
            }
        }
        let reason = table.string("reason")
        let extra = table.duration("extra")
        let instrument = table.string("instrument", expected: "\"VENUE:SYMBOL\"")
        let venueToo = table.bool("venue_too")
        if let from, let until, until <= from { table.fail("until", "must be after from") }
        guard let kind else { return nil }
        func only(_ keys: [String], for kinds: [FaultSettings.Kind]) {
            guard !kinds.contains(kind) else { return }
            for key in keys where table.contains(key) {
                table.fail(key, "does not apply to a \(kind.rawValue) fault (only to \(kinds.map(\.rawValue).joined(separator: ", ")))")
            }
        }
        only(["count", "probability", "purposes"], for: [.reject, .delay, .drop])
        only(["reason"], for: [.reject])
        only(["extra"], for: [.delay])
        only(["instrument", "venue_too"], for: [.stale])
        switch kind {
        case .delay: if extra == nil { table.require("extra", "how much later the answers arrive, e.g. \"2s\"") }
        case .stale:
            table.require("instrument", "the instrument whose data goes stale, VENUE:SYMBOL")
            table.require("from", "when the data stops, after the start, e.g. \"30s\"")
            table.require("until", "when the data comes back, after the start, e.g. \"45s\"")
        case .outage:
            table.require("from", "when the outage starts, after the start, e.g. \"30s\"")
            table.require("until", "when the venue is back, after the start, e.g. \"45s\"")
        case .reject, .drop: break
        }
        return FaultSettings(key: table.path, kind: kind, from: from, until: until, count: count, probability: probability,
                             purposes: purposes, reason: reason, extra: extra, instrument: instrument, venueToo: venueToo)
    }
}

extension Threshold {
    var bpsValue: FixedDecimal? { if case .bps(let value) = self { value } else { nil } }
}

extension ConfigTable {
    /// `[lower, upper]`: two positive decimals, lower < upper.
    func stringOrNumberPair(_ name: String) -> (FixedDecimal, FixedDecimal)? {
        guard let value = value(name) else { return nil }
        guard value.type == .array, let array = value.array, array.count == 2 else {
            fail(name, "expected [lower, upper], e.g. [0.85, 1.15], got \(Self.describe(value))")
            return nil
        }
        guard let lower = decimalValue(name, array[0], allowZero: false), let upper = decimalValue(name, array[1], allowZero: false) else { return nil }
        guard lower < 1, upper > 1 else { fail(name, "expected lower < 1 < upper, e.g. [0.85, 1.15]"); return nil }
        return (lower, upper)
    }
}
