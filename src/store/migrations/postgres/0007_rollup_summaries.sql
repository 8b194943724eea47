-- The tables of SQLite's migration 0007 (see migrations/0007_rollup_summaries.sql), so both schemas
-- stay at one version. On PostgreSQL the 0006 rollups are still kept by the statement-level trigger of
-- 0006_dashboard.sql; these tables are not filled yet (the dashboard API is SQLite-only so far).
CREATE TABLE event_hours (
    type TEXT NOT NULL,
    hour BIGINT NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (hour, type)
);

CREATE TABLE source_sketches (
    hour BIGINT PRIMARY KEY,
    registers BYTEA NOT NULL
);

CREATE TABLE top_days (
    kind TEXT NOT NULL,
    day BIGINT NOT NULL,
    key TEXT NOT NULL,
    count BIGINT NOT NULL,
    amount BIGINT NOT NULL,
    PRIMARY KEY (kind, day, key)
);

CREATE TABLE top_cuts (
    kind TEXT NOT NULL,
    span TEXT NOT NULL,
    period BIGINT NOT NULL,
    cut BIGINT NOT NULL,
    max_count BIGINT NOT NULL,
    max_amount BIGINT NOT NULL,
    PRIMARY KEY (kind, span, period)
);
