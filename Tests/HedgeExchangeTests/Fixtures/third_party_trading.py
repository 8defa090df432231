"""ccxt trades against the local exchange through the venues' real signed APIs: binanceusdm and
bybit, their URLs pointed at the exchange, an API key and secret set, timestamps synced to the
exchange's time endpoint (adjustForTimeDifference). Each places a limit order far from the
book, fetches it, cancels it, then places a market order and sees it filled. Any departure from
the venues' protocol makes ccxt raise, and the script exit non-zero.

usage: third_party_trading.py USDM_REST BYBIT_REST KEY SECRET
"""
import sys

import ccxt

USDM_REST, BYBIT_REST, KEY, SECRET = sys.argv[1:5]
SYMBOL = "BTC/USDT:USDT"


def check(condition, what):
    if not condition:
        raise SystemExit("not the venue's behaviour: " + what)


def round_trip(exchange, limit_price):
    exchange.load_markets()
    resting = exchange.create_order(SYMBOL, "limit", "buy", 0.01, limit_price)
    fetched = exchange.fetch_order(resting["id"], SYMBOL)
    check(fetched["status"] == "open" and fetched["price"] == limit_price and fetched["amount"] == 0.01, "resting order %r" % fetched)
    exchange.cancel_order(resting["id"], SYMBOL)
    check(exchange.fetch_order(resting["id"], SYMBOL)["status"] == "canceled", "cancelled order")
    market = exchange.create_order(SYMBOL, "market", "buy", 0.01)
    filled = exchange.fetch_order(market["id"], SYMBOL)
    check(filled["status"] == "closed" and filled["filled"] == 0.01 and filled["average"] > limit_price, "market order %r" % filled)
    positions = [p for p in exchange.fetch_positions([SYMBOL]) if p["contracts"]]
    check(len(positions) == 1 and positions[0]["side"] == "long" and positions[0]["contracts"] == 0.01, "positions %r" % positions)
    return filled["average"]


def binance():
    usdm = ccxt.binanceusdm({"apiKey": KEY, "secret": SECRET, "options": {"adjustForTimeDifference": True, "fetchCurrencies": False}})
    usdm.has["fetchCurrencies"] = False   # the local exchange serves no wallet (sapi) endpoints
    for name, url in list(usdm.urls["api"].items()):
        if isinstance(url, str) and url.startswith("https://fapi.binance.com"):
            usdm.urls["api"][name] = url.replace("https://fapi.binance.com", USDM_REST)
    return round_trip(usdm, 50000.0)


def bybit():
    exchange = ccxt.bybit({"apiKey": KEY, "secret": SECRET,
                           "options": {"adjustForTimeDifference": True, "enableUnifiedAccount": True, "enableUnifiedMargin": False}})
    exchange.has["fetchCurrencies"] = False   # the local exchange serves no asset endpoints
    exchange.urls["api"] = {key: BYBIT_REST for key in ("spot", "futures", "v2", "public", "private")}
    exchange.options["fetchMarkets"]["types"] = ["linear"]
    # ccxt's bybit reads one order by id only once told it knows the venue keeps just the last
    # 500 (its own guard, not the venue's).
    exchange.options["fetchOrder"] = {"acknowledged": True}
    return round_trip(exchange, 50000.0)


binance_average = binance()
bybit_average = bybit()
print("OK binanceusdm filled at %s bybit filled at %s" % (binance_average, bybit_average))
