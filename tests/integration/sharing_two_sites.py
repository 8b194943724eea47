#!/usr/bin/env python3
"""Two kansoku sites share over TAXII 2.1 on loopback (issue 12 item 4 and its two-site check):

- site A (a center with a C2 endpoint in its store) publishes into its community's collection
  (`kansoku sharing publish`) and serves it (`kansoku serve`); site B is its partner (TLP:GREEN);
- site B pulls A's collection with `kansoku sharing pull` ([[sharing.feeds]], the secret from env:),
  keeps only checked objects, and reads A's C2 indicator's address;
- B's own darknet sees that address scanning (the demo capture of `kansoku run --once`): the live
  correlation labels the infected host with A's indicator (`partner_intel` in the intel.infected_host
  event and in the host record) and counts an intel.partner_sighting; `kansoku intel correlate` labels
  it the same way from stored events;
- B publishes the sighting (sighting_of_ref = A's indicator, A's TLP) and A pulls it back;
- B also pulls A's MISP feed ([[sharing.feeds]] kind "misp"), served at /misp/ and exported to a directory;
- over TLS: A serves HTTPS (`web.tls_cert`), B verifies it with the feed's `ca_file` and refuses it without;
- hostile partner servers (garbage, HTML, `more` forever with the same `next`, invalid STIX, wrong
  password) end a pull with one line and store nothing of what was invalid.

Usage: sharing_two_sites.py PATH/TO/kansoku PATH/TO/kansoku_seed_intel
"""

import http.server
import json
import os
import sqlite3
import subprocess
import sys
import threading
from datetime import datetime, timedelta, timezone

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import center_lab  # noqa: E402
import integ_common as ic  # noqa: E402

TAXII = "application/taxii+json;version=2.1"
GREEN = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"


