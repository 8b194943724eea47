-- ISP reports (issue 11 item 5): each report as it was written (CSV or X-ARF), for one ISP and one
-- period [since, until), kept for download from the API; and every attempt to mail it. A report
-- keeps its ISP's name after the ISP is removed: it is what was sent. Times are microseconds.
CREATE TABLE reports (
    id INTEGER PRIMARY KEY,
    isp TEXT NOT NULL,
    created BIGINT NOT NULL,
    since BIGINT NOT NULL,
    until BIGINT NOT NULL,
    format TEXT NOT NULL,
    name TEXT NOT NULL,
    body BLOB NOT NULL,
    hosts INTEGER NOT NULL
);

CREATE INDEX reports_isp_until ON reports (isp, until);

-- One row per SMTP attempt (outcome 'sent' or 'failed') or per decision not to mail ('suppressed').
CREATE TABLE deliveries (
    report INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    attempt INTEGER NOT NULL,
    ts BIGINT NOT NULL,
    recipient TEXT NOT NULL,
    outcome TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (report, attempt)
);
