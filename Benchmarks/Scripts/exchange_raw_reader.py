"""Reads a local exchange's USD-M BTCUSDT streams as fast as it sends them, decoding nothing:
the exchange's rate to one plain client, for scale beside `hedgetop record`'s.

usage: exchange_raw_reader.py ws://127.0.0.1:PORT   (python with `websockets`, e.g. .build/exchange-venv)
"""
import asyncio, sys, time, websockets
async def main():
    url = sys.argv[1] + "/stream?streams=btcusdt@bookTicker/btcusdt@depth@0ms/btcusdt@trade/btcusdt@markPrice"
    n = 0
    async with websockets.connect(url, max_size=1 << 22, compression=None) as ws:
        first = None
        while True:
            try:
                await asyncio.wait_for(ws.recv(), 2)
            except asyncio.TimeoutError:
                break
            n += 1
            if first is None: first = time.monotonic()
            last = time.monotonic()
    print(f"{n} messages over {last-first:.3f} s: {n/(last-first):.0f}/s")
asyncio.run(main())
