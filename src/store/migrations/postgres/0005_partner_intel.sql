-- PostgreSQL dialect of ../0005_partner_intel.sql: partners' intelligence, and indexes for TAXII pages.
CREATE TABLE partner_objects (
    feed TEXT NOT NULL,
    id TEXT NOT NULL,
    type TEXT NOT NULL,
    version_us BIGINT NOT NULL,
    tlp TEXT NOT NULL,
    fetched BIGINT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (feed, id)
);

CREATE INDEX partner_objects_type ON partner_objects (type);

CREATE TABLE partner_indicators (
    feed TEXT NOT NULL,
    indicator_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    name TEXT NOT NULL,
    tlp TEXT NOT NULL,
    valid_from BIGINT NOT NULL,
    valid_until BIGINT NOT NULL,
    modified BIGINT NOT NULL,
    PRIMARY KEY (feed, indicator_id, kind, value)
);

CREATE TABLE partner_sightings (
    feed TEXT NOT NULL,
    indicator_id TEXT NOT NULL,
    observed_as TEXT NOT NULL,
    count BIGINT NOT NULL,
    first_seen BIGINT NOT NULL,
    last_seen BIGINT NOT NULL,
    tlp TEXT NOT NULL,
    PRIMARY KEY (feed, indicator_id, observed_as)
);

CREATE TABLE sharing_feeds (
    name TEXT PRIMARY KEY,
    added_after TEXT NOT NULL,
    last_attempt BIGINT NOT NULL,
    last_success BIGINT NOT NULL,
    objects BIGINT NOT NULL,
    refused BIGINT NOT NULL,
    last_error TEXT NOT NULL
);

CREATE INDEX sharing_objects_seq ON sharing_objects (collection, seq);

ALTER TABLE sharing_objects ADD COLUMN superseded INTEGER NOT NULL DEFAULT 0;

UPDATE sharing_objects SET superseded = 1 WHERE EXISTS (SELECT 1 FROM sharing_objects n WHERE
    n.collection = sharing_objects.collection AND n.id = sharing_objects.id AND n.version_us > sharing_objects.version_us);

CREATE INDEX sharing_objects_date_added ON sharing_objects (date_added);

ALTER TABLE infected_hosts ADD COLUMN partner_intel TEXT NOT NULL DEFAULT '';

ALTER TABLE c2 ADD COLUMN partner_intel TEXT NOT NULL DEFAULT '';
