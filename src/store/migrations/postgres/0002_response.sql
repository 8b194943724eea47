-- PostgreSQL dialect of ../0002_response.sql: infected hosts, C2, ISP tenants and their networks, feedback.
-- Addresses in `addr`, `lo`, `hi` are 16 bytes (BYTEA); isp_networks has an `id` so networks read back in
-- the order they were added (SQLite's rowid).
CREATE TABLE infected_hosts (
    ip TEXT PRIMARY KEY,
    addr BYTEA NOT NULL,
    asn BIGINT,
    as_name TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT '',
    family TEXT NOT NULL,
    confidence INTEGER NOT NULL,
    reasons TEXT NOT NULL,
    evidence TEXT NOT NULL,
    first_seen BIGINT NOT NULL,
    last_seen BIGINT NOT NULL,
    updated BIGINT NOT NULL,
    state TEXT NOT NULL DEFAULT 'new',
    state_changed BIGINT NOT NULL,
    notified_at BIGINT,
    remediated_at BIGINT,
    reinfections INTEGER NOT NULL DEFAULT 0,
    notice_token TEXT UNIQUE,
    notice_expires BIGINT
);

CREATE INDEX infected_hosts_addr ON infected_hosts (addr);

CREATE INDEX infected_hosts_asn ON infected_hosts (asn);

CREATE INDEX infected_hosts_last_seen ON infected_hosts (last_seen);

CREATE TABLE c2 (
    kind TEXT NOT NULL,
    indicator TEXT NOT NULL,
    port INTEGER NOT NULL,
    addr BYTEA,
    family TEXT NOT NULL,
    samples TEXT NOT NULL,
    first_seen BIGINT NOT NULL,
    last_seen BIGINT NOT NULL,
    PRIMARY KEY (kind, indicator, port)
);

CREATE TABLE isps (
    name TEXT PRIMARY KEY,
    key_hash TEXT NOT NULL UNIQUE,
    abuse TEXT NOT NULL,
    lang TEXT NOT NULL,
    created BIGINT NOT NULL,
    key_rotated BIGINT NOT NULL
);

CREATE TABLE isp_networks (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    isp TEXT NOT NULL REFERENCES isps (name) ON DELETE CASCADE,
    prefix TEXT,
    lo BYTEA,
    hi BYTEA,
    asn BIGINT
);

CREATE INDEX isp_networks_isp ON isp_networks (isp);

CREATE TABLE feedback (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    isp TEXT NOT NULL,
    ip TEXT NOT NULL,
    state TEXT NOT NULL,
    ts BIGINT NOT NULL,
    note TEXT NOT NULL DEFAULT ''
);

CREATE INDEX feedback_ip ON feedback (ip);
