-- International sharing (issue 12): partners of sharing communities, the STIX objects each community's
-- TAXII 2.1 API root serves, the status of partners' contributions, and what was shared with whom.
-- Times are microseconds since the epoch, UTC.

-- A partner: one organisation in one community, with the highest TLP it may receive. Only the SHA-256 of
-- its secret is kept (the secret is 256 random bits, printed once by `kansoku partner add`).
CREATE TABLE partners (
    name TEXT PRIMARY KEY,
    community TEXT NOT NULL,
    tlp TEXT NOT NULL,
    secret_hash TEXT NOT NULL UNIQUE,
    created BIGINT NOT NULL,
    rotated BIGINT NOT NULL
);

-- A collection of a community's API root. Its id is a random UUID made once, so partners' saved URLs stay
-- valid for the life of the database.
CREATE TABLE sharing_collections (
    community TEXT NOT NULL,
    name TEXT NOT NULL,
    id TEXT NOT NULL UNIQUE,
    PRIMARY KEY (community, name)
);

-- One version of one STIX object in one collection. `seq` orders the collection as objects were added;
-- `date_added` never goes backwards within the table, so paging by seq is paging by date_added. `version`
-- is the object's `modified` (else `created`, else date_added) as written; `version_us` orders versions.
CREATE TABLE sharing_objects (
    seq INTEGER PRIMARY KEY,
    collection TEXT NOT NULL,
    id TEXT NOT NULL,
    type TEXT NOT NULL,
    version TEXT NOT NULL,
    version_us BIGINT NOT NULL,
    spec_version TEXT NOT NULL,
    tlp TEXT NOT NULL,
    date_added BIGINT NOT NULL,
    source TEXT NOT NULL,
    body TEXT NOT NULL,
    UNIQUE (collection, id, version_us)
);

CREATE INDEX sharing_objects_id ON sharing_objects (collection, id, version_us);

-- The status resource of a partner's POST (TAXII 2.1 section 4.3).
CREATE TABLE sharing_status (
    id TEXT PRIMARY KEY,
    community TEXT NOT NULL,
    partner TEXT NOT NULL,
    created BIGINT NOT NULL,
    body TEXT NOT NULL
);

-- What left the system: one row per answer or export that carried objects to someone.
CREATE TABLE sharing_log (
    seq INTEGER PRIMARY KEY,
    ts BIGINT NOT NULL,
    recipient TEXT NOT NULL,
    community TEXT NOT NULL,
    channel TEXT NOT NULL,
    objects INTEGER NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
);

CREATE INDEX sharing_log_ts ON sharing_log (ts);
