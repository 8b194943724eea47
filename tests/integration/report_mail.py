"""ISP reports mailed to a real SMTP server on loopback (issue 11 item 5; docs/reports.md).

A database with two ISPs (disjoint prefixes) and infected hosts inside, between and outside them
(seeded through the store's interfaces by tests/e2e/seed_intel.cpp until correlation and
`kansoku isp` land), then:
  - `kansoku report isp isp-a --format csv --format xarf --send` to Debian's aiosmtpd: one mail
    arrives for isp-a's abuse address with the CSV and one X-ARF JSON per host attached; the CSV
    parses and holds exactly isp-a's hosts, one row each; the files are in --out; a 'sent' delivery;
  - a server that refuses (550): retried, each attempt recorded as failed, exit 1 within bounds;
  - a server that accepts and never answers: each attempt ends at [notify] timeout, exit 1 within
    (retries + 1) * timeout + backoffs + slack;
  - a suppressed address: no mail, a 'suppressed' delivery, exit 0;
  - `kansoku serve` with the schedule: an ISP whose report is due gets it mailed; a restart does not
    repeat it; GET /api/v1/isp/reports (admin key) lists the reports, /{id} downloads the CSV.
  - STARTTLS: offered by the server, the mail goes over TLS with the certificate verified against
    [notify] ca_file; an unknown CA is refused; require_tls refuses a server without STARTTLS.
Needs python3-aiosmtpd for /usr/bin/python3, curl and openssl; otherwise exits 77 (skipped).
"""

import csv
import datetime
import email
import email.policy
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import integ_common as ic  # noqa: E402
import store_choice  # noqa: E402

SINK = Path(__file__).resolve().parent / "smtp_sink.py"
SYSTEM_PYTHON = "/usr/bin/python3"
ADMIN_KEY = "integ-admin-key-0123456789"

# ISP A: 192.0.2.0/25 and AS64500; ISP B: 192.0.2.128/25.
HOSTS = [  # ip, asn, family, hours ago last seen
    ("192.0.2.10", None, "mirai", 1),
    ("192.0.2.11", None, "=HYPERLINK(\"http://evil.example\")", 2),
    ("198.51.100.7", 64500, "gafgyt", 3),   # isp-a's by its AS
    ("192.0.2.20", None, "mirai", 72),      # isp-a's, seen before the period
    ("192.0.2.200", None, "mirai", 1),      # isp-b's
    ("203.0.113.9", 64999, "mirai", 1),     # nobody's
]
A_HOSTS = {"192.0.2.10", "192.0.2.11", "198.51.100.7"}


def write_config(work: Path, db: store_choice.TestStore, name: str, notify: str, web_port: int = 0) -> Path:
    path = work / f"{name}.toml"
    path.write_text(f"""[storage]
data_dir = "{work / 'var'}"
{db.storage_toml()}events_jsonl = ""
[web]
port = {web_port}
access_log = ""
admin_key = "{ADMIN_KEY}"
[notify]
from = "reports@cert.example"
reporter_org = "Integration CERT"
reporter_domain = "cert.example"
{notify}
""")
    return path


def rfc3339(seconds: float) -> str:
    return datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def seed_database(seed_tool: str, work: Path) -> store_choice.TestStore:
    """Two ISPs and the hosts, through the store's own interfaces (tests/e2e/seed_intel.cpp). isp-a was
    added two minutes ago (its first scheduled report is due), isp-b is added in an hour (not due)."""
    (work / "var").mkdir(exist_ok=True)
    db = store_choice.TestStore(work / "var" / "kansoku.db", "report_mail")
    now = time.time()
    seed = {
        "isps": [{"name": "isp-a", "lang": "ja", "prefixes": ["192.0.2.0/25"], "asns": [64500],
                  "created": rfc3339(now - 120)},
                 {"name": "isp-b", "lang": "en", "prefixes": ["192.0.2.128/25"], "created": rfc3339(now + 3600)}],
        "hosts": [{"ip": ip, "family": family, "country": "JP", "first_seen": rfc3339(now - hours * 3600 - 3600),
                   "last_seen": rfc3339(now - hours * 3600), "evidence": ["darknet.scan", "honeypot.login"],
                   "refs": ["tcp/23", "s1"], **({"asn": asn} if asn else {})}
                  for ip, asn, family, hours in HOSTS],
    }
    (work / "seed.json").write_text(json.dumps(seed))
    r = ic.run([seed_tool, db.location, work / "seed.json"], timeout=30)
    if r.returncode != 0:
        raise RuntimeError(f"seeding failed: {r.stderr}")
    return db


