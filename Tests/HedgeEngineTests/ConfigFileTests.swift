import Foundation
@testable import HedgeCore
@testable import HedgeVenues
import Testing
@testable import HedgeEngine

/// The configuration file: the example takes effect key by key; every error names its key.
@Suite("Configuration file")
struct ConfigFileTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized
    static let example = root.appendingPathComponent("hedgetop.example.toml").path
    let start = Timestamp(seconds: 1_800_000_000)

    /// A minimal valid paper strategy, to be broken one key at a time.
    static let minimal = """
    [[strategies]]
    kind = "calendar"
    legs = ["sim:far", "sim:near"]
    target_notional = 50000
    entry = "2z"
    exit = "0.5z"
    """

    /// The errors `text` gives when built as a paper market.
    func errors(_ text: String) -> [ConfigError] {
        let config = HedgetopConfig.parse(text, file: "test.toml", directory: "/tmp")
        do {
            _ = try config.paperScenario(start: start)
            return []
        } catch {
            return error.errors
        }
    }

    @Test("the example file parses, and every strategy key in it reaches the engine's strategies")
    func exampleStrategies() throws {
        let config = HedgetopConfig.load(path: Self.example)
        #expect(config.issues.isEmpty, "\(config.issues)")
        let paper = try config.paperScenario(start: start)
        let engine = paper.makeEngine(startedAt: start)
        let configs = engine.machines.map(\.config)
        try #require(configs.count == 2)
        let first = configs[0]
        #expect(first.name == "btc-calendar")
        #expect(first.kind == .calendar)
        // sim:far / sim:near: the scenario's far and near quarterlies (120 and 30 days out).
        let expiries = try #require(paper.venues.first?.contracts.values.compactMap(\.kind.expiry).sorted())
        #expect(first.legs.a.kind.expiry == expiries.last)
        #expect(first.legs.b.kind.expiry == expiries.first)
        #expect(first.targetNotional == 50_000)
        #expect(first.entry == .z(2))
        #expect(first.exit == .z(0.5))
        #expect(first.minEdgeBps == 1)
        #expect(first.profitTargetBps == 15)
        #expect(first.stopLossBps == 40)
        #expect(first.spreadStopBps == 30)
        #expect(first.volatilityStopMultiple == 4)
        #expect(first.maxHolding == .seconds(600))
        #expect(first.cooldown == .seconds(5))
        #expect(first.expiryGuard == .seconds(86_400))
        #expect(first.marginGuardRatio == 0.8)
        #expect(first.maxSlippageBps == 5)
        #expect(first.orderTimeout == .seconds(3))
        #expect(first.hedgeDeadline == .seconds(5))
        #expect(first.maxHedgeAttempts == 3)
        #expect(first.driftTolerance == "0.02")
        #expect(first.sampleInterval == .milliseconds(250))
        #expect(first.window == 160)
        #expect(first.warmupSamples == 40)
        #expect(first.singleShot == false)
        #expect(first.maxConsecutiveErrors == 3)
        // The venue's fee override reaches the legs: 2 bps taker, 0 maker.
        #expect(first.legs.a.fees == FeeSchedule(maker: 0, taker: "0.0002"))
        // So does its data limit: both legs are on sim.
        #expect(first.staleAfter == PerLeg(repeating: .seconds(2)))

        let second = configs[1]
        #expect(second.name == "btc-calendar-wide")
        #expect(second.targetNotional == 25_000)
        #expect(second.entry == .z(3))
        #expect(second.exit == .z(1))
        #expect(second.profitTargetBps == nil)
        #expect(second.maxHolding == .seconds(3600))
        // Not given: the scenario's tuned value.
        #expect(second.stopLossBps == 40)
        #expect(second.legs.a.id == first.legs.a.id)
    }

    @Test("the example's venue, limits, screen and journal keys take effect")
    func exampleVenueAndLimits() throws {
        let config = HedgetopConfig.load(path: Self.example)
        let paper = try config.paperScenario(start: start)
        let venue = try #require(paper.venues.first)
        #expect(venue.name == "sim")
        let settings = venue.settings
        #expect(settings.orderLatency == LatencyModel(base: .milliseconds(4), jitter: .uniform(.milliseconds(3))))
        #expect(settings.marketDataLatency == LatencyModel(base: .milliseconds(1), jitter: .uniform(.milliseconds(2))))
        #expect(settings.seed == 43)
        #expect(settings.balances == ["USDT": 1_000_000, "BTC": 20])
        #expect(settings.priceBandLower == "0.85" && settings.priceBandUpper == "1.15")
        #expect(venue.contracts.keys.allSatisfy { venue.marginMode($0) == .cross })
        #expect(venue.contracts.values.allSatisfy { $0.fees.taker == "0.0002" })
        #expect(settings.faults.seed == 99)
        let near = try #require(venue.contracts.values.min { $0.kind.expiry! < $1.kind.expiry! }).id
        #expect(settings.faults.faults == [
            .reject(OrderSelector(from: start + .seconds(120), until: start + .seconds(180), purposes: [.hedge], count: 1, probability: 0.5),
                    reason: "-1008 Server is currently overloaded with other requests"),
            .delay(OrderSelector(from: start + .seconds(300), count: 2), extra: .milliseconds(1500)),
            .staleData(near, from: start + .seconds(600), until: start + .seconds(630), venueToo: false),
            .outage(from: start + .seconds(1200), until: start + .seconds(1210)),
        ])
        #expect(config.limits == PortfolioLimits(maxOpenSpreads: 2, maxNotionalPerSpread: 100_000, maxTotalNotional: 150_000,
                                                 maxMarginUtilisation: 0.5, maxConsecutiveErrors: 3))
        #expect(config.scenario == .calendar)
        #expect(config.seed == 42)
        #expect(config.fps == 4)
        #expect(config.theme == "default")
        #expect(config.bell == true)
        #expect(config.alerts == HedgetopConfig.AlertSettings(command: "jq -r .summary | logger -t hedgetop", interval: .seconds(300),
                                                              timeout: .seconds(10), unhedgedAfter: .seconds(10)))
        #expect(config.journalPath == Self.root.appendingPathComponent("hedgetop-journal.sqlite").path)
    }

    @Test("the same file with the command line's scenario is refused where its legs do not exist there")
    func scenarioOverride() {
        let config = HedgetopConfig.parse(Self.minimal, file: "test.toml")
        #expect(throws: ConfigErrors.self) { try config.paperScenario(start: start, scenario: .cross) }
    }

    @Test("stale_after applies to the legs on its venue only, and must be at least 100ms")
    func staleAfterPerVenue() throws {
        let config = HedgetopConfig.parse("""
        [market]
        scenario = "cross"
        [venues.sim-a]
        stale_after = "1500ms"
        """, file: "test.toml")
        let strategy = try #require(try config.paperScenario(start: start).strategies.first)
        // Leg A is on sim-a, leg B on sim-b (the default).
        #expect(strategy.staleAfter == PerLeg(a: .milliseconds(1500), b: StrategyConfig.defaultStaleAfter))
        let found = errors(Self.minimal + "\n[venues.sim]\nstale_after = \"50ms\"\n")
        #expect(found.map(\.key) == ["venues.sim.stale_after"])
        #expect(found.first?.problem == "must be at least 100ms")
    }

    @Test("a file with no strategies runs the scenario's own, with the venue's settings")
    func scenarioDefaults() throws {
        let config = HedgetopConfig.parse("""
        [market]
        scenario = "cross"
        seed = 7
        [venues.sim-b]
        latency_ms = 20
        """, file: "test.toml")
        let paper = try config.paperScenario(start: start)
        #expect(paper.strategies.map(\.name) == ["btc-cross"])
        #expect(paper.venues.first { $0.name == "sim-b" }?.settings.orderLatency.base == .milliseconds(20))
        #expect(paper.venues.first { $0.name == "sim-a" }?.settings.orderLatency.base == .milliseconds(4))
    }

    @Test("aliases resolve to each scenario's instruments", arguments: [
        (PaperScenario.Name.calendar, "calendar", "sim:near", "sim:far"),
        (.cross, "cross", "sim-a:perp", "sim-b:perp"),
        (.basis, "basis", "sim:dated", "sim:perp"),
    ])
    func aliases(scenario: PaperScenario.Name, kind: String, a: String, b: String) throws {
        let config = HedgetopConfig.parse("""
        [market]
        scenario = "\(scenario)"
        [[strategies]]
        kind = "\(kind)"
        legs = ["\(a)", "\(b)"]
        target_notional = 10000
        entry = "20bps"
        exit = "2bps"
        """, file: "test.toml")
        let paper = try config.paperScenario(start: start)
        let reference = scenario.scenario(start: start, seed: 42).strategies[0].legs
        let legs = try #require(paper.strategies.first?.legs)
        #expect(Set([legs.a.id, legs.b.id]) == Set([reference.a.id, reference.b.id]))
        // Real symbols work too.
        let real = HedgetopConfig.parse("""
        [market]
        scenario = "\(scenario)"
        [[strategies]]
        kind = "\(kind)"
        legs = ["\(legs.a.id)", "\(legs.b.id)"]
        target_notional = 10000
        entry = "20bps"
        exit = "2bps"
        """, file: "test.toml")
        #expect(try real.paperScenario(start: start).strategies.first?.legs.a.id == legs.a.id)
    }

    // MARK: errors

    @Test("a missing key names the key and what it wants")
    func missingKey() {
        let found = errors(Self.minimal.replacingOccurrences(of: "target_notional = 50000\n", with: ""))
        #expect(found.count == 1)
        #expect(found.first?.key == "strategies[0].target_notional")
        #expect(found.first?.problem.contains("missing") == true)
        #expect(found.first?.line == 1)
    }

    @Test("a wrong type names the key, the type expected and the value found, on its line")
    func wrongType() {
        let found = errors(Self.minimal.replacingOccurrences(of: "target_notional = 50000", with: "target_notional = \"lots\""))
        #expect(found.count == 1)
        #expect(found.first?.key == "strategies[0].target_notional")
        #expect(found.first?.line == 4)
        #expect(found.first?.problem.contains("\"lots\" is not a number") == true)
        let fps = errors("[screen]\nfps = \"fast\"\n")
        #expect(fps.first?.key == "screen.fps")
        #expect(fps.first?.problem == "expected an integer, got the string \"fast\"")
        #expect(fps.first?.line == 2)
    }

    @Test("an unknown venue names the key and lists the scenario's venues")
    func unknownVenue() {
        let found = errors(Self.minimal.replacingOccurrences(of: "\"sim:far\"", with: "\"binance:far\""))
        #expect(found.count == 1)
        #expect(found.first?.key == "strategies[0].legs[0]")
        #expect(found.first?.problem == "unknown venue \"binance\" (venues in the calendar scenario: sim)")
        let section = errors(Self.minimal + "\n[venues.simx]\ntaker_fee = 0.0001\n")
        #expect(section.first?.key == "venues.simx")
        #expect(section.first?.problem.contains("unknown venue \"simx\"") == true)
        #expect(section.first?.line == 7)
    }

    @Test("an unknown symbol names the key and lists the venue's symbols and aliases")
    func unknownSymbol() {
        let found = errors(Self.minimal.replacingOccurrences(of: "\"sim:near\"", with: "\"sim:ETHUSDT\""))
        #expect(found.count == 1)
        #expect(found.first?.key == "strategies[0].legs[1]")
        #expect(found.first?.problem.hasPrefix("unknown symbol \"ETHUSDT\" on sim (symbols: far, near, BTCUSDT_") == true)
    }

    @Test("thresholds out of range name the key", arguments: [
        ("entry = \"2z\"", "entry = \"-2z\"", "strategies[0].entry"),
        ("exit = \"0.5z\"", "exit = \"-1bps\"", "strategies[0].exit"),
        ("exit = \"0.5z\"", "exit = \"2z\"", "strategies[0].exit"),
        ("entry = \"2z\"", "entry = \"50z\"", "strategies[0].entry"),
    ])
    func thresholdOutOfRange(original: String, broken: String, key: String) {
        let found = errors(Self.minimal.replacingOccurrences(of: original, with: broken))
        #expect(found.map(\.key) == [key], "\(found)")
    }

    @Test("bps exit at or above the bps entry is refused")
    func bpsExitAboveEntry() {
        let found = errors(Self.minimal.replacingOccurrences(of: "\"2z\"", with: "\"10bps\"").replacingOccurrences(of: "\"0.5z\"", with: "\"10bps\""))
        #expect(found.first?.key == "strategies[0].exit")
        #expect(found.first?.problem.contains("must be below the entry threshold") == true)
    }

    @Test("a typo is an unknown key, with the key it probably meant")
    func unknownKey() {
        let found = errors(Self.minimal + "\nstop_los_bps = 40\n")
        #expect(found.count == 1)
        #expect(found.first?.key == "strategies[0].stop_los_bps")
        #expect(found.first?.problem == "unknown key (did you mean stop_loss_bps?)")
        #expect(found.first?.line == 7)
        let section = errors("[screan]\nfps = 4\n")
        #expect(section.first?.key == "screan")
        #expect(section.first?.problem == "unknown key (did you mean screen?)")
    }

    @Test("broken TOML gives its line and column")
    func brokenTOML() {
        let found = errors("[screen]\nfps = 4\ntheme = \"nord\n")
        #expect(found.count == 1)
        #expect(found.first?.line == 3)
        #expect(found.first?.column != nil)
        #expect(found.first?.problem.hasPrefix("not valid TOML") == true)
    }

    @Test("every error is reported at once, in file order")
    func allErrors() {
        let text = """
        [screen]
        fps = 99
        [limits]
        max_margin_utilisation = 2
        [[strategies]]
        kind = "spread"
        legs = ["sim:far", "sim:nope"]
        target_notional = -5
        entry = "2z"
        exit = "0.5z"
        leg_order = "cheapest-first"
        [[strategies]]
        kind = "calendar"
        legs = ["sim:far", "sim:nope"]
        target_notional = 1000
        entry = "2z"
        exit = "0.5z"
        cooldown = "soon"
        """
        let found = errors(text)
        #expect(found.map(\.key) == ["screen.fps", "limits.max_margin_utilisation", "strategies[0].kind", "strategies[0].target_notional",
                                     "strategies[0].leg_order", "strategies[1].legs[1]", "strategies[1].cooldown"], "\(found)")
        #expect(found.map(\.line) == [2, 4, 6, 8, 11, 14, 18])
        let description = ConfigErrors(file: "test.toml", errors: found).lines[0]
        #expect(description == "test.toml:2: screen.fps: 99 is out of range (1 to 30)")
    }

    @Test("fault tables are checked: kind, purposes, keys that do not apply, unknown instrument")
    func faultErrors() {
        let found = errors(Self.minimal + """

        [[venues.sim.faults]]
        kind = "delay"
        purposes = ["open", "closing"]
        [[venues.sim.faults]]
        kind = "stale"
        instrument = "sim:mid"
        from = "1m"
        until = "2m"
        reason = "x"
        """)
        #expect(found.map(\.key) == ["venues.sim.faults[0].extra", "venues.sim.faults[0].purposes[1]",
                                     "venues.sim.faults[1].instrument", "venues.sim.faults[1].reason"], "\(found)")
        #expect(found.map(\.line) == [7, 9, 12, 15])
    }

    @Test("a strategy above limits.max_notional_per_spread is refused")
    func notionalLimit() {
        let found = errors(Self.minimal + "\n[limits]\nmax_notional_per_spread = 10000\n")
        #expect(found.map(\.key) == ["strategies[0].target_notional"])
    }

    @Test("durations and thresholds parse as written")
    func values() {
        #expect(Duration(configText: "48h") == .seconds(48 * 3600))
        #expect(Duration(configText: "1h30m") == .seconds(5400))
        #expect(Duration(configText: "250ms") == .milliseconds(250))
        #expect(Duration(configText: "1.5s") == .milliseconds(1500))
        #expect(Duration(configText: "10") == nil)
        #expect(Duration(configText: "-1s") == nil)
        #expect(Threshold(parsing: "2.5z") == .z(2.5))
        #expect(Threshold(parsing: "15bps") == .bps(15))
        #expect(Threshold(parsing: "-1bps") == nil)
    }

    @Test("a replay configuration builds its strategies on the catalog's instruments; the command line wins")
    func replayConfig() throws {
        let data = Self.root.appendingPathComponent("../shared/data").standardized.path
        let text = """
        [replay]
        files = ["\(data)/cryptofeed/20210417_BINANCE_DELIVERY.ws.7.0"]
        contracts = ["\(data)/contract_specs/20210417_dapi.binance.com_dapi_v1_exchangeInfo.json"]
        on_bad_input = "stop"
        [venues.binance-coinm]
        taker_fee = 0.0004
        [[strategies]]
        kind = "basis"
        legs = ["binance-coinm:BTCUSD_210924", "binance-coinm:BTCUSD_PERP"]
        target_notional = 20000
        entry = "40bps"
        exit = "10bps"
        """
        guard FileManager.default.fileExists(atPath: data + "/cryptofeed/20210417_BINANCE_DELIVERY.ws.7.0") else { return }
        let config = HedgetopConfig.parse(text, file: "replay.toml")
        var overrides = ReplayOverrides()
        overrides.entry = .bps(60)
        let setup = try config.replaySetup(overrides)
        #expect(setup.strategies.count == 1)
        #expect(setup.strategies[0].entry == .bps(60))
        #expect(setup.strategies[0].exit == .bps(10))
        #expect(setup.strategies[0].targetNotional == 20_000)
        #expect(setup.strategies[0].legs.a.fees.taker == "0.0004")
        #expect(setup.venues.map(\.name) == ["binance-coinm"])
        #expect(setup.policy == .stop)

        let unknown = HedgetopConfig.parse(text.replacingOccurrences(of: "BTCUSD_PERP\"]", with: "BTCUSD_PERPX\"]"), file: "replay.toml")
        #expect(throws: ConfigErrors.self) { try unknown.replaySetup(ReplayOverrides()) }
    }
}

