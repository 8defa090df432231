#!/usr/bin/env bash
# LIVE's tick-to-order and order round trip on loopback: hedgetop trades a cross spread on the local
# exchange (Binance USD-M and Bybit linear, accounts with keys), holding each cycle 1 s, for
# SECONDS (default 120); on stopping it prints, per venue, tick to order (the receipt of the market
# data that led to an order, to the order handed signed to the HTTP client) and the order round
# trip (handed over, to the venue's answer), p50 and p99.
#
#   swift build -c release --product hedgetop && swift build -c release --product hedgetop-exchange
#   Benchmarks/Scripts/live_tick_to_order.sh 120
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
bin="$repo/.build/release"
work="$(mktemp -d)"
"$bin/hedgetop-exchange" --data "$repo/../shared/data" --speed 1 --now-times --venues binance-usdm,bybit-linear \
    --port binance-usdm=9201 --port bybit=9202 --port control=9209 --log-level warning \
    --account binancekey0001:binance-secret-0001 --account bybitkey00001:bybit-secret-0001 > "$work/exchange.out" 2> "$work/exchange.err" &
exchange=$!
trap 'kill $exchange; rm -rf "$work"' EXIT
for _ in $(seq 1 120); do grep -q ready "$work/exchange.out" 2>/dev/null && break; sleep 0.5; done
cat > "$work/measure.toml" <<EOF
mode = "live"
[journal]
path = "$work/journal.sqlite"
[venues.binance-usdm]
kind = "binance-usdm"
ws_url = "ws://127.0.0.1:9201"
rest_url = "http://127.0.0.1:9201"
[venues.bybit-linear]
kind = "bybit-linear"
ws_url = "ws://127.0.0.1:9202/v5/public/linear"
rest_url = "http://127.0.0.1:9202"
[[strategies]]
name = "x"
kind = "cross"
legs = ["binance-usdm:BTCUSDT", "bybit-linear:BTCUSDT"]
target_notional = 600
entry = "20bps"
exit = "5bps"
stop_loss_bps = 2000
max_holding = "1s"
cooldown = "1s"
EOF
HEDGETOP_BINANCE_API_KEY=binancekey0001 HEDGETOP_BINANCE_API_SECRET=binance-secret-0001 \
HEDGETOP_BYBIT_API_KEY=bybitkey00001 HEDGETOP_BYBIT_API_SECRET=bybit-secret-0001 \
XDG_STATE_HOME="$work/state" XDG_CACHE_HOME="$work/cache" \
    "$bin/hedgetop" run --config "$work/measure.toml" --live --yes --headless --duration "${1:-120}" --on-exit flatten \
    > "$work/run.out" 2> "$work/run.err"
grep -E "tick to order" "$work/run.err"
"$bin/hedgetop" history --journal "$work/journal.sqlite" | tail -1