class Sink:
    def __init__(self, mode: str, work: Path, prepare=None):
        self.port = ic.free_port()
        self.dir = work / f"mail-{mode}"
        self.dir.mkdir(exist_ok=True)
        if prepare:
            prepare(self.dir)
        self.process = subprocess.Popen([SYSTEM_PYTHON, str(SINK), mode, str(self.port), str(self.dir)],
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.ready = self.process.stdout.readline().strip() == "ready"

    def mails(self):
        return sorted(self.dir.glob("*.eml"), key=lambda p: int(p.stem))

    def stop(self):
        ic.stop_process(self.process)


def deliveries(db: store_choice.TestStore, isp: str):
    return db.rows("SELECT r.id, r.format, d.attempt, d.outcome, d.detail FROM deliveries d "
                   "JOIN reports r ON r.id = d.report WHERE r.isp = ? ORDER BY r.id, d.attempt", (isp,))


def clear_reports(db: store_choice.TestStore):
    db.rows("DELETE FROM deliveries")
    db.rows("DELETE FROM reports")


def attachments(message):
    return [(part.get_filename(), part.get_content_type(), part.get_payload(decode=True))
            for part in message.iter_attachments()]


def check_sent(kansoku, work, checks, sink, db) -> store_choice.TestStore:
    config = write_config(work, db, "accept", f'smtp_url = "smtp://127.0.0.1:{sink.port}"\ntimeout = "5s"\n')
    out = work / "out"
    r = ic.run([kansoku, "report", "isp", "isp-a", "--since", "24h", "--format", "csv", "--format", "xarf",
                "--out", out, "--send", "--config", config], timeout=60)
    checks.check(r.returncode == 0 and "mail: sent to abuse@isp-a.example after 1 attempt(s)" in r.stdout,
                 "report isp --send: exit 0, mail sent", r.stdout + r.stderr)
    mails = sink.mails()
    if not checks.check(len(mails) == 1, "one grouped mail arrives at the SMTP server", str(mails)):
        return db
    envelope = (sink.dir / "1.rcpt").read_text().split("\n")
    checks.check(envelope[0] == "abuse@isp-a.example" and envelope[1] == "reports@cert.example",
                 "envelope: to isp-a's abuse address, from [notify] from", str(envelope))
    message = email.message_from_bytes(mails[0].read_bytes(), policy=email.policy.default)
    checks.check("感染ホスト" in str(message["subject"]), "subject in the ISP's language (ja)", str(message["subject"]))
    body = message.get_body(("plain",))
    checks.check(body is not None and "貴社ネットワーク" in body.get_content(), "Japanese text body")
    files = attachments(message)
    csvs = [f for f in files if f[1] == "text/csv"]
    xarfs = [f for f in files if f[1] == "application/json"]
    if not checks.check(len(csvs) == 1, "the CSV is attached", str([(f[0], f[1]) for f in files])):
        return db
    rows = list(csv.DictReader(io.StringIO(csvs[0][2].decode("utf-8"), newline="")))
    ips = [row["ip"] for row in rows]
    checks.check(sorted(ips) == sorted(A_HOSTS), "the CSV parses and holds exactly isp-a's hosts seen in 24h, once each",
                 str(ips))
    checks.check(list(rows[0].keys())[:6] == ["timestamp", "ip", "port", "asn", "geo", "protocol"]
                 and all(r["port"] == "23" and r["protocol"] == "tcp" for r in rows), "Shadowserver-style columns",
                 str(rows[:1]))
    hostile = [r for r in rows if r["ip"] == "192.0.2.11"]
    checks.check(bool(hostile) and hostile[0]["family"].startswith("'="), "a formula in a family is quoted away",
                 str(hostile))
    docs = [json.loads(f[2]) for f in xarfs]
    checks.check(len(docs) == len(A_HOSTS) and {d["source_identifier"] for d in docs} == A_HOSTS
                 and all(d["xarf_version"] == "4.0.0" and d["category"] == "connection" and d["type"] == "infected_host"
                         for d in docs), "one X-ARF v4 infected_host report per host attached", str(docs[:1]))
    written = sorted(p.name for p in out.iterdir())
    checks.check(len([n for n in written if n.endswith(".csv")]) == 1 and
                 len([n for n in written if n.endswith(".xarf.json")]) == len(A_HOSTS),
                 "report files written to --out", str(written))
    d = deliveries(db, "isp-a")
    checks.check([row[3] for row in d] == ["sent", "sent"], "a 'sent' delivery recorded for the CSV and X-ARF reports",
                 str(d))
    clear_reports(db)
    return db


def make_certificate(directory: Path) -> None:
    ic.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
            "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", directory / "key.pem",
            "-out", directory / "cert.pem"], timeout=60)


