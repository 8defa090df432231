#!/usr/bin/env python3
"""Writes binance_quotes_20240808_500ms.csv: the top of book of the three Binance recordings in
../../../../shared/data/binance (USD-M BTCUSDT, COIN-M BTCUSD_PERP, spot BTCUSDT), thinned to the
last bookTicker of each leg in each 500 ms of venue time, in hedgetop's quote CSV. Futures are
stamped with the message's event time `E`; spot bookTicker has none, so its local receive time
is shifted by the recorder's measured lag (1.27 s, see shared/data/README.md).
Run from this directory: python3 make-spread-fixture.py"""
import gzip, json
DATA = '../../../../shared/data/binance/'
FILES = [('usdm_btcusdt_20240808.gz', 'binance-usdm', 'BTCUSDT'),
         ('cm_btcusd_perp_20240808.gz', 'binance-coinm', 'BTCUSD_PERP'),
         ('spot_btcusdt_20240808.gz', 'binance-spot', 'BTCUSDT')]
BUCKET_NS = 500_000_000
rows = []
for name, venue, symbol in FILES:
    last = {}
    for line in gzip.open(DATA + name, 'rt'):
        local, message = line.split(' ', 1)
        if '@bookTicker' not in message:
            continue
        data = json.loads(message)['data']
        ts = data['E'] * 1_000_000 if 'E' in data else int(local) + 1_270_000_000
        last[ts // BUCKET_NS] = (ts, venue, symbol, data['b'], data['B'], data['a'], data['A'])
    rows += last.values()
rows.sort(key=lambda row: row[0])
with open('binance_quotes_20240808_500ms.csv', 'w') as out:
    out.write('ts_ns,venue,symbol,bid_px,bid_qty,ask_px,ask_qty\n')
    for row in rows:
        out.write(','.join(str(field) for field in row) + '\n')
