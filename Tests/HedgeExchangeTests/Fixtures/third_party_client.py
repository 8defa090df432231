"""Third-party clients against the local exchange: `websockets` reads Binance and Bybit streams
and checks each message has the real venue's fields; `ccxt`, its URLs pointed at the exchange,
loads markets and order books through REST. Any private dialect makes it exit non-zero.

usage: third_party_client.py USDM_WS USDM_REST BYBIT_LINEAR_WS BYBIT_REST
"""
import asyncio
import json
import sys

import ccxt
import websockets

USDM_WS, USDM_REST, BYBIT_WS, BYBIT_REST = sys.argv[1:5]


def check(condition, what):
    if not condition:
        raise SystemExit("not the venue's protocol: " + what)


async def binance():
    url = USDM_WS + "/stream?streams=btcusdt@bookTicker/btcusdt@depth@100ms"
    seen = {"bookTicker": 0, "depthUpdate": 0, "trade": 0}
    async with websockets.connect(url, max_size=1 << 22) as ws:
        await ws.send(json.dumps({"method": "SUBSCRIBE", "params": ["btcusdt@trade"], "id": 1}))
        acked = False
        while min(seen.values()) < 3 or not acked:
            message = json.loads(await asyncio.wait_for(ws.recv(), 30))
            if "id" in message:
                check(message == {"result": None, "id": 1}, "SUBSCRIBE answer %r" % message)
                acked = True
                continue
            stream, data = message["stream"], message["data"]
            kind = data.get("e", "bookTicker")
            check(kind in seen, "unknown event %r" % kind)
            check(stream.split("@")[0] == data["s"].lower(), "stream %s carries %s" % (stream, data["s"]))
            if kind == "bookTicker":
                check(float(data["b"]) < float(data["a"]) and float(data["B"]) >= 0, "bookTicker %r" % data)
            elif kind == "depthUpdate":
                check(data["U"] <= data["u"] and "pu" in data, "depthUpdate ids %r" % data)
                for price, quantity in data["b"] + data["a"]:
                    float(price), float(quantity)
            else:
                check(float(data["p"]) > 0 and isinstance(data["m"], bool), "trade %r" % data)
            seen[kind] += 1
    return seen


async def bybit():
    seen = {"snapshot": 0, "delta": 0, "tickers": 0}
    async with websockets.connect(BYBIT_WS, max_size=1 << 22) as ws:
        await ws.send(json.dumps({"op": "subscribe", "args": ["orderbook.50.BTCUSDT", "tickers.BTCUSDT"], "req_id": "r1"}))
        ack = json.loads(await asyncio.wait_for(ws.recv(), 30))
        check(ack.get("success") is True and ack.get("op") == "subscribe" and ack.get("req_id") == "r1", "subscribe answer %r" % ack)
        await ws.send(json.dumps({"op": "ping", "req_id": "p1"}))
        pong = False
        while seen["snapshot"] < 1 or seen["delta"] < 3 or seen["tickers"] < 2 or not pong:
            message = json.loads(await asyncio.wait_for(ws.recv(), 30))
            if message.get("op") == "ping":
                check(message.get("success") is True and message.get("ret_msg") == "pong", "pong %r" % message)
                pong = True
                continue
            topic = message["topic"]
            if topic.startswith("orderbook.50."):
                data = message["data"]
                check(data["s"] == "BTCUSDT" and isinstance(data["u"], int) and "seq" in data, "orderbook %r" % message)
                seen[message["type"]] += 1
            else:
                check(topic == "tickers.BTCUSDT" and message["data"]["symbol"] == "BTCUSDT", "ticker %r" % message)
                seen["tickers"] += 1
    return seen


def ccxt_rest():
    usdm = ccxt.binanceusdm()
    for key, path in (("fapiPublic", "/fapi/v1"), ("fapiPublicV2", "/fapi/v2"), ("fapiPublicV3", "/fapi/v3")):
        usdm.urls["api"][key] = USDM_REST + path
    markets = usdm.load_markets()
    check("BTC/USDT:USDT" in markets, "ccxt found no BTC/USDT:USDT in exchangeInfo")
    book = usdm.fetch_order_book("BTC/USDT:USDT", 5)
    check(len(book["bids"]) == 5 and book["bids"][0][0] < book["asks"][0][0], "ccxt order book %r" % book)

    bybit = ccxt.bybit()
    bybit.urls["api"] = {key: BYBIT_REST for key in ("spot", "futures", "v2", "public", "private")}
    bybit.options["fetchMarkets"]["types"] = ["spot", "linear"]
    markets = bybit.load_markets()
    check("BTC/USDT:USDT" in markets and "BTC/USDT" in markets, "ccxt found no BTCUSDT in instruments-info")
    check(markets["BTC/USDT:USDT"]["precision"]["price"] > 0, "no tick size")
    book = bybit.fetch_order_book("BTC/USDT:USDT", 50)
    check(len(book["bids"]) > 0 and book["bids"][0][0] < book["asks"][0][0], "ccxt bybit order book %r" % book)
    return usdm.markets["BTC/USDT:USDT"]["precision"], bybit.markets["BTC/USDT:USDT"]["precision"]


async def main():
    # Both at once: the exchange's clock runs from the first connection, so a Bybit reader that
    # waited for Binance's could find its short recording already played out on a loaded machine.
    binance_seen, bybit_seen = await asyncio.gather(binance(), bybit())
    precisions = ccxt_rest()
    print("OK binance %s bybit %s ccxt precision %s" % (binance_seen, bybit_seen, precisions))


asyncio.run(main())
