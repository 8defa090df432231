import HedgeCore
import HedgeVenues

/// The instruments a configuration can name: the paper scenario's (with stable aliases) or the
/// contract catalog's (replay).
struct ConfigMarket {
    var specs: [InstrumentID: ContractSpec]
    /// Alias → the instrument it stands for (`sim:near` → `sim:BTCUSDT_260925`).
    var aliases: [InstrumentID: InstrumentID] = [:]
    /// How the market is named in messages: "the calendar scenario", "the contract catalog".
    var source: String
    /// Instruments a contracts file listed with a wrong field, and why (`ContractCatalog.refused`).
    var refused: [InstrumentID: String] = [:]

    var venueNames: [String] { Set(specs.keys.map(\.venue)).sorted() }

    /// Stable names for a paper scenario's instruments, which depend on the start date: per
    /// venue, `near` and `far` for two dated futures (`dated` for one), `perp`, `spot`.
    static func aliases(for specs: [ContractSpec]) -> [InstrumentID: InstrumentID] {
        var aliases: [InstrumentID: InstrumentID] = [:]
        for venue in Set(specs.map(\.id.venue)) {
            let here = specs.filter { $0.id.venue == venue }
            let dated = here.filter { $0.kind.expiry != nil }.sorted { $0.kind.expiry! < $1.kind.expiry! }
            if dated.count == 1 { aliases[InstrumentID(venue: venue, symbol: "dated")] = dated[0].id }
            if dated.count >= 2 {
                aliases[InstrumentID(venue: venue, symbol: "near")] = dated[0].id
                aliases[InstrumentID(venue: venue, symbol: "far")] = dated[dated.count - 1].id
            }
            for spec in here {
                if case .perpetual = spec.kind { aliases[InstrumentID(venue: venue, symbol: "perp")] = spec.id }
                if case .spot = spec.kind { aliases[InstrumentID(venue: venue, symbol: "spot")] = spec.id }
            }
        }
        return aliases
    }

    /// The spec `text` names, or why not, listing what exists.
    func resolve(_ text: String, key: String, map: ConfigSourceMap) -> Result<ContractSpec, ConfigError> {
        func failure(_ problem: String) -> Result<ContractSpec, ConfigError> {
            .failure(ConfigError(key: key, line: map.line(of: key), problem: problem))
        }
        guard let id = InstrumentID(parsing: text) else { return failure("\"\(text)\" is not VENUE:SYMBOL") }
        guard venueNames.contains(id.venue) else {
            return failure("unknown venue \"\(id.venue)\" (venues in \(source): \(venueNames.joined(separator: ", ")))")
        }
        if let spec = specs[aliases[id] ?? id] { return .success(spec) }
        if let reason = refused[id] { return failure("\(reason); the instrument is refused rather than traded with a wrong size") }
        var names = aliases.keys.filter { $0.venue == id.venue }.map(\.symbol).sorted()
        names += specs.keys.filter { $0.venue == id.venue }.map(\.symbol).sorted()
        let shown = names.count > 24 ? names.prefix(24).joined(separator: ", ") + ", … (\(names.count) in all)" : names.joined(separator: ", ")
        return failure("unknown symbol \"\(id.symbol)\" on \(id.venue) (symbols: \(shown))")
    }
}

/// What a run needs, built from a configuration: strategies and venues ready for an `Engine`.
struct ConfigBuild {
    var strategies: [StrategyConfig] = []
    var venues: [SimulatedVenue] = []
}

