#!/bin/sh
# Writes journal-schema-N.db for N = 1..4: a small journal as hedgetop's schema N wrote it (the
# same DDL text, in the same order, as the release that introduced that version executed; see
# README.md beside this script), with two rows in each of its tables. Run from anywhere:
#   sh Tests/HedgeEngineTests/Fixtures/make-journal-fixtures.sh
# The files are committed; run it again only to check that it still writes the same schema.
set -eu
cd "$(dirname "$0")"

# Schema 1 (commit 3d72430). The indentation is the one SQLite stores in sqlite_master.
V1="CREATE TABLE IF NOT EXISTS orders (
    id TEXT PRIMARY KEY, strategy TEXT NOT NULL, leg TEXT NOT NULL, venue TEXT NOT NULL,
    symbol TEXT NOT NULL, side TEXT NOT NULL, quantity TEXT NOT NULL, purpose TEXT NOT NULL,
    reduce_only INTEGER NOT NULL, intent_at INTEGER NOT NULL,
    status TEXT NOT NULL, filled TEXT NOT NULL, reason TEXT, updated_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS fills (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, order_id TEXT NOT NULL, strategy TEXT NOT NULL,
    leg TEXT NOT NULL, side TEXT NOT NULL, price TEXT NOT NULL, quantity TEXT NOT NULL,
    fee TEXT NOT NULL, liquidity TEXT NOT NULL, time INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS transitions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, strategy TEXT NOT NULL, from_state TEXT NOT NULL,
    to_state TEXT NOT NULL, reason TEXT NOT NULL, time INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS cycles (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, strategy TEXT NOT NULL, opened_at INTEGER,
    entry_spread_bps TEXT, closed_at INTEGER, exit_spread_bps TEXT, net_pnl TEXT, reason TEXT);
CREATE TABLE IF NOT EXISTS funding (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, strategy TEXT NOT NULL, leg TEXT NOT NULL,
    amount TEXT NOT NULL, rate TEXT NOT NULL, time INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS commands (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, command_id INTEGER NOT NULL, strategy TEXT,
    accepted INTEGER NOT NULL, message TEXT NOT NULL, time INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS errors (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, strategy TEXT, message TEXT NOT NULL, time INTEGER NOT NULL);"

# Schema 2 (commit 2fe34ac): fills name their venue, symbol and trade id; reconciliations.
V2="ALTER TABLE fills ADD COLUMN venue TEXT;
ALTER TABLE fills ADD COLUMN symbol TEXT;
ALTER TABLE fills ADD COLUMN trade_id INTEGER;
CREATE INDEX IF NOT EXISTS fills_by_trade ON fills (venue, trade_id);
CREATE TABLE IF NOT EXISTS reconciliations (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, strategy TEXT, venue TEXT NOT NULL, symbol TEXT NOT NULL,
    journal_quantity TEXT NOT NULL, venue_quantity TEXT NOT NULL, action TEXT NOT NULL, time INTEGER NOT NULL);"

# Schema 3 (commits ba4874e, fc7d8c0): the journal's id; a new journal also records created_at.
V3="CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT OR IGNORE INTO meta (key, value) VALUES ('journal_id', '0b5e3c2a-7d41-4f6e-9a83-5c1d2e4f6a70');"

# Schema 4 (commit b029dbe): an accepted command's action.
V4="ALTER TABLE commands ADD COLUMN action TEXT;"

# Rows every schema holds, in version 1's columns.
ROWS1="INSERT INTO orders VALUES ('btc-calendar-1', 'btc-calendar', 'B', 'sim', 'BTCUSDT_270101', 'sell', '0.803', 'open', 0,
    1796187178145284917, 'filled', '0.803', NULL, 1796187178157307767);
INSERT INTO orders VALUES ('btc-calendar-2', 'btc-calendar', 'A', 'sim', 'BTCUSDT_270401', 'buy', '0.803', 'hedge', 0,
    1796187178157307767, 'accepted', '0', NULL, 1796187178169097597);
INSERT INTO transitions (strategy, from_state, to_state, reason, time) VALUES
    ('btc-calendar', 'SCANNING_SPREADS', 'SPREAD_DETECTED', 'spread 178.2 bps, deviation -9.0 bps ≥ 2.0σ; edge needs 9.0 bps', 1796187178145241033),
    ('btc-calendar', 'SPREAD_DETECTED', 'VALIDATING_OPPORTUNITY', 'sized 0.803/0.803; awaiting fresh quotes', 1796187178145241033);
INSERT INTO cycles (strategy, opened_at, entry_spread_bps, closed_at, exit_spread_bps, net_pnl, reason) VALUES
    ('btc-calendar', 1796187178169097597, '177.46807607', 1796187179856635115, '184.08393134', '-7.83803178', 'closed: converged: deviation within 0.5σ'),
    ('btc-calendar', 1796187189366378604, '196.29362516', NULL, NULL, NULL, NULL);
INSERT INTO funding (strategy, leg, amount, rate, time) VALUES
    ('btc-calendar', 'A', '-5.0866', '0.0001', 1796198400000000000),
    ('btc-calendar', 'B', '4.9989', '-0.0001', 1796198400000000000);
INSERT INTO errors (strategy, message, time) VALUES
    (NULL, 'safe mode: journal write failed: disk I/O error', 1796187190000000000),
    ('btc-calendar', 'recovery: leg B sim:BTCUSDT_270101: journal -0.803, venue -0.8; adopted the venue''s -0.8 @ 62253.38', 1796187191000000000);"

# Fills as schema 1 wrote them, and as schema 2 on (with venue, symbol, trade id).
FILLS1="INSERT INTO fills (order_id, strategy, leg, side, price, quantity, fee, liquidity, time) VALUES
    ('btc-calendar-1', 'btc-calendar', 'B', 'sell', '62253.4', '0.653', '8.13029404', 'taker', 1796187178151469453),
    ('btc-calendar-1', 'btc-calendar', 'B', 'sell', '62253.3', '0.15', '1.867599', 'taker', 1796187178151469453);"
FILLS2="INSERT INTO fills (order_id, strategy, leg, side, price, quantity, fee, liquidity, time, venue, symbol, trade_id) VALUES
    ('btc-calendar-1', 'btc-calendar', 'B', 'sell', '62253.4', '0.653', '8.13029404', 'taker', 1796187178151469453, 'sim', 'BTCUSDT_270101', 1),
    ('btc-calendar-1', 'btc-calendar', 'B', 'sell', '62253.3', '0.15', '1.867599', 'taker', 1796187178151469453, 'sim', 'BTCUSDT_270101', 2);"
RECONCILIATIONS="INSERT INTO reconciliations (strategy, venue, symbol, journal_quantity, venue_quantity, action, time) VALUES
    ('btc-calendar', 'sim', 'BTCUSDT_270101', '-0.803', '-0.8', 'adopted the venue''s -0.8 @ 62253.38', 1796187191000000000),
    (NULL, 'sim', 'BTCUSDT_270401', '0', '0.001', 'no strategy trades it; left as it is', 1796187191000000000);"
# Commands before schema 4 (no action), and from schema 4 on.
COMMANDS1="INSERT INTO commands (command_id, strategy, accepted, message, time) VALUES
    (1, 'btc-calendar', 1, 'btc-calendar: no new spreads', 1796187192000000000),
    (2, 'btc-calendar', 0, 'btc-calendar: resize must be between -90 % and +100 %, not 0', 1796187193000000000);"
COMMANDS4="INSERT INTO commands (command_id, strategy, accepted, message, time, action) VALUES
    (1, 'btc-calendar', 1, 'btc-calendar: no new spreads', 1796187192000000000, 'pause'),
    (2, 'btc-calendar', 0, 'btc-calendar: resize must be between -90 % and +100 %, not 0', 1796187193000000000, 'resize 0');"
CREATED="INSERT OR IGNORE INTO meta (key, value) VALUES ('created_at', 1796187163362345832);"

# Writes journal-schema-$1.db from the schema DDL $2 and the rows $3. hedgetop's files are WAL
# with SQLite's 4096-byte pages; these use 512-byte pages (not part of the schema) to stay small.
write() {
    file="journal-schema-$1.db"
    rm -f "$file" "$file-wal" "$file-shm"
    sqlite3 "$file" >/dev/null <<SQL
PRAGMA page_size = 512;
PRAGMA journal_mode = WAL;
BEGIN;
$2
PRAGMA user_version = $1;
$3
COMMIT;
SQL
    echo "$file: $(wc -c < "$file") bytes"
}

write 1 "$V1" "$ROWS1 $FILLS1 $COMMANDS1"
write 2 "$V1 $V2" "$ROWS1 $FILLS2 $COMMANDS1 $RECONCILIATIONS"
write 3 "$V1 $V2 $V3 $CREATED" "$ROWS1 $FILLS2 $COMMANDS1 $RECONCILIATIONS"
write 4 "$V1 $V2 $V3 $V4 $CREATED" "$ROWS1 $FILLS2 $COMMANDS4 $RECONCILIATIONS"