def iso(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def site_config(work, name, port, extra=""):
    return center_lab.write_config(work, name, port, "workers = 1\n[honeypot]\nenabled = false\n"
                                   "[sharing]\ncommunities = [\"partners\"]\npublish_interval = \"1d\"\n" + extra)


def feed(name, port, user, secret_env, extra=""):
    return (f'[[sharing.feeds]]\nname = "{name}"\nurl = "http://127.0.0.1:{port}/taxii2/partners/"\n'
            f'collection = "kansoku"\nusername = "{user}"\npassword = "env:{secret_env}"\ntimeout = "10s"\n{extra}')


class HostileTaxii(http.server.BaseHTTPRequestHandler):
    """A partner's server gone wrong: /garbage/, /html/, /loop/, /invalid/ API roots."""

    def log_message(self, *args):
        pass

    def send(self, status, body, content_type=TAXII):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        root = self.path.split("/")[1]
        if "/objects/" not in self.path:
            self.send(404, '{"title": "no such thing"}')
        elif root == "garbage":
            self.send(200, '{"objects": [1, 2, ')
        elif root == "html":
            self.send(200, "<html><body>login</body></html>", "text/html")
        elif root == "loop":
            self.send(200, json.dumps({"more": True, "next": "same-again", "objects": []}))
        elif root == "invalid":
            good = {"type": "indicator", "spec_version": "2.1", "id": "indicator--6a1d0b1e-0f6b-4a6b-9c8e-3b8f1f0d2a11",
                    "created": "2026-12-01T00:00:00.000Z", "modified": "2026-12-01T00:00:00.000Z",
                    "pattern": "[ipv4-addr:value = '192.0.2.200']", "pattern_type": "stix",
                    "valid_from": "2026-12-01T00:00:00Z", "object_marking_refs": [GREEN]}
            bad = [dict(good, id="indicator--x"), dict(good, id="indicator--7a1d0b1e-0f6b-4a6b-9c8e-3b8f1f0d2a12",
                                                         pattern=None),
                   dict(good, id="indicator--8a1d0b1e-0f6b-4a6b-9c8e-3b8f1f0d2a13", spec_version="2.0"),
                   "a string", {"type": "Bad Type", "id": "x"}]
            self.send(200, json.dumps({"more": False, "objects": [good] + bad}))
        else:
            self.send(404, '{"title": "no such API root"}')


def main() -> int:
    kansoku = ic.kansoku_binary()
    if len(sys.argv) < 3:
        print("usage: sharing_two_sites.py PATH/TO/kansoku PATH/TO/kansoku_seed_intel", file=sys.stderr)
        return 2
    seed_tool = os.path.abspath(sys.argv[2])
    checks = ic.Checks()
    work = ic.make_temp_dir("kansoku-two-sites-")
    servers = []
    try:
        run_checks(kansoku, seed_tool, work, checks, servers)
    finally:
        for s in servers:
            ic.stop_process(s)
        ic.remove_temp_dir(work)
    return checks.exit_code()


def run_checks(kansoku, seed_tool, work, checks, servers):
    site_a, site_b = work / "a", work / "b"
    site_a.mkdir()
    site_b.mkdir()
    port_a, port_b = ic.free_port(), ic.free_port()

    # Site B's darknet data first: the demo capture, whose Mirai-fingerprint sources become infected hosts.
    pcap = work / "demo.pcap"
    r = ic.run([kansoku, "darknet", "generate", "--profile", "demo", "-o", str(pcap)])
    checks.check(r.returncode == 0, "darknet generate --profile demo", r.stderr)
    probe = work / "probe.db"
    r = ic.run([kansoku, "darknet", "analyze", "--darknet", "203.0.113.0/24", "--db", str(probe), str(pcap)])
    with sqlite3.connect(probe) as con:
        scans = [json.loads(b) for (b,) in con.execute("SELECT body FROM events WHERE type = 'darknet.scan'")]
    mirai = sorted({s["src"] for s in scans if s.get("tool") == "mirai"})
    if not checks.check(r.returncode == 0 and mirai, "the demo capture has Mirai-fingerprint sources", r.stderr):
        return
    source = mirai[0]

    # Site A: a C2 endpoint at that address (a C2 that also scans), shared as TLP:GREEN.
    now = datetime.now(timezone.utc)
    subscribers = ["192.0.2.11", "192.0.2.12", "192.0.2.200"]  # A's infected hosts (its ISPs' subscribers)
    seeded = center_lab.seed(seed_tool, site_a, {
        "c2": [{"kind": "ip", "indicator": source, "port": 23, "family": "mirai", "samples": [],
                "first_seen": iso(now - timedelta(days=2)), "last_seen": iso(now - timedelta(days=1))}],
        "hosts": [{"ip": ip, "family": "mirai", "first_seen": iso(now - timedelta(days=2)),
                   "last_seen": iso(now - timedelta(hours=1)), "evidence": ["darknet.scan"]} for ip in subscribers]})
    checks.check(seeded.returncode == 0, "site A holds a C2 endpoint and infected hosts", seeded.stderr)
    # The community gets infected hosts as Crypto-PAn pseudonyms under its own key, at TLP:GREEN.
    config_a = site_config(site_a, "site-a", port_a,
                           '[sharing.stix]\ntlp_hosts = "green"\n[[sharing.community]]\nname = "partners"\n'
                           'subscribers = "pseudonymise"\npseudonym_key = "' + "5a" * 32 + '"\n')
    r = ic.run([kansoku, "partner", "add", "site-b", "--community", "partners", "--tlp", "green",
                "--config", str(config_a)])
    secret_b = r.stdout.strip()
    checks.check(r.returncode == 0 and secret_b.startswith("ksp_"), "site A adds site B as a TLP:GREEN partner",
                 r.stderr)
    r = ic.run([kansoku, "sharing", "publish", "--config", str(config_a)], timeout=60)
    checks.check(r.returncode == 0 and "partners:" in r.stdout, "site A publishes into its collection",
                 r.stdout + r.stderr)
    r2 = ic.run([kansoku, "sharing", "publish", "--config", str(config_a)], timeout=60)
    checks.check(r2.returncode == 0 and ", 0 new" in r2.stdout, "publishing again adds nothing",
                 r2.stdout + r2.stderr)
    with sqlite3.connect(site_a / "kansoku.db") as con:
        indicators = [json.loads(b) for (b,) in con.execute(
            "SELECT body FROM sharing_objects WHERE type = 'indicator' AND body LIKE ?", (f"%'{source}'%",))]
    if not checks.check(len(indicators) == 1, f"A's collection holds an indicator of {source}", str(indicators)):
        return
    indicator_id = indicators[0]["id"]

    serve_a, ready = center_lab.start_serve(kansoku, config_a, site_a, port_a)
    servers.append(serve_a)
    if not checks.check(ready, "site A serves TAXII", (site_a / "serve.log").read_text()):
        return
    walker = ic.shared_dir() / "tools" / "taxii-walk"
    if walker.exists():
        # The OASIS client walks what A published, and every object validates (strict; 301, network-traffic
        # without src_port, is exempt as in stix_export: darknet statistics have no source port).
        r = ic.run([walker, "--user", "site-b", "--password", secret_b, "--page-size", "20", "--validate",
                    "--disable", "301", f"http://127.0.0.1:{port_a}/taxii2/"], timeout=300)
        checks.check(r.returncode == 0, "taxii-walk --validate: every object A publishes is valid STIX 2.1",
                     r.stdout[-1500:] + r.stderr[-1500:])
    else:
        print(f"note: {walker} missing; the OASIS client walk is left out", file=sys.stderr)

    # Site B pulls A.
    config_b = site_config(site_b, "site-b", port_b, feed("site-a", port_a, "site-b", "SITE_A_SECRET"))
    env_b = dict(os.environ, SITE_A_SECRET=secret_b)
    r = ic.run([kansoku, "sharing", "pull", "--config", str(config_b)], timeout=120, env=env_b)
    checks.check(r.returncode == 0 and "site-a:" in r.stdout and " 0 refused" in r.stdout,
                 "site B pulls A's collection", r.stdout + r.stderr)
    r = ic.run([kansoku, "sharing", "pull", "--config", str(config_b)], timeout=120, env=env_b)
    checks.check(r.returncode == 0 and " 0 objects," in r.stdout, "a second pull asks only for what is new",
                 r.stdout + r.stderr)
    with sqlite3.connect(site_b / "kansoku.db") as con:
        values = con.execute("SELECT indicator_id, kind, value, tlp FROM partner_indicators").fetchall()
        tlps = {t for (t,) in con.execute("SELECT DISTINCT tlp FROM partner_objects")}
    checks.check((indicator_id, "ipv4", source, "green") in values, "B keeps A's indicator value with its TLP",
                 str(values))
    checks.check(tlps <= {"clear", "green"}, "B received nothing above its TLP:GREEN ceiling", str(tlps))
    with sqlite3.connect(site_b / "kansoku.db") as con:
        bodies = [b for (b,) in con.execute("SELECT body FROM partner_objects")]
        host_indicators = [json.loads(b) for b in bodies if '"compromised"' in b]
    leaked = [ip for ip in subscribers for b in bodies if f"'{ip}'" in b or f'"{ip}"' in b]
    checks.check(len(host_indicators) == len(subscribers) and not leaked,
                 "infected hosts reach the partner as pseudonyms only: no real subscriber address in anything pulled",
                 f"{len(host_indicators)} host indicators, leaked {leaked}")
    r = ic.run([kansoku, "sharing", "feeds", "--config", str(config_b)], env=env_b)
    checks.check(r.returncode == 0 and "site-a" in r.stdout and "never" not in r.stdout.split("site-a", 1)[1][:70],
                 "sharing feeds shows the last pull", r.stdout + r.stderr)
    r = ic.run([kansoku, "sharing", "pull", "--config", str(config_b)], timeout=60, env=dict(os.environ))
    checks.check(r.returncode == 1 and "SITE_A_SECRET" in r.stderr and secret_b not in r.stderr,
                 "a missing secret is named, never printed", r.stderr)
    r = ic.run([kansoku, "sharing", "pull", "--config", str(config_b)], timeout=60,
               env=dict(os.environ, SITE_A_SECRET="ksp_wrong"))
    checks.check(r.returncode == 1 and "401" in r.stderr, "a wrong password: the partner's 401, one line", r.stderr)

    # The same from A's MISP feed: served at /misp/ (HTTP Basic, like TAXII) and exported to a directory.
    misp_dir = work / "misp-export"
    r = ic.run([kansoku, "export", "misp", "--out", str(misp_dir), "--community", "partners", "--config",
                str(config_a)], timeout=120)
    checks.check(r.returncode == 0 and (misp_dir / "manifest.json").exists(), "site A exports its MISP feed",
                 r.stdout + r.stderr)
    misp_b = work / "b-misp"
    misp_b.mkdir()
    config = site_config(misp_b, "site-b", ic.free_port(),
                         f'[[sharing.feeds]]\nname = "a-misp"\nkind = "misp"\n'
                         f'url = "http://127.0.0.1:{port_a}/misp/partners/"\nusername = "site-b"\n'
                         f'password = "env:SITE_A_SECRET"\n'
                         f'[[sharing.feeds]]\nname = "a-misp-dir"\nkind = "misp"\nurl = "{misp_dir}"\n')
    r = ic.run([kansoku, "sharing", "pull", "--config", str(config)], timeout=120, env=env_b)
    with sqlite3.connect(misp_b / "kansoku.db") as con:
        misp_values = con.execute("SELECT feed, kind, value FROM partner_indicators").fetchall()
    checks.check(r.returncode == 0 and ("a-misp", "ipv4", source) in misp_values
                 and ("a-misp-dir", "ipv4", source) in misp_values,
                 "B pulls A's MISP feed, served and as a directory, and keeps the C2 address",
                 r.stdout + r.stderr + str(misp_values)[:500])
    r = ic.run([kansoku, "sharing", "pull", "--config", str(config)], timeout=120, env=env_b)
    with sqlite3.connect(misp_b / "kansoku.db") as con:
        again = con.execute("SELECT count(*) FROM partner_indicators").fetchone()[0]
    checks.check(r.returncode == 0 and again == len(misp_values), "a second MISP pull duplicates nothing",
                 r.stdout + r.stderr)

    # B's darknet sees the address scanning: live correlation in `kansoku run --once` (the demo capture).
    r = ic.run([kansoku, "run", "--once", "--config", str(config_b)], timeout=300, cwd=site_b, env=env_b)
    checks.check(r.returncode == 0, "site B runs once over its demo capture", r.stderr[-2000:])
    events = ic.parse_jsonl((site_b / "var" / "events.jsonl").read_text())
    hosts = [e for e in ic.of_type(events, "intel.infected_host") if e["ip"] == source]
    labelled = [h for h in hosts if any(l["indicator_id"] == indicator_id and l["feed"] == "site-a"
                                        for l in h.get("partner_intel", []))]
    checks.check(bool(labelled), "the infected host is labelled with A's indicator (intel.infected_host)",
                 json.dumps(hosts)[:800])
    sightings = [e for e in ic.of_type(events, "intel.partner_sighting") if e["indicator_id"] == indicator_id]
    checks.check(bool(sightings) and all(s["observed_as"] == "darknet.scan" and s["tlp"] == "green"
                                         for s in sightings), "an intel.partner_sighting event for it",
                 json.dumps(ic.of_type(events, "intel.partner_sighting"))[:800])
    with sqlite3.connect(site_b / "kansoku.db") as con:
        row = con.execute("SELECT partner_intel FROM infected_hosts WHERE ip = ?", (source,)).fetchone()
        counted = con.execute("SELECT count FROM partner_sightings WHERE indicator_id = ?", (indicator_id,)).fetchone()
    checks.check(row is not None and indicator_id in row[0], "the host record carries partner_intel", str(row))
    checks.check(counted is not None and counted[0] >= 1, "the sighting is counted in the store", str(counted))
    r = ic.run([kansoku, "intel", "correlate", "--config", str(config_b)], timeout=120)
    with sqlite3.connect(site_b / "kansoku.db") as con:
        again = con.execute("SELECT count FROM partner_sightings WHERE indicator_id = ?", (indicator_id,)).fetchone()
        row = con.execute("SELECT partner_intel FROM infected_hosts WHERE ip = ?", (source,)).fetchone()
    checks.check(r.returncode == 0 and again == counted and row is not None and indicator_id in row[0],
                 "intel correlate over stored events labels it too, without counting the sighting twice",
                 f"{r.stderr} {again} {counted} {row}")

    # B shares the sighting back; A pulls B.
    r = ic.run([kansoku, "partner", "add", "site-a", "--community", "partners", "--tlp", "green",
                "--config", str(config_b)])
    secret_a = r.stdout.strip()
    r = ic.run([kansoku, "sharing", "publish", "--config", str(config_b)], timeout=60, env=env_b)
    checks.check(r.returncode == 0, "site B publishes", r.stdout + r.stderr)
    with sqlite3.connect(site_b / "kansoku.db") as con:
        shared = [json.loads(b) for (b,) in con.execute(
            "SELECT body FROM sharing_objects WHERE type = 'sighting' AND body LIKE ?", (f"%{indicator_id}%",))]
    checks.check(len(shared) == 1 and shared[0]["sighting_of_ref"] == indicator_id
                 and shared[0]["object_marking_refs"] == [GREEN] and shared[0]["count"] >= 1,
                 "B's collection holds a sighting of A's indicator, at A's TLP", json.dumps(shared)[:600])
    serve_b, ready = center_lab.start_serve(kansoku, config_b, site_b, port_b)
    servers.append(serve_b)
    checks.check(ready, "site B serves TAXII", (site_b / "serve.log").read_text())
    ic.stop_process(serve_a)
    config_a = site_config(site_a, "site-a", port_a, feed("site-b", port_b, "site-a", "SITE_B_SECRET"))
    r = ic.run([kansoku, "sharing", "pull", "--config", str(config_a)], timeout=120,
               env=dict(os.environ, SITE_B_SECRET=secret_a))
    checks.check(r.returncode == 0 and "site-b:" in r.stdout, "site A pulls B", r.stdout + r.stderr)
    with sqlite3.connect(site_a / "kansoku.db") as con:
        back = [json.loads(b) for (b,) in con.execute("SELECT body FROM partner_objects WHERE type = 'sighting'")]
    checks.check(any(s["sighting_of_ref"] == indicator_id for s in back), "A receives B's sighting of its indicator",
                 json.dumps(back)[:600])

    # Over TLS: A serves HTTPS with its own certificate; B verifies it with ca_file, and refuses it without.
    ic.stop_process(serve_b)
    tls = work / "tls"
    tls.mkdir()
    ic.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
            "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", tls / "key.pem",
            "-out", tls / "cert.pem"], timeout=60)
    port_tls = ic.free_port()
    config_a = site_config(site_a, "site-a", port_tls).read_text().replace(
        "workers = 1\n", f'workers = 1\ntls_cert = "{tls / "cert.pem"}"\ntls_key = "{tls / "key.pem"}"\n', 1)
    (site_a / "kansoku.toml").write_text(config_a)
    serve_tls = subprocess.Popen([kansoku, "serve", "--config", str(site_a / "kansoku.toml")],
                                 stdout=subprocess.DEVNULL, stderr=(site_a / "serve-tls.log").open("w"), cwd=site_a)
    servers.append(serve_tls)
    ic.wait_for_text(site_a / "serve-tls.log", "serve: running", 15, serve_tls)
    https_feed = feed("site-a", port_tls, "site-b", "SITE_A_SECRET").replace("http://", "https://")
    for name, extra, ok in (("with ca_file", f'ca_file = "{tls / "cert.pem"}"\n', True), ("without", "", False)):
        tls_b = work / f"b-tls-{ok}"
        tls_b.mkdir()
        config = site_config(tls_b, "site-b", ic.free_port(), https_feed + extra)
        r = ic.run([kansoku, "sharing", "pull", "--config", str(config)], timeout=120, env=env_b)
        if ok:
            checks.check(r.returncode == 0 and "site-a:" in r.stdout and " 0 refused" in r.stdout,
                         "B pulls A over HTTPS, verifying A's certificate with ca_file", r.stdout + r.stderr)
        else:
            checks.check(r.returncode == 1 and "certificate" in r.stderr.lower(),
                         "an unknown CA is refused, one line", r.stdout + r.stderr)

    # Hostile partner servers.
    hostile = http.server.ThreadingHTTPServer(("127.0.0.1", 0), HostileTaxii)
    threading.Thread(target=hostile.serve_forever, daemon=True).start()
    try:
        hport = hostile.server_address[1]
        cases = (("garbage", "not a JSON object"), ("html", "text/html"), ("loop", "same next token"))
        feeds = "".join(f'[[sharing.feeds]]\nname = "{name}"\nurl = "http://127.0.0.1:{hport}/{name}/"\n'
                        f'collection = "91a7b528-80eb-42ed-a74d-c6fbd5a26116"\ntimeout = "5s"\n'
                        for name in ("garbage", "html", "loop", "invalid"))
        hostile_dir = work / "h"
        hostile_dir.mkdir()
        config_h = site_config(hostile_dir, "site-h", ic.free_port(), feeds)
        for name, words in cases:
            r = ic.run([kansoku, "sharing", "pull", "--feed", name, "--config", str(config_h)], timeout=60)
            checks.check(r.returncode == 1 and words in r.stderr, f"a partner serving {name}: one clear error",
                         r.stdout + r.stderr)
        r = ic.run([kansoku, "sharing", "pull", "--feed", "invalid", "--config", str(config_h)], timeout=60)
        checks.check(r.returncode == 0 and "1 new or newer, 5 refused" in r.stdout,
                     "invalid STIX objects are refused one by one, the valid one kept", r.stdout + r.stderr)
        with sqlite3.connect(hostile_dir / "kansoku.db") as con:
            kept = con.execute("SELECT count(*) FROM partner_objects").fetchone()[0]
        checks.check(kept == 1, "nothing of an invalid object is stored", str(kept))
    finally:
        hostile.shutdown()


if __name__ == "__main__":
    sys.exit(main())