extension HedgetopConfig {
    /// The engine's strategies and venues over `market`. `template` gives a strategy's defaults by
    /// kind and legs; `baseVenues` the venues' settings before this file's keys.
    func build(market: ConfigMarket, strategies settingsList: [StrategySettings], defaults: [StrategyConfig],
               template: (StrategyKind, PerLeg<ContractSpec>) -> StrategyConfig,
               baseVenues: [String: SimulatedVenue.Settings], venueNames: [String], takerFee: FixedDecimal? = nil,
               balances: [VenueBalance] = [], start: Timestamp, errors: inout [ConfigError]) -> ConfigBuild {
        var market = market
        // Fees first: the strategies' legs must carry the fees the venue charges.
        for venue in venues {
            guard venueNames.contains(venue.name) else {
                errors.append(ConfigError(key: venue.key, line: sourceMap.line(of: venue.key),
                                          problem: "unknown venue \"\(venue.name)\" (venues in \(market.source): \(venueNames.joined(separator: ", ")))"))
                continue
            }
            for id in market.specs.keys where id.venue == venue.name {
                if let taker = venue.takerFee { market.specs[id]!.fees.taker = taker }
                if let maker = venue.makerFee { market.specs[id]!.fees.maker = maker }
            }
        }
        if let takerFee { for id in market.specs.keys { market.specs[id]!.fees.taker = takerFee } }

        var build = ConfigBuild()
        /// The key each built strategy came from, for messages.
        var keys: [String] = []
        if settingsList.isEmpty {
            keys = defaults.map { _ in "limits.max_notional_per_spread" }
            build.strategies = defaults.map { config in
                var config = config
                config.legs = PerLeg(a: market.specs[config.legs.a.id] ?? config.legs.a, b: market.specs[config.legs.b.id] ?? config.legs.b)
                return config
            }
        }
        for (index, settings) in settingsList.enumerated() {
            guard let kind = settings.kind, let legs = settings.legs, legs.count == 2 else { continue }
            var resolved: [ContractSpec] = []
            // The command line's `--legs`/`--kind` are named as such: they replaced the file's.
            let legsKey = settings.legsKey ?? settings.key + ".legs"
            for (position, text) in legs.enumerated() {
                switch market.resolve(text, key: settings.legsKey ?? legsKey + "[\(position)]", map: sourceMap) {
                case .success(let spec): resolved.append(spec)
                case .failure(let error): errors.append(error)
                }
            }
            guard resolved.count == 2 else { continue }
            if resolved[0].id == resolved[1].id {
                errors.append(ConfigError(key: legsKey, line: sourceMap.line(of: legsKey),
                                          problem: "both legs are \(resolved[0].id); a spread needs two instruments"))
                continue
            }
            if let problem = Self.legProblem(kind, resolved[0], resolved[1]) {
                let key = settings.legsKey ?? settings.kindKey ?? legsKey
                errors.append(ConfigError(key: key, line: sourceMap.line(of: key), problem: problem))
            }
            let pair = PerLeg(a: resolved[0], b: resolved[1])
            var config = settings.apply(to: template(kind, pair))
            config.legs = pair
            if settings.name == nil && settingsList.count > 1 { config.name = "\(kind)-\(index + 1)" }
            build.strategies.append(config)
            keys.append(settings.key + ".target_notional")
        }
        for index in build.strategies.indices {
            if let limit = limits.maxConsecutiveErrors { build.strategies[index].maxConsecutiveErrors = limit }
            for leg in Leg.allCases {
                let venue = build.strategies[index].legs[leg].id.venue
                if let limit = venues.first(where: { $0.name == venue })?.staleAfter { build.strategies[index].staleAfter[leg] = limit }
            }
            if let cap = limits.maxNotionalPerSpread, build.strategies[index].targetNotional > cap {
                let key = keys[index]
                errors.append(ConfigError(key: key, line: sourceMap.line(of: key),
                                          problem: "\(build.strategies[index].targetNotional) USD is above limits.max_notional_per_spread (\(cap))"))
            }
        }

        for name in venueNames {
            var settings = baseVenues[name] ?? SimulatedVenue.Settings()
            let contracts = market.specs.values.filter { $0.id.venue == name }.sorted { $0.id.symbol < $1.id.symbol }
            if let section = venues.first(where: { $0.name == name }) {
                settings = section.apply(to: settings)
                if let mode = section.marginMode { for contract in contracts { settings.marginModes[contract.id] = mode } }
                var faults: [Fault] = []
                for fault in section.faults {
                    if let made = makeFault(fault, venue: name, market: market, start: start, errors: &errors) { faults.append(made) }
                }
                if !faults.isEmpty || section.faultSeed != nil {
                    settings.faults = FaultPlan(faults, seed: section.faultSeed ?? settings.faults.seed)
                }
            }
            build.venues.append(SimulatedVenue(name: name, contracts: contracts, settings: settings.with(balances, venue: name)))
        }
        return build
    }

    /// A pair of legs the strategy kind cannot trade, and why.
    static func legProblem(_ kind: StrategyKind, _ a: ContractSpec, _ b: ContractSpec) -> String? {
        switch kind {
        case .calendar:
            if a.kind.expiry == nil || b.kind.expiry == nil {
                return "a calendar spread needs two dated futures (\(a.id), \(b.id)); a dated future against a perpetual is a basis spread"
            }
        case .cross:
            if a.id.venue == b.id.venue { return "a cross-exchange spread needs legs on two venues (both are on \(a.id.venue))" }
        case .basis:
            break
        }
        return nil
    }

