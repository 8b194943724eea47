-- The dashboard's rollups at ten million events (issue 13 item 4). Migration 0006 kept them with a
-- trigger per inserted row; the store now computes them per transaction in C++ (store/rollup_batch.h)
-- and writes each key once, so the triggers go. Added:
--   event_hours     events per type per hour, so a month's overview reads 720 rows per type, not 43,200;
--   source_sketches a HyperLogLog (4 KiB, 1.6% standard error) of scan sources per hour, so the
--                   distinct sources of any range merge a sketch per hour instead of counting keys;
--   top_days        each closed day's top keys per kind, from its hours;
--   top_cuts        what summarising left out: once an hour (or day) has closed, its top_hours rows are
--                   cut to the top keys per kind, and the largest count and amount of a key cut is
--                   kept, bounding the error of a list read from the summaries (Space-Saving's
--                   mergeable summaries: Agarwal et al., "Mergeable summaries", PODS 2012).
DROP TRIGGER IF EXISTS events_rollup_minute;
DROP TRIGGER IF EXISTS events_rollup_port_stats;
DROP TRIGGER IF EXISTS events_rollup_scan;
DROP TRIGGER IF EXISTS events_rollup_login;
DROP TRIGGER IF EXISTS events_rollup_command;

CREATE TABLE event_hours (
    type TEXT NOT NULL,
    hour BIGINT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (hour, type)
) WITHOUT ROWID;

INSERT INTO event_hours (type, hour, count)
SELECT type, minute - minute % 3600000000, sum(count) FROM event_minutes GROUP BY 1, 2;

CREATE TABLE source_sketches (
    hour BIGINT PRIMARY KEY,
    registers BLOB NOT NULL
);

INSERT INTO source_sketches (hour, registers)
SELECT hour, kansoku_hll(key) FROM top_hours WHERE kind = 'source' AND key != '' GROUP BY hour;

CREATE TABLE top_days (
    kind TEXT NOT NULL,
    day BIGINT NOT NULL,
    key TEXT NOT NULL,
    count INTEGER NOT NULL,
    amount INTEGER NOT NULL,
    PRIMARY KEY (kind, day, key)
) WITHOUT ROWID;

-- span: 'hour' or 'day'; period: its start. cut: keys left out; max_count, max_amount: the largest
-- of a key left out (every key not listed had at most these in that period).
CREATE TABLE top_cuts (
    kind TEXT NOT NULL,
    span TEXT NOT NULL,
    period BIGINT NOT NULL,
    cut INTEGER NOT NULL,
    max_count INTEGER NOT NULL,
    max_amount INTEGER NOT NULL,
    PRIMARY KEY (kind, span, period)
) WITHOUT ROWID;
