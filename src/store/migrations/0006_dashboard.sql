-- What the dashboard and its REST API read (issue 13 item 4), so that its views stay fast at ten
-- million events: typed columns of `events` with their indexes, and rollups per minute and per hour
-- kept by triggers as rows are inserted. Times are microseconds since the epoch (UTC); a minute
-- bucket is ts - ts % 60000000, an hour bucket ts - ts % 3600000000.

-- The event's main address (`subject`) in the 16-byte form of infected_hosts.addr (IPv4 mapped into
-- IPv6), so a prefix is a byte range. kansoku_addr() is a function every kansoku connection registers
-- (store/address_function.h); the insert statement fills the column with it.
ALTER TABLE events ADD COLUMN addr BLOB;

UPDATE events SET addr = kansoku_addr(subject) WHERE subject IS NOT NULL;

CREATE INDEX events_addr_ts ON events (addr, ts) WHERE addr IS NOT NULL;

-- Typed columns computed from the body (virtual: nothing more is stored in the row; their partial
-- indexes keep the values). `port` is the destination port an event is about: a honeypot's or
-- reflector's dst_port, a port_stats row's port, a scan's most-probed port, an attack's first port.
ALTER TABLE events ADD COLUMN port INTEGER GENERATED ALWAYS AS (
    CASE
        WHEN type = 'darknet.scan' THEN json_extract(body, '$.dst_ports[0].port')
        WHEN type = 'darknet.port_stats' THEN json_extract(body, '$.port')
        WHEN type = 'ddos.attack' THEN coalesce(json_extract(body, '$.dst_port'), json_extract(body, '$.ports[0].port'))
        WHEN type LIKE 'honeypot.%' THEN json_extract(body, '$.dst_port')
    END) VIRTUAL;

ALTER TABLE events ADD COLUMN session TEXT GENERATED ALWAYS AS (
    CASE WHEN type LIKE 'honeypot.%' THEN json_extract(body, '$.session') END) VIRTUAL;

ALTER TABLE events ADD COLUMN sha256 TEXT GENERATED ALWAYS AS (
    CASE WHEN type IN ('sample', 'sandbox.report', 'honeypot.download') THEN json_extract(body, '$.sha256') END) VIRTUAL;

ALTER TABLE events ADD COLUMN family TEXT GENERATED ALWAYS AS (
    CASE WHEN type IN ('intel.infected_host', 'intel.c2') THEN json_extract(body, '$.family') END) VIRTUAL;

CREATE INDEX events_port_ts ON events (port, ts) WHERE port IS NOT NULL;

CREATE INDEX events_session ON events (session) WHERE session IS NOT NULL;

CREATE INDEX events_sha256 ON events (sha256) WHERE sha256 IS NOT NULL;

CREATE INDEX events_family_ts ON events (family, ts) WHERE family IS NOT NULL;

CREATE INDEX events_ts ON events (ts);

-- Events per type per minute: the overview and the count series.
CREATE TABLE event_minutes (
    type TEXT NOT NULL,
    minute BIGINT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (minute, type)
) WITHOUT ROWID;

-- Darknet probes per minute over all ports (sum of port_stats packets, and of their per-minute sources).
CREATE TABLE probe_minutes (
    minute BIGINT PRIMARY KEY,
    packets INTEGER NOT NULL,
    sources INTEGER NOT NULL
) WITHOUT ROWID;

-- The same per port and protocol: the per-port series.
CREATE TABLE port_minutes (
    port INTEGER NOT NULL,
    proto TEXT NOT NULL,
    minute BIGINT NOT NULL,
    packets INTEGER NOT NULL,
    sources INTEGER NOT NULL,
    PRIMARY KEY (port, proto, minute)
) WITHOUT ROWID;

-- Top lists per hour: kind 'source' (scan records per src, amount = probes), 'tool' (scan records per
-- tool, amount = probes), 'port' ('proto/port': count = source-minutes, amount = probes), 'credential'
-- (json_array(username, password): count = logins, amount = successes), 'command' (the line).
CREATE TABLE top_hours (
    kind TEXT NOT NULL,
    hour BIGINT NOT NULL,
    key TEXT NOT NULL,
    count INTEGER NOT NULL,
    amount INTEGER NOT NULL,
    PRIMARY KEY (kind, hour, key)
) WITHOUT ROWID;

-- Existing rows, once.
INSERT INTO event_minutes (type, minute, count)
SELECT type, ts - ts % 60000000, count(*) FROM events GROUP BY 1, 2;

INSERT INTO probe_minutes (minute, packets, sources)
SELECT ts - ts % 60000000, sum(json_extract(body, '$.packets')), sum(json_extract(body, '$.sources'))
FROM events WHERE type = 'darknet.port_stats' GROUP BY 1;

INSERT INTO port_minutes (port, proto, minute, packets, sources)
SELECT json_extract(body, '$.port'), json_extract(body, '$.proto'), ts - ts % 60000000,
       sum(json_extract(body, '$.packets')), sum(json_extract(body, '$.sources'))
FROM events WHERE type = 'darknet.port_stats' GROUP BY 1, 2, 3;

INSERT INTO top_hours (kind, hour, key, count, amount)
SELECT 'source', ts - ts % 3600000000, json_extract(body, '$.src'), count(*), sum(json_extract(body, '$.packets'))
FROM events WHERE type = 'darknet.scan' AND json_extract(body, '$.src') IS NOT NULL GROUP BY 2, 3;

