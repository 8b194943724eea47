-- PostgreSQL dialect of ../0003_reports.sql: ISP reports (the file's bytes in BYTEA) and their deliveries.
CREATE TABLE reports (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    isp TEXT NOT NULL,
    created BIGINT NOT NULL,
    since BIGINT NOT NULL,
    until BIGINT NOT NULL,
    format TEXT NOT NULL,
    name TEXT NOT NULL,
    body BYTEA NOT NULL,
    hosts INTEGER NOT NULL
);

CREATE INDEX reports_isp_until ON reports (isp, until);

CREATE TABLE deliveries (
    report BIGINT NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    attempt INTEGER NOT NULL,
    ts BIGINT NOT NULL,
    recipient TEXT NOT NULL,
    outcome TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (report, attempt)
);
