-- PostgreSQL dialect of ../0001_events.sql (same version, same tables and columns): events, one row per
-- event. `id` numbers rows in insertion order (SQLite's INTEGER PRIMARY KEY does it by itself).
CREATE TABLE events (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    type TEXT NOT NULL,
    ts BIGINT NOT NULL,
    sensor TEXT NOT NULL,
    subject TEXT,
    body TEXT NOT NULL
);

CREATE INDEX events_type_ts ON events (type, ts);

CREATE INDEX events_subject ON events (subject);