def check_starttls(kansoku, work, checks, db, plain: Sink) -> None:
    """STARTTLS with a server that offers (and requires) it; the certificate is verified; require_tls
    refuses a server that does not offer it."""
    tls = Sink("starttls", work, make_certificate)
    try:
        if not checks.check(tls.ready, "SMTP server with STARTTLS started (self-signed certificate)"):
            return
        cert = tls.dir / "cert.pem"
        config = write_config(work, db, "starttls", f'smtp_url = "smtp://127.0.0.1:{tls.port}"\nca_file = "{cert}"\n'
                                                'require_tls = true\ntimeout = "5s"\n')
        r = ic.run([kansoku, "report", "isp", "isp-a", "--send", "--config", config, "--out", work / "out"],
                   timeout=60)
        mails = tls.mails()
        transport = (tls.dir / "1.rcpt").read_text().split("\n")[2] if mails else ""
        checks.check(r.returncode == 0 and len(mails) == 1 and transport == "tls",
                     "STARTTLS offered: the mail goes over TLS", r.stdout + r.stderr + transport)
        clear_reports(db)
        r, _, d = send_failing(kansoku, work, db, "starttls-unknown-ca", tls.port, 'timeout = "5s"\nretries = 0\n')
        checks.check(r.returncode == 1 and len(tls.mails()) == 1 and [row[3] for row in d] == ["failed"],
                     "a certificate from an unknown CA is refused", r.stderr)
    finally:
        tls.stop()
    before = len(plain.mails())
    r, _, d = send_failing(kansoku, work, db, "require-tls", plain.port,
                           'require_tls = true\ntimeout = "5s"\nretries = 0\n')
    checks.check(r.returncode == 1 and len(plain.mails()) == before,
                 "require_tls: a server without STARTTLS gets nothing", r.stderr)


def send_failing(kansoku, work, db, name: str, port: int, notify: str):
    """`report isp isp-a --send` that cannot deliver: (result, seconds, deliveries); the reports are
    removed afterwards."""
    config = write_config(work, db, name, f'smtp_url = "smtp://127.0.0.1:{port}"\n{notify}')
    start = time.monotonic()
    r = ic.run([kansoku, "report", "isp", "isp-a", "--send", "--config", config, "--out", work / "out"], timeout=60)
    elapsed = time.monotonic() - start
    d = deliveries(db, "isp-a")
    clear_reports(db)
    return r, elapsed, d


def check_failures(kansoku, work, checks, db) -> None:
    refuse = Sink("refuse", work)
    hang = Sink("hang", work)
    try:
        if not checks.check(refuse.ready and hang.ready, "refusing and hanging servers started"):
            return
        r, elapsed, d = send_failing(kansoku, work, db, "refuse", refuse.port,
                                     'timeout = "5s"\nretries = 2\nbackoff = "1s"\n')
        checks.check(r.returncode == 1 and "failed after 3 attempt(s)" in r.stderr and "550" in r.stderr,
                     "refusing server (550): exit 1 after 3 attempts, the answer reported", r.stdout + r.stderr)
        checks.check([row[3] for row in d] == ["failed"] * 3 and [row[2] for row in d] == [1, 2, 3],
                     "each refused attempt recorded as failed", str(d))
        checks.check(2.5 <= elapsed <= 15, f"retried with backoff 1s + 2s ({elapsed:.1f}s)")

        r, elapsed, d = send_failing(kansoku, work, db, "hang", hang.port,
                                     'timeout = "2s"\nretries = 1\nbackoff = "1s"\n')
        checks.check(r.returncode == 1 and "failed after 2 attempt(s)" in r.stderr,
                     "hanging server: exit 1 after 2 attempts", r.stdout + r.stderr)
        checks.check(4.5 <= elapsed <= 2 * 2 + 1 + 4, f"each attempt ends at the 2s timeout ({elapsed:.1f}s)")
        checks.check([row[3] for row in d] == ["failed", "failed"], "hung attempts recorded as failed", str(d))

        r, _, d = send_failing(kansoku, work, db, "suppress", refuse.port, 'suppress = ["Abuse@ISP-A.example"]\n')
        checks.check(r.returncode == 0 and "suppress" in r.stdout, "suppressed address: no mail, exit 0",
                     r.stdout + r.stderr)
        checks.check([row[3] for row in d] == ["suppressed"], "a 'suppressed' delivery recorded", str(d))
    finally:
        refuse.stop()
        hang.stop()


