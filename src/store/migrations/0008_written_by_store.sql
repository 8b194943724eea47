-- The typed columns of migration 0006 (port, session, sha256, family) become plain columns the store
-- fills from the event (store/event_columns.h, as PostgresStore always did) instead of VIRTUAL columns
-- computed from the body. SQLite evaluates a virtual column's json_extract() for every partial index
-- on it at every insert, parsing the body again each time: with them the store inserted half as many
-- events per second (bench/store_ingest_bench, issue 14 "Speed"). Same names, same indexes, same
-- values, so every query reads them as before. Existing rows are filled once here by the 0006 rules.
DROP INDEX events_port_ts;
DROP INDEX events_session;
DROP INDEX events_sha256;
DROP INDEX events_family_ts;

ALTER TABLE events DROP COLUMN port;
ALTER TABLE events DROP COLUMN session;
ALTER TABLE events DROP COLUMN sha256;
ALTER TABLE events DROP COLUMN family;

ALTER TABLE events ADD COLUMN port INTEGER;
ALTER TABLE events ADD COLUMN session TEXT;
ALTER TABLE events ADD COLUMN sha256 TEXT;
ALTER TABLE events ADD COLUMN family TEXT;

UPDATE events SET
    port = CASE
        WHEN type = 'darknet.scan' THEN json_extract(body, '$.dst_ports[0].port')
        WHEN type = 'darknet.port_stats' THEN json_extract(body, '$.port')
        WHEN type = 'ddos.attack' THEN coalesce(json_extract(body, '$.dst_port'), json_extract(body, '$.ports[0].port'))
        WHEN type LIKE 'honeypot.%' THEN json_extract(body, '$.dst_port')
    END,
    session = CASE WHEN type LIKE 'honeypot.%' THEN json_extract(body, '$.session') END,
    sha256 = CASE WHEN type IN ('sample', 'sandbox.report', 'honeypot.download') THEN json_extract(body, '$.sha256') END,
    family = CASE WHEN type IN ('intel.infected_host', 'intel.c2') THEN json_extract(body, '$.family') END
WHERE type IN ('darknet.scan', 'darknet.port_stats', 'ddos.attack', 'sample', 'sandbox.report', 'intel.infected_host',
               'intel.c2') OR type LIKE 'honeypot.%';

CREATE INDEX events_port_ts ON events (port, ts) WHERE port IS NOT NULL;
CREATE INDEX events_session ON events (session) WHERE session IS NOT NULL;
CREATE INDEX events_sha256 ON events (sha256) WHERE sha256 IS NOT NULL;
CREATE INDEX events_family_ts ON events (family, ts) WHERE family IS NOT NULL;

-- Queries of one subject (an address) go through events_addr_ts (store/event_select.cpp), so 0001's index on
-- the subject's text is one index too many for every insert.
DROP INDEX events_subject;