/// A NUL byte would end the text TOMLKit reads: everything after it would be silently dropped.
@Suite("Configuration file with a NUL byte")
struct ConfigNULTests {
    @Test("a NUL byte is refused with its line, not read as the end of the file")
    func nulByteIsRefusedWithItsLine() {
        let text = ConfigFileTests.minimal + "\n\u{0}\n[[strategies]]\nkind = 3\n"
        let config = HedgetopConfig.parse(text, file: "test.toml", directory: "/tmp")
        #expect(!config.parsed)
        #expect(config.issues.map(\.description) == ["line 7, column 1: a NUL byte: a TOML file is text and cannot hold one (is this a binary file?)"])
        #expect(throws: ConfigErrors.self) { try config.validated() }
    }
}

/// A leg whose entry in a contracts file was refused is named with the file's reason, not as unknown.
@Suite("Configuration with a refused contract")
struct ConfigRefusedContractTests {
    @Test("a leg refused by its contracts file gives the field and the reason")
    func refusedLegNamesTheField() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hedgetop-contracts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let contracts = directory.appendingPathComponent("contracts.json")
        let entry = { (symbol: String, size: String) in
            "{\"symbol\": \"\(symbol)\", \"contractType\": \"PERPETUAL\", \"contractSize\": \(size), \"marginAsset\": \"ETH\", \"filters\": [{\"filterType\": \"PRICE_FILTER\", \"tickSize\": \"0.01\"}, {\"filterType\": \"LOT_SIZE\", \"stepSize\": \"1\"}]}"
        }
        try "{\"_source_url\": \"dapi\", \"symbols\": [\(entry("ETHUSD_PERP", "0")), \(entry("LTCUSD_PERP", "10"))]}".write(to: contracts, atomically: true, encoding: .utf8)
        let recording = directory.appendingPathComponent("cm_ethusd.txt")
        try "".write(to: recording, atomically: true, encoding: .utf8)
        let text = """
        [replay]
        files = ["\(recording.path)"]
        contracts = ["\(contracts.path)"]
        [[strategies]]
        kind = "basis"
        legs = ["binance-coinm:LTCUSD_PERP", "binance-coinm:ETHUSD_PERP"]
        target_notional = 20000
        entry = "40bps"
        exit = "10bps"
        """
        let config = HedgetopConfig.parse(text, file: "replay.toml")
        #expect { _ = try config.replaySetup(ReplayOverrides()) } throws: { error in
            "\(error)".contains("contracts.json: ETHUSD_PERP: contractSize 0 must be greater than 0")
        }
    }
}
