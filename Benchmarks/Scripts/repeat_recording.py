#!/usr/bin/env python3
"""Repeats a Binance `<local ns> <json>` recording N laps into one gzip file, each lap shifted
later in time (local stamp, E, T) and in sequence ids (lastUpdateId, U, u, pu), so a replay reads
it as one longer day: at each lap's start the book resyncs from the lap's snapshot line.

    python3 repeat_recording.py LAPS IN.gz OUT.gz

For the end-to-end replay figure in README.md (issue 16: the two 2024-08-08 BTC files repeated
to at least 1 M lines). The input is never modified.
"""
import gzip
import re
import sys

laps, source, target = int(sys.argv[1]), sys.argv[2], sys.argv[3]
lines = gzip.open(source, 'rb').read().split(b'\n')
lines = [line for line in lines if line]
first_local = int(lines[0].split(b' ', 1)[0])
last_local = int(lines[-1].split(b' ', 1)[0])
span_ns = last_local - first_local + 1_000_000_000
span_ms = span_ns // 1_000_000
ids = [int(m) for line in lines for m in re.findall(rb'"(?:u|lastUpdateId)":(\d+)', line)]
id_span = max(ids) - min(ids) + 1_000 if ids else 0
times = re.compile(rb'"([ET])":(\d+)')
sequence = re.compile(rb'"(lastUpdateId|U|u|pu)":(\d+)')
with gzip.open(target, 'wb', compresslevel=6) as out:
    for lap in range(laps):
        shift_ms, shift_id = lap * span_ms, lap * id_span
        for line in lines:
            local, body = line.split(b' ', 1)
            if lap:
                body = times.sub(lambda m: b'"%s":%d' % (m.group(1), int(m.group(2)) + shift_ms), body)
                body = sequence.sub(lambda m: b'"%s":%d' % (m.group(1), int(m.group(2)) + shift_id), body)
            out.write(b'%d %s\n' % (int(local) + lap * span_ns, body))
print(f'{laps} laps of {len(lines)} lines: {laps * len(lines)} lines in {target}', file=sys.stderr)
