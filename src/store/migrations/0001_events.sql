-- Events: one row per event (ARCHITECTURE.md "Events"). `body` is the whole event as one JSON line
-- (Event::toJsonLine); the other columns copy what queries filter on. `ts` is microseconds since
-- the Unix epoch (UTC); `subject` is the event's main address (src, victim or ip), if it has one.
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    type TEXT NOT NULL,
    ts BIGINT NOT NULL,
    sensor TEXT NOT NULL,
    subject TEXT,
    body TEXT NOT NULL
);

CREATE INDEX events_type_ts ON events (type, ts);

CREATE INDEX events_subject ON events (subject);
