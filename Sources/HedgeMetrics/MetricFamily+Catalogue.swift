/// Every metric hedgetop exports. Names follow Prometheus practice: a `hedgetop_` prefix, base
/// units in the name (`_seconds`, `_usd`, `_bps`, `_ratio`), `_total` on counters.
extension MetricFamily {
    private static func gauge(_ name: String, _ help: String) -> MetricFamily { MetricFamily(name: name, kind: .gauge, help: help) }
    private static func counter(_ name: String, _ help: String) -> MetricFamily { MetricFamily(name: name, kind: .counter, help: help) }

    // MARK: Engine

    static let info = gauge("hedgetop_info", "The engine's run mode (paper, replay, live) as a label; always 1.")
    static let snapshots = counter("hedgetop_snapshots_total", "Snapshots the engine has published since it started.")
    static let engineTime = gauge("hedgetop_engine_time_seconds",
                                  "The engine's clock at the newest snapshot, seconds since the epoch (data time in a replay; runs --speed times as fast as the wall clock).")
    static let snapshotReceived = gauge("hedgetop_snapshot_received_timestamp_seconds",
                                        "Wall-clock time the newest snapshot reached the exporter, seconds since the epoch: time() minus this is its age.")
    static let logEntries = counter("hedgetop_log_entries_total",
                                    "Event-log entries by severity since the exporter started; order rejections are warnings, journal failures and margin calls errors.")
    static let killSwitchFired = counter("hedgetop_kill_switch_fired_total",
                                         "Kill switches fired (for every strategy, or for one) since the engine started.")
    static let killSwitchLastFired = gauge("hedgetop_kill_switch_last_fired_timestamp_seconds",
                                           "The engine's clock when the kill switch was last fired, seconds since the epoch; absent before the first.")
    static let logEntriesMissed = counter("hedgetop_log_entries_missed_total",
                                          "Event-log entries that left the snapshots' log tail before the exporter saw them (severity unknown).")

    // MARK: Venues

    static let venueUp = gauge("hedgetop_venue_up", "1 when the venue is reachable and its feed is live, else 0.")
    static let venueState = gauge("hedgetop_venue_state",
                                  "1 for the venue's condition (live, connecting, resyncing, stale, down), 0 for the others; stale counts a leg with market data older than its limit.")
    static let venueMessageAge = gauge("hedgetop_venue_last_message_age_seconds",
                                       "Since the venue's last message (a quote, an answer), engine-clock seconds; absent before the first.")
    static let roundTrip = gauge("hedgetop_venue_order_round_trip_seconds",
                                 "Order round trip (sent to final answer) over the venue's recent orders, by quantile, engine-clock seconds.")
    static let ordersSent = counter("hedgetop_venue_orders_sent_total", "Orders sent to the venue since the engine started.")
    static let ordersRejected = counter("hedgetop_venue_orders_rejected_total",
                                        "Orders for the venue answered with a rejection, by the venue or by the engine before sending (safe mode).")

    // MARK: Strategies

    static let strategyInfo = gauge("hedgetop_strategy_info", "The strategy's kind (cross, calendar, basis) as a label; always 1.")
    static let strategyState = gauge("hedgetop_strategy_state", "1 for the state the strategy is in, 0 for every other state.")
    static let stateSeconds = gauge("hedgetop_strategy_state_seconds", "Time in the current state, engine-clock seconds.")
    static let paused = gauge("hedgetop_strategy_paused", "1 while the strategy is paused (by command or safe mode), else 0.")
    static let haltedByKillSwitch = gauge("hedgetop_strategy_halted_by_kill_switch",
                                          "1 while the strategy is in ERROR because the kill switch halted it (a resume lifts it), else 0.")
    static let hedged = gauge("hedgetop_strategy_hedged",
                              "1 when the legs cancel in their base coin (within 1 % of the larger leg, flat included), 0 when they do not; absent while unknown (no price yet).")
    static let unhedgedSeconds = gauge("hedgetop_strategy_unhedged_seconds",
                                       "How long the legs have not cancelled in their base coin, engine-clock seconds; 0 while hedged.")
    static let cycles = counter("hedgetop_strategy_cycles_completed_total", "Spread cycles (open, hold, close) the strategy has completed.")
    static let spread = gauge("hedgetop_spread_bps", "The current spread, leg A minus leg B, in basis points of B.")
    static let spreadMean = gauge("hedgetop_spread_mean_bps", "Rolling mean of the spread, basis points.")
    static let zScore = gauge("hedgetop_spread_zscore", "The spread's deviation from its rolling mean in standard deviations.")
    static let basis = gauge("hedgetop_basis_annualised_ratio", "Annualised basis as a fraction, when a leg has an expiry.")
    static let entryBand = gauge("hedgetop_spread_entry_band_bps", "The entry thresholds as the chart draws them, basis points.")
    static let exitBand = gauge("hedgetop_spread_exit_band_bps", "The exit thresholds as the chart draws them, basis points.")
    static let pnlRealised = gauge("hedgetop_pnl_realised_usd", "Realised PnL from fill prices, USD.")
    static let pnlUnrealised = gauge("hedgetop_pnl_unrealised_usd", "Unrealised PnL at the mark price, USD.")
    static let pnlFees = gauge("hedgetop_pnl_fees_usd", "Fees paid (rebates negative), USD.")
    static let pnlFunding = gauge("hedgetop_pnl_funding_usd", "Funding received (paid negative), USD.")
    static let pnlNet = gauge("hedgetop_pnl_net_usd", "Net PnL: realised + unrealised + funding - fees, USD.")

    // MARK: Legs

    static let position = gauge("hedgetop_position_contracts", "Signed position of the leg in contracts (long positive).")
    static let entryPrice = gauge("hedgetop_position_entry_price", "Average entry price of the leg's open position.")
    static let markPrice = gauge("hedgetop_mark_price", "The leg's mark price.")
    static let bidPrice = gauge("hedgetop_quote_bid_price", "Best bid of the leg's instrument.")
    static let askPrice = gauge("hedgetop_quote_ask_price", "Best ask of the leg's instrument.")
    static let liquidationPrice = gauge("hedgetop_liquidation_price", "Isolated-margin liquidation estimate of the leg's open position.")
    static let marginRatio = gauge("hedgetop_margin_ratio", "Maintenance margin over equity of the leg's account: 1 means liquidation.")
    static let marginUtilisation = gauge("hedgetop_margin_utilisation_ratio", "Initial margin in use over equity of the leg's account.")
    static let openOrders = gauge("hedgetop_open_orders", "Working orders of the leg.")
}