def curl(*args):
    return ic.run(["curl", "-sS", "--max-time", "5", "-D", "-", *args], timeout=20)


def check_schedule_and_api(kansoku, work, checks, sink, db) -> None:
    # Seeded: isp-a was added two minutes ago, so its first report is due; isp-b's is not yet.
    before = len(sink.mails())
    port = ic.free_port()
    config = write_config(work, db, "schedule", f'smtp_url = "smtp://127.0.0.1:{sink.port}"\ntimeout = "5s"\n'
                                            'report_interval = "24h"\nformats = ["csv"]\n', web_port=port)
    log = work / "serve.log"
    serve = subprocess.Popen([kansoku, "serve", "--config", config], stdout=subprocess.DEVNULL, stderr=log.open("w"),
                             cwd=work)
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and len(sink.mails()) == before:
            time.sleep(0.2)
        checks.check(len(sink.mails()) == before + 1, "kansoku serve mails the due report on schedule",
                     log.read_text())
        reports = db.rows("SELECT id, isp, since, until, hosts FROM reports ORDER BY id")
        checks.check(len(reports) == 1 and reports[0][1] == "isp-a" and reports[0][4] == len(A_HOSTS),
                     "one scheduled report stored for isp-a, none for isp-b (not due)", str(reports))

        base = f"http://127.0.0.1:{port}/api/v1/isp/reports"
        r = curl(base)
        checks.check(" 401 " in r.stdout.splitlines()[0] if r.stdout else False, "GET reports without a key: 401",
                     r.stdout)
        r = curl("-H", f"Authorization: Bearer {ADMIN_KEY}", base)
        head, _, body = r.stdout.replace("\r\n", "\n").partition("\n\n")
        listed = json.loads(body).get("reports", []) if body.strip().startswith("{") else []
        checks.check(len(listed) == 1 and (listed[0]["delivery"] or {}).get("outcome") == "sent",
                     "GET /api/v1/isp/reports (admin) lists it with its delivery", r.stdout)
        if reports:
            r = curl("-H", f"Authorization: Bearer {ADMIN_KEY}", f"{base}/{reports[0][0]}")
            head, _, body = r.stdout.replace("\r\n", "\n").partition("\n\n")
            checks.check("content-type: text/csv" in head.lower() and body.startswith("timestamp,ip,port")
                         and 'content-disposition: attachment; filename="kansoku-isp-a-' in head.lower(),
                         "GET /api/v1/isp/reports/{id} downloads the CSV", r.stdout[:400])
        r = curl("-H", f"Authorization: Bearer {ADMIN_KEY}", f"{base}/999999")
        checks.check(" 404 " in r.stdout.splitlines()[0] if r.stdout else False, "a missing report: 404")
        check_tenants(kansoku, config, base, checks, reports[0][0] if reports else 0)
    finally:
        ic.stop_process(serve)
    # A restart within the interval neither loses nor repeats the period.
    serve = subprocess.Popen([kansoku, "serve", "--config", config], stdout=subprocess.DEVNULL,
                             stderr=(work / "serve2.log").open("w"), cwd=work)
    time.sleep(3)
    ic.stop_process(serve)
    count = db.rows("SELECT COUNT(*) FROM reports WHERE isp = 'isp-a'")[0][0]
    checks.check(count == 1 and len(sink.mails()) == before + 1, "a restart does not repeat the report",
                 f"{count} reports")


