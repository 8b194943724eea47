-- Partners' intelligence (issue 12 item 4), and indexes for TAXII pages: what kansoku pulled from partners' TAXII collections and MISP
-- feeds, the indicator values it matches its own observations against, its sightings of them, and where
-- each feed's pulls stand. Times are microseconds since the epoch, UTC.

-- The latest version kansoku holds of each object of each feed, as the partner wrote it.
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

-- One value of one partner indicator (an indicator whose pattern names several values has several rows).
-- kind: ipv4, ipv4-net, domain, sha256.
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

-- kansoku's own sightings of partner indicators, shared back as STIX sightings.
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

-- Where each feed's pulls stand.
CREATE TABLE sharing_feeds (
    name TEXT PRIMARY KEY,
    added_after TEXT NOT NULL,
    last_attempt BIGINT NOT NULL,
    last_success BIGINT NOT NULL,
    objects BIGINT NOT NULL,
    refused BIGINT NOT NULL,
    last_error TEXT NOT NULL
);

-- TAXII pages of the collections (migration 0004): a page is the next `limit` objects of one
-- collection by seq, so (collection, seq) lets it stop after them instead of sorting the whole collection;
-- date_added (which grows with seq) turns added_after into a seq to start from.
CREATE INDEX sharing_objects_seq ON sharing_objects (collection, seq);
-- 1 when a newer version of the object is in the collection: the usual page (the last version of each
-- object) then needs the per-row "latest version the caller may see" lookup only for these rows.
ALTER TABLE sharing_objects ADD COLUMN superseded INTEGER NOT NULL DEFAULT 0;
UPDATE sharing_objects SET superseded = 1 WHERE EXISTS (SELECT 1 FROM sharing_objects n WHERE
    n.collection = sharing_objects.collection AND n.id = sharing_objects.id AND n.version_us > sharing_objects.version_us);
CREATE INDEX sharing_objects_date_added ON sharing_objects (date_added);

-- Partners' indicators that name an infected host or a C2 endpoint: a JSON array of
-- {"feed", "indicator_id", "name", "tlp"}, '' for none.
ALTER TABLE infected_hosts ADD COLUMN partner_intel TEXT NOT NULL DEFAULT '';
ALTER TABLE c2 ADD COLUMN partner_intel TEXT NOT NULL DEFAULT '';
