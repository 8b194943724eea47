-- PostgreSQL dialect of ../0004_sharing.sql: partners, TAXII collections and objects, statuses, the log.
CREATE TABLE partners (
    name TEXT PRIMARY KEY,
    community TEXT NOT NULL,
    tlp TEXT NOT NULL,
    secret_hash TEXT NOT NULL UNIQUE,
    created BIGINT NOT NULL,
    rotated BIGINT NOT NULL
);

CREATE TABLE sharing_collections (
    community TEXT NOT NULL,
    name TEXT NOT NULL,
    id TEXT NOT NULL UNIQUE,
    PRIMARY KEY (community, name)
);

CREATE TABLE sharing_objects (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
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

CREATE TABLE sharing_status (
    id TEXT PRIMARY KEY,
    community TEXT NOT NULL,
    partner TEXT NOT NULL,
    created BIGINT NOT NULL,
    body TEXT NOT NULL
);

CREATE TABLE sharing_log (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ts BIGINT NOT NULL,
    recipient TEXT NOT NULL,
    community TEXT NOT NULL,
    channel TEXT NOT NULL,
    objects BIGINT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
);

CREATE INDEX sharing_log_ts ON sharing_log (ts);