def check_tenants(kansoku, config, base, checks, report_id: int) -> None:
    """With the ISPs' own keys (`kansoku isp rotate-key`, `kansoku isp add`): isp-a sees and downloads its
    report; isp-c sees none, and isp-a's report is 404 to it, as a missing one."""
    def key(*args):
        r = ic.run([kansoku, "isp", *args, "--config", config], timeout=30)
        return r.stdout.strip() if r.returncode == 0 else ""

    key_a = key("rotate-key", "isp-a")
    key_c = key("add", "isp-c", "--prefix", "203.0.113.128/25", "--abuse", "abuse@isp-c.example")
    if not checks.check(key_a and key_c, "ISP keys from kansoku isp (rotate-key, add)"):
        return

    def get(url, k):
        r = curl("-H", f"Authorization: Bearer {k}", url)
        head, _, body = r.stdout.replace("\r\n", "\n").partition("\n\n")
        return (head.splitlines() or [""])[0], body

    status, body = get(base, key_a)
    ids = [x["id"] for x in json.loads(body).get("reports", [])] if " 200 " in status else None
    checks.check(ids == [report_id], "isp-a's key lists its own report", body)
    status, body = get(f"{base}/{report_id}", key_a)
    checks.check(" 200 " in status and body.startswith("timestamp,ip"), "isp-a's key downloads it", status)
    status, body = get(base, key_c)
    checks.check(" 200 " in status and json.loads(body).get("reports") == [], "isp-c's key lists no report", body)
    status, other = get(f"{base}/{report_id}", key_c)
    _, missing = get(f"{base}/999999", key_c)
    checks.check(" 404 " in status and other == missing and "isp-a" not in other,
                 "isp-a's report is 404 to isp-c, exactly as a missing one", other)


def check_schedule_never_blocks(kansoku, work, checks, db) -> None:
    """A scheduled mail to a server that hangs: the web server answers meanwhile, and a stop ends it."""
    clear_reports(db)
    hang = Sink("hang", work)
    port = ic.free_port()
    config = write_config(work, db, "schedule-hang", f'smtp_url = "smtp://127.0.0.1:{hang.port}"\ntimeout = "60s"\n'
                                                 'retries = 3\nformats = ["csv"]\n', web_port=port)
    serve = subprocess.Popen([kansoku, "serve", "--config", config], stdout=subprocess.DEVNULL,
                             stderr=(work / "serve-hang.log").open("w"), cwd=work)
    try:
        deadline = time.monotonic() + 15
        stored = 0
        while time.monotonic() < deadline and stored == 0:
            time.sleep(0.2)
            stored = db.rows("SELECT COUNT(*) FROM reports WHERE isp = 'isp-a'")[0][0]
        checks.check(stored == 1, "scheduled report built while its mail hangs")
        time.sleep(1)
        start = time.monotonic()
        r = curl(f"http://127.0.0.1:{port}/api/v1/status")
        took = time.monotonic() - start
        checks.check(r.returncode == 0 and " 200 " in r.stdout.splitlines()[0] and took < 2,
                     f"the web server answers while the SMTP server hangs ({took:.2f}s)", r.stdout[:200])
        start = time.monotonic()
        serve.send_signal(signal.SIGTERM)
        try:
            serve.wait(timeout=20)
        except subprocess.TimeoutExpired:
            pass
        took = time.monotonic() - start
        checks.check(serve.poll() is not None and took < 5, f"a stop cuts the hung attempt short ({took:.1f}s)")
        d = deliveries(db, "isp-a")
        checks.check([row[3] for row in d] == ["failed"], "the cut attempt is recorded as failed", str(d))
    finally:
        ic.stop_process(serve)
        hang.stop()


def main() -> int:
    kansoku = ic.kansoku_binary()
    seed_tool = sys.argv[2] if len(sys.argv) > 2 else ""
    if not os.access(seed_tool, os.X_OK):
        print("usage: report_mail.py PATH/TO/kansoku PATH/TO/kansoku_seed_intel", file=sys.stderr)
        return 2
    ic.exit_on_signals()
    if shutil.which("curl") is None or shutil.which("openssl") is None:
        ic.skip("curl and openssl are needed")
    if subprocess.run([SYSTEM_PYTHON, "-c", "import aiosmtpd"], capture_output=True).returncode != 0:
        ic.skip("python3-aiosmtpd is not installed for /usr/bin/python3 (scripts/setup installs it)")
    checks = ic.Checks()
    work = ic.make_temp_dir("ks-report-mail-")
    sink = Sink("accept", work)
    try:
        if checks.check(sink.ready, "SMTP server (aiosmtpd) started on loopback"):
            db = check_sent(kansoku, work, checks, sink, seed_database(seed_tool, work))
            check_failures(kansoku, work, checks, db)
            check_starttls(kansoku, work, checks, db, sink)
            check_schedule_and_api(kansoku, work, checks, sink, db)
            check_schedule_never_blocks(kansoku, work, checks, db)
    finally:
        sink.stop()
        ic.remove_temp_dir(work)
    return checks.exit_code()


if __name__ == "__main__":
    sys.exit(main())
