-- The response side (issue 11): infected hosts and C2 found by correlation, ISP tenants and their
-- address space, subscriber feedback. Addresses are also kept as `addr`, the 16-byte IPv6 (or
-- IPv4-mapped) form, so a tenant's prefixes become byte ranges (`addr BETWEEN lo AND hi`);
-- timestamps are microseconds since the Unix epoch, lists are JSON arrays in TEXT.
CREATE TABLE infected_hosts (
    ip TEXT PRIMARY KEY,
    addr BLOB NOT NULL,
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
    -- the closed loop: new, notified, remediated, disputed, false_positive, reinfected
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

-- Command-and-control endpoints seen in sandbox reports: an address (with its port) or a domain.
CREATE TABLE c2 (
    kind TEXT NOT NULL,
    indicator TEXT NOT NULL,
    port INTEGER NOT NULL,
    addr BLOB,
    family TEXT NOT NULL,
    samples TEXT NOT NULL,
    first_seen BIGINT NOT NULL,
    last_seen BIGINT NOT NULL,
    PRIMARY KEY (kind, indicator, port)
);

-- ISP tenants. Only the SHA-256 of an API key is kept.
CREATE TABLE isps (
    name TEXT PRIMARY KEY,
    key_hash TEXT NOT NULL UNIQUE,
    abuse TEXT NOT NULL,
    lang TEXT NOT NULL,
    created BIGINT NOT NULL,
    key_rotated BIGINT NOT NULL
);

-- An ISP's address space: one prefix (lo..hi) or one ASN per row.
CREATE TABLE isp_networks (
    isp TEXT NOT NULL REFERENCES isps (name) ON DELETE CASCADE,
    prefix TEXT,
    lo BLOB,
    hi BLOB,
    asn BIGINT
);

CREATE INDEX isp_networks_isp ON isp_networks (isp);

-- What ISPs said about their hosts (POST /api/v1/isp/hosts/<ip>/feedback).
CREATE TABLE feedback (
    id INTEGER PRIMARY KEY,
    isp TEXT NOT NULL,
    ip TEXT NOT NULL,
    state TEXT NOT NULL,
    ts BIGINT NOT NULL,
    note TEXT NOT NULL DEFAULT ''
);

CREATE INDEX feedback_ip ON feedback (ip);