INSERT INTO top_hours (kind, hour, key, count, amount)
SELECT 'tool', ts - ts % 3600000000, coalesce(json_extract(body, '$.tool'), 'unknown'), count(*),
       sum(json_extract(body, '$.packets'))
FROM events WHERE type = 'darknet.scan' GROUP BY 2, 3;

INSERT INTO top_hours (kind, hour, key, count, amount)
SELECT 'port', ts - ts % 3600000000, json_extract(body, '$.proto') || '/' || json_extract(body, '$.port'),
       sum(json_extract(body, '$.sources')), sum(json_extract(body, '$.packets'))
FROM events WHERE type = 'darknet.port_stats' GROUP BY 2, 3;

INSERT INTO top_hours (kind, hour, key, count, amount)
SELECT 'credential', ts - ts % 3600000000,
       json_array(coalesce(json_extract(body, '$.username'), ''), coalesce(json_extract(body, '$.password'), '')),
       count(*), coalesce(sum(json_extract(body, '$.success') = 1), 0)
FROM events WHERE type = 'honeypot.login' GROUP BY 2, 3;

INSERT INTO top_hours (kind, hour, key, count, amount)
SELECT 'command', ts - ts % 3600000000, json_extract(body, '$.input'), count(*), 0
FROM events WHERE type = 'honeypot.command' AND json_extract(body, '$.input') IS NOT NULL GROUP BY 2, 3;

-- New rows, as they come.
CREATE TRIGGER events_rollup_minute AFTER INSERT ON events
BEGIN
    INSERT INTO event_minutes (type, minute, count) VALUES (NEW.type, NEW.ts - NEW.ts % 60000000, 1)
    ON CONFLICT (minute, type) DO UPDATE SET count = count + 1;
END;

CREATE TRIGGER events_rollup_port_stats AFTER INSERT ON events WHEN NEW.type = 'darknet.port_stats'
BEGIN
    INSERT INTO probe_minutes (minute, packets, sources)
    VALUES (NEW.ts - NEW.ts % 60000000, coalesce(json_extract(NEW.body, '$.packets'), 0),
            coalesce(json_extract(NEW.body, '$.sources'), 0))
    ON CONFLICT (minute) DO UPDATE SET packets = packets + excluded.packets, sources = sources + excluded.sources;
    INSERT INTO port_minutes (port, proto, minute, packets, sources)
    VALUES (json_extract(NEW.body, '$.port'), json_extract(NEW.body, '$.proto'), NEW.ts - NEW.ts % 60000000,
            coalesce(json_extract(NEW.body, '$.packets'), 0), coalesce(json_extract(NEW.body, '$.sources'), 0))
    ON CONFLICT (port, proto, minute) DO UPDATE SET packets = packets + excluded.packets,
                                                    sources = sources + excluded.sources;
    INSERT INTO top_hours (kind, hour, key, count, amount)
    VALUES ('port', NEW.ts - NEW.ts % 3600000000,
            json_extract(NEW.body, '$.proto') || '/' || json_extract(NEW.body, '$.port'),
            coalesce(json_extract(NEW.body, '$.sources'), 0), coalesce(json_extract(NEW.body, '$.packets'), 0))
    ON CONFLICT (kind, hour, key) DO UPDATE SET count = count + excluded.count, amount = amount + excluded.amount;
END;

CREATE TRIGGER events_rollup_scan AFTER INSERT ON events WHEN NEW.type = 'darknet.scan'
BEGIN
    INSERT INTO top_hours (kind, hour, key, count, amount)
    VALUES ('source', NEW.ts - NEW.ts % 3600000000, coalesce(json_extract(NEW.body, '$.src'), ''), 1,
            coalesce(json_extract(NEW.body, '$.packets'), 0))
    ON CONFLICT (kind, hour, key) DO UPDATE SET count = count + 1, amount = amount + excluded.amount;
    INSERT INTO top_hours (kind, hour, key, count, amount)
    VALUES ('tool', NEW.ts - NEW.ts % 3600000000, coalesce(json_extract(NEW.body, '$.tool'), 'unknown'), 1,
            coalesce(json_extract(NEW.body, '$.packets'), 0))
    ON CONFLICT (kind, hour, key) DO UPDATE SET count = count + 1, amount = amount + excluded.amount;
END;

CREATE TRIGGER events_rollup_login AFTER INSERT ON events WHEN NEW.type = 'honeypot.login'
BEGIN
    INSERT INTO top_hours (kind, hour, key, count, amount)
    VALUES ('credential', NEW.ts - NEW.ts % 3600000000,
            json_array(coalesce(json_extract(NEW.body, '$.username'), ''),
                       coalesce(json_extract(NEW.body, '$.password'), '')),
            1, coalesce(json_extract(NEW.body, '$.success') = 1, 0))
    ON CONFLICT (kind, hour, key) DO UPDATE SET count = count + 1, amount = amount + excluded.amount;
END;

CREATE TRIGGER events_rollup_command AFTER INSERT ON events
WHEN NEW.type = 'honeypot.command' AND json_extract(NEW.body, '$.input') IS NOT NULL
BEGIN
    INSERT INTO top_hours (kind, hour, key, count, amount)
    VALUES ('command', NEW.ts - NEW.ts % 3600000000, json_extract(NEW.body, '$.input'), 1, 0)
    ON CONFLICT (kind, hour, key) DO UPDATE SET count = count + 1;
END;
