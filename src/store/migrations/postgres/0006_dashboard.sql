-- PostgreSQL dialect of ../0006_dashboard.sql: the typed columns of `events` the dashboard reads, and the
-- rollups per minute and per hour. Differences from SQLite, each for ingest speed:
-- * `addr`, `port`, `session`, `sha256`, `family` are plain columns the store fills from the event it
--   appends (store/event_columns.h computes them as SQLite's generated columns do), so the server parses
--   no JSON per row;
-- * the rollups are kept by one statement-level trigger per insert or COPY that aggregates the batch
--   (transition table `new_events`), not a trigger per row.
-- A PostgreSQL database gets its schema from these files all at once when it is created, so there are no
-- earlier rows to backfill.
ALTER TABLE events ADD COLUMN addr BYTEA;

ALTER TABLE events ADD COLUMN port INTEGER;

ALTER TABLE events ADD COLUMN session TEXT;

ALTER TABLE events ADD COLUMN sha256 TEXT;

ALTER TABLE events ADD COLUMN family TEXT;

CREATE INDEX events_addr_ts ON events (addr, ts) WHERE addr IS NOT NULL;

CREATE INDEX events_port_ts ON events (port, ts) WHERE port IS NOT NULL;

CREATE INDEX events_session ON events (session) WHERE session IS NOT NULL;

CREATE INDEX events_sha256 ON events (sha256) WHERE sha256 IS NOT NULL;

CREATE INDEX events_family_ts ON events (family, ts) WHERE family IS NOT NULL;

CREATE INDEX events_ts ON events (ts);

CREATE TABLE event_minutes (
    type TEXT NOT NULL,
    minute BIGINT NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (minute, type)
);

CREATE TABLE probe_minutes (
    minute BIGINT PRIMARY KEY,
    packets BIGINT NOT NULL,
    sources BIGINT NOT NULL
);

CREATE TABLE port_minutes (
    port INTEGER NOT NULL,
    proto TEXT NOT NULL,
    minute BIGINT NOT NULL,
    packets BIGINT NOT NULL,
    sources BIGINT NOT NULL,
    PRIMARY KEY (port, proto, minute)
);

CREATE TABLE top_hours (
    kind TEXT NOT NULL,
    hour BIGINT NOT NULL,
    key TEXT NOT NULL,
    count BIGINT NOT NULL,
    amount BIGINT NOT NULL,
    PRIMARY KEY (kind, hour, key)
);

-- The rows of one INSERT or COPY, added to the rollups. Keys are built as SQLite's triggers build them
-- (a credential is the compact JSON array [username, password]); rows without the key's fields are left
-- out rather than failing the batch.
CREATE FUNCTION events_rollup() RETURNS trigger LANGUAGE plpgsql AS $rollup$
BEGIN
    INSERT INTO event_minutes (type, minute, count)
    SELECT type, ts - ts % 60000000, count(*) FROM new_events GROUP BY 1, 2
    ON CONFLICT (minute, type) DO UPDATE SET count = event_minutes.count + excluded.count;

    CREATE TEMP TABLE IF NOT EXISTS rollup_rows (type TEXT, ts BIGINT, j JSONB) ON COMMIT DELETE ROWS;
    TRUNCATE rollup_rows;
    INSERT INTO rollup_rows
    SELECT type, ts, body::jsonb FROM new_events
    WHERE type IN ('darknet.port_stats', 'darknet.scan', 'honeypot.login', 'honeypot.command');

    INSERT INTO probe_minutes (minute, packets, sources)
    SELECT ts - ts % 60000000, sum(coalesce((j->>'packets')::bigint, 0)), sum(coalesce((j->>'sources')::bigint, 0))
    FROM rollup_rows WHERE type = 'darknet.port_stats' GROUP BY 1
    ON CONFLICT (minute) DO UPDATE SET packets = probe_minutes.packets + excluded.packets,
                                       sources = probe_minutes.sources + excluded.sources;

    INSERT INTO port_minutes (port, proto, minute, packets, sources)
    SELECT (j->>'port')::integer, j->>'proto', ts - ts % 60000000, sum(coalesce((j->>'packets')::bigint, 0)),
           sum(coalesce((j->>'sources')::bigint, 0))
    FROM rollup_rows WHERE type = 'darknet.port_stats' AND j->>'port' IS NOT NULL AND j->>'proto' IS NOT NULL
    GROUP BY 1, 2, 3
    ON CONFLICT (port, proto, minute) DO UPDATE SET packets = port_minutes.packets + excluded.packets,
                                                    sources = port_minutes.sources + excluded.sources;

    INSERT INTO top_hours (kind, hour, key, count, amount)
    SELECT kind, ts - ts % 3600000000, key, sum(count), sum(amount) FROM (
        SELECT 'port' AS kind, ts, (j->>'proto') || '/' || (j->>'port') AS key,
               coalesce((j->>'sources')::bigint, 0) AS count, coalesce((j->>'packets')::bigint, 0) AS amount
        FROM rollup_rows WHERE type = 'darknet.port_stats'
        UNION ALL
        SELECT 'source', ts, coalesce(j->>'src', ''), 1, coalesce((j->>'packets')::bigint, 0)
        FROM rollup_rows WHERE type = 'darknet.scan'
        UNION ALL
        SELECT 'tool', ts, coalesce(j->>'tool', 'unknown'), 1, coalesce((j->>'packets')::bigint, 0)
        FROM rollup_rows WHERE type = 'darknet.scan'
        UNION ALL
        SELECT 'credential', ts,
               '[' || to_json(coalesce(j->>'username', ''))::text || ',' || to_json(coalesce(j->>'password', ''))::text
                   || ']',
               1, CASE WHEN j->'success' = 'true'::jsonb OR j->'success' = '1'::jsonb THEN 1 ELSE 0 END
        FROM rollup_rows WHERE type = 'honeypot.login'
        UNION ALL
        SELECT 'command', ts, j->>'input', 1, 0 FROM rollup_rows WHERE type = 'honeypot.command'
    ) AS tops WHERE key IS NOT NULL GROUP BY 1, 2, 3
    ON CONFLICT (kind, hour, key) DO UPDATE SET count = top_hours.count + excluded.count,
                                                amount = top_hours.amount + excluded.amount;
    RETURN NULL;
END
$rollup$;

CREATE TRIGGER events_rollup AFTER INSERT ON events REFERENCING NEW TABLE AS new_events
FOR EACH STATEMENT EXECUTE FUNCTION events_rollup();