    func makeFault(_ fault: FaultSettings, venue: String, market: ConfigMarket, start: Timestamp, errors: inout [ConfigError]) -> Fault? {
        let from = fault.from.map { start + $0 } ?? Timestamp(nanoseconds: .min)
        let until = fault.until.map { start + $0 } ?? Timestamp(nanoseconds: .max)
        let selector = OrderSelector(from: from, until: until, purposes: fault.purposes, count: fault.count, probability: fault.probability ?? 1)
        switch fault.kind {
        case .reject:
            if let reason = fault.reason { return .reject(selector, reason: reason) }
            return .reject(selector)
        case .delay:
            guard let extra = fault.extra else { return nil }
            return .delay(selector, extra: extra)
        case .drop:
            return .drop(selector)
        case .outage:
            return .outage(from: from, until: until)
        case .stale:
            guard let text = fault.instrument else { return nil }
            let key = fault.key + ".instrument"
            switch market.resolve(text, key: key, map: sourceMap) {
            case .success(let spec):
                guard spec.id.venue == venue else {
                    errors.append(ConfigError(key: key, line: sourceMap.line(of: key), problem: "\(spec.id) is not on venue \(venue)"))
                    return nil
                }
                return .staleData(spec.id, from: from, until: until, venueToo: fault.venueToo ?? false)
            case .failure(let error):
                errors.append(error)
                return nil
            }
        }
    }

    /// The paper market for `hedgetop run`: the scenario `[market]` names (or `scenario`, from the
    /// command line, which wins), with this file's strategies, venues, fees, latency and faults.
    /// Throws every error of the file, if there is any; then nothing may start. `initialPrice`:
    /// the market's underlying to start from; `resume`: the saved market to continue (a restart).
    public func paperScenario(start: Timestamp, scenario override: PaperScenario.Name? = nil, seed seedOverride: UInt64? = nil,
                              initialPrice: Double? = nil, listed: Timestamp? = nil,
                              resume: SyntheticMarket.State? = nil) throws(ConfigErrors) -> PaperScenario {
        var errors = issues
        guard parsed else { throw ConfigErrors(file: file, errors: errors) }
        let name = override ?? scenario ?? .calendar
        let base = name.scenario(start: start, seed: seedOverride ?? seed ?? 42, initialPrice: initialPrice, listed: listed,
                                 resume: resume)
        let contracts = base.venues.flatMap { $0.contracts.values }
        let market = ConfigMarket(specs: Dictionary(uniqueKeysWithValues: contracts.map { ($0.id, $0) }),
                                  aliases: ConfigMarket.aliases(for: contracts), source: "the \(name) scenario")
        let build = build(
            market: market, strategies: strategies, defaults: base.strategies,
            template: { kind, legs in
                var config = base.strategies.first { $0.kind == kind } ?? StrategyConfig.replayDefaults(kind: kind, legs: legs)
                config.legs = legs
                return config
            },
            baseVenues: Dictionary(uniqueKeysWithValues: base.venues.map { ($0.name, $0.settings) }),
            venueNames: base.venues.map(\.name), start: start, errors: &errors)
        if !errors.isEmpty { throw ConfigErrors(file: file, errors: Self.ordered(errors)) }
        return PaperScenario(strategies: build.strategies, venues: build.venues, feed: base.feed, limits: limits)
    }

    static func ordered(_ errors: [ConfigError]) -> [ConfigError] {
        var seen = Set<ConfigError>()
        return errors.filter { seen.insert($0).inserted }
            .enumerated().sorted { ($0.element.line ?? .max, $0.offset) < ($1.element.line ?? .max, $1.offset) }.map(\.element)
    }
}

extension StrategyConfig {
    /// The defaults of a replayed strategy, by kind: thresholds that suit recorded data.
    static func replayDefaults(kind: StrategyKind, legs: PerLeg<ContractSpec>, targetNotional: FixedDecimal = 50_000,
                                      entry: Threshold? = nil, exit: Threshold? = nil) -> StrategyConfig {
        let (defaultEntry, defaultExit): (Threshold, Threshold) = switch kind {
        case .calendar: (.z(2), .z(0.5))
        case .cross: (.bps(5), .bps(1))
        case .basis: (.bps(50), .bps(10))
        }
        return StrategyConfig(
            name: "\(kind)-replay", kind: kind, legs: legs, targetNotional: targetNotional,
            entry: entry ?? defaultEntry, exit: exit ?? defaultExit, minEdgeBps: "1", profitTargetBps: nil,
            stopLossBps: "100", spreadStopBps: nil, maxHolding: .seconds(24 * 3600), cooldown: .seconds(30),
            volatilityStopMultiple: nil, expiryGuard: .seconds(3600), marginGuardRatio: 0.8, maxSlippageBps: "10",
            orderTimeout: .seconds(5), hedgeDeadline: .seconds(10), maxHedgeAttempts: 3, driftTolerance: "0.02",
            sampleInterval: .milliseconds(100), window: 600, warmupSamples: 100)
    }
}
