#!/usr/bin/env python3
"""Blocking feeds (issue 11 item 8) from the CLI and the API, checked with real tools.

A temporary database is seeded (through the store's interfaces) with C2 endpoints from "sandbox
reports": a public IPv4 and IPv6 address, a domain, the sandbox's own DNS sinkhole, a private
address and a domain that would act as an RPZ trigger; and infected hosts: one active, one last
seen long ago, one the ISP reported remediated. `kansoku export blocklist` writes txt, csv and
rpz; BIND's named-checkzone must accept the zone (and refuse a copy with a broken line, so the
check can fail); its canonical dump has exactly the expected policy records. Then `kansoku
serve` answers GET /api/v1/blocklist.{txt,csv,rpz}: 401 without a key or with a wrong one, the
same entries with the admin key.

Usage: blocklist_feed.py PATH/TO/kansoku PATH/TO/kansoku_seed_intel
"""

import csv
import io
import os
import shutil
import sys
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import center_lab  # noqa: E402
import integ_common as ic  # noqa: E402

ADMIN_KEY = "integ-admin-key-0123456789"


def iso(delta: timedelta) -> str:
    return (datetime.now(timezone.utc) - delta).strftime("%Y-%m-%dT%H:%M:%SZ")


def entries_of_text(text: str):
    return sorted(line for line in text.splitlines() if line and not line.startswith("#"))


def get(url: str, key: str = None):
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {key}"} if key else {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read().decode()


def main() -> int:
    kansoku = ic.kansoku_binary()
    if len(sys.argv) < 3:
        print(f"usage: {sys.argv[0]} KANSOKU SEED_TOOL", file=sys.stderr)
        return 2
    seed_tool = os.path.abspath(sys.argv[2])
    if shutil.which("named-checkzone") is None:
        ic.skip("named-checkzone is not installed (Debian bind9-utils; scripts/setup installs it)")
    ic.exit_on_signals()
    checks = ic.Checks()
    work = ic.make_temp_dir("ks-blocklist-")
    server = None
    try:
        server = run_checks(kansoku, seed_tool, work, checks)
    finally:
        if server is not None:
            ic.stop_process(server)
        ic.remove_temp_dir(work)
    return checks.exit_code()


def run_checks(kansoku, seed_tool, work, checks):
    port = ic.free_port()
    config = center_lab.write_config(work, "integ-blocklist", port, f"""admin_key = "{ADMIN_KEY}"
[web.blocklist]
rpz_zone = "rpz.kansoku.test"
host_ttl = "7d"
""")
    day = timedelta(days=1)
    seed = {
        "c2": [
            {"kind": "ip", "indicator": "203.0.113.66", "port": 23, "family": "mirai", "first_seen": iso(3 * day),
             "last_seen": iso(day)},
            {"kind": "ip", "indicator": "2001:db8:c2::66", "port": 443, "family": "mozi", "first_seen": iso(3 * day),
             "last_seen": iso(day)},
            {"kind": "domain", "indicator": "CNC.Example.Test", "family": "mirai", "first_seen": iso(3 * day),
             "last_seen": iso(day)},
            {"kind": "ip", "indicator": "198.51.100.250", "port": 23, "family": "mirai", "first_seen": iso(3 * day),
             "last_seen": iso(day)},  # the sandbox's DNS sinkhole
            {"kind": "ip", "indicator": "10.0.0.5", "port": 23, "family": "mirai", "first_seen": iso(3 * day),
             "last_seen": iso(day)},
            {"kind": "domain", "indicator": "0.0.0.0.0.rpz-ip", "family": "mirai", "first_seen": iso(3 * day),
             "last_seen": iso(day)},  # would block every answer if it became a zone line
        ],
        "hosts": [
            {"ip": "198.51.100.7", "family": "mirai", "first_seen": iso(2 * day), "last_seen": iso(day / 2),
             "evidence": ["darknet.scan"]},
            {"ip": "198.51.100.8", "family": "mirai", "first_seen": iso(20 * day), "last_seen": iso(10 * day)},
            {"ip": "192.0.2.9", "family": "gafgyt", "first_seen": iso(2 * day), "last_seen": iso(day)},
        ],
        "isps": [{"name": "isp-a", "prefixes": ["192.0.2.0/24"]}],
        "feedback": [{"isp": "isp-a", "ip": "192.0.2.9", "state": "remediated", "ts": iso(day / 4)}],
    }
    seeded = center_lab.seed(seed_tool, work, seed)
    checks.check(seeded.returncode == 0, "seeded C2 endpoints, hosts and feedback", seeded.stderr)
    expected = sorted(["198.51.100.7", "203.0.113.66", "2001:db8:c2::66", "cnc.example.test"])

    base = [kansoku, "export", "blocklist", "--config", str(config)]
    txt = ic.run(base + ["--format", "txt"], timeout=30)
    checks.check(txt.returncode == 0 and entries_of_text(txt.stdout) == expected,
                 f"txt lists exactly {expected}", txt.stdout + txt.stderr)
    checks.check("4 entries (3 C2 records not listable)" in txt.stderr, "the refused C2 records are counted",
                 txt.stderr)

    out_csv = work / "blocklist.csv"
    made = ic.run(base + ["--format", "csv", "--out", str(out_csv)], timeout=30)
    rows = list(csv.DictReader(io.StringIO(out_csv.read_text(), newline=""))) if out_csv.exists() else []
    checks.check(made.returncode == 0 and sorted(r["indicator"] for r in rows) == expected,
                 "csv has the same entries", made.stderr)
    checks.check(rows and list(rows[0].keys()) == ["indicator", "type", "reason", "family", "first_seen", "last_seen",
                                                   "expires"], "csv columns")
    by = {r["indicator"]: r for r in rows}
    checks.check(by.get("198.51.100.7", {}).get("reason") == "infected_host" and
                 by.get("cnc.example.test", {}).get("type") == "domain" and
                 by.get("2001:db8:c2::66", {}).get("family") == "mozi", "csv reasons, types and families")
    host_row = by.get("198.51.100.7", {})
    if host_row:
        last = datetime.strptime(host_row["last_seen"], "%Y-%m-%dT%H:%M:%SZ")
        expires = datetime.strptime(host_row["expires"], "%Y-%m-%dT%H:%M:%SZ")
        checks.check(expires - last == timedelta(days=7), "an infected host expires host_ttl after its last sighting")

    zone = work / "blocklist.rpz"
    made = ic.run(base + ["--format", "rpz", "--out", str(zone)], timeout=30)
    checks.check(made.returncode == 0 and zone.exists(), "rpz written", made.stderr)
    checked = ic.run(["named-checkzone", "rpz.kansoku.test", str(zone)], timeout=30)
    checks.check(checked.returncode == 0 and "OK" in checked.stdout, "named-checkzone accepts the zone",
                 checked.stdout + checked.stderr + zone.read_text())
    dumped = ic.run(["named-checkzone", "-q", "-D", "-o", "-", "rpz.kansoku.test", str(zone)], timeout=30)
    owners = sorted(line.split()[0] for line in dumped.stdout.splitlines() if "CNAME" in line.split())
    want = sorted(["32.7.100.51.198.rpz-ip.rpz.kansoku.test.", "32.66.113.0.203.rpz-ip.rpz.kansoku.test.",
                   "128.66.zz.c2.db8.2001.rpz-ip.rpz.kansoku.test.", "cnc.example.test.rpz.kansoku.test."])
    checks.check(owners == sorted(want), "the zone's policy records are exactly the expected triggers",
                 "\n".join(owners) + "\n---\n" + dumped.stdout + dumped.stderr)
    checks.check("SOA" in dumped.stdout and "NS" in dumped.stdout, "the zone has SOA and NS")
    broken = work / "broken.rpz"
    broken.write_text(zone.read_text() + "bad..name CNAME .\n")
    refused = ic.run(["named-checkzone", "rpz.kansoku.test", str(broken)], timeout=30)
    checks.check(refused.returncode != 0, "named-checkzone refuses a zone with a broken line (the check can fail)",
                 refused.stdout)
    time.sleep(1.1)
    later = work / "later.rpz"
    ic.run(base + ["--format", "rpz", "--out", str(later)], timeout=30)

    def serial(path):
        for line in path.read_text().splitlines():
            if " SOA " in line:
                return int(line.split("(")[1].split()[0])
        return -1

    checks.check(serial(later) > serial(zone) > 0, f"the SOA serial grows ({serial(zone)} -> {serial(later)})")

    isp = ic.run(base + ["--format", "txt", "--isp", "isp-a"], timeout=30)
    checks.check(isp.returncode == 0 and entries_of_text(isp.stdout) == sorted(
        ["203.0.113.66", "2001:db8:c2::66", "cnc.example.test"]),
                 "--isp isp-a: every C2, none of the other space's hosts (its own host was remediated)",
                 isp.stdout + isp.stderr)
    bad = ic.run(base + ["--format", "json"], timeout=30)
    checks.check(bad.returncode == 1 and len(bad.stderr.strip().splitlines()) == 1 and "txt, csv or rpz" in bad.stderr,
                 "a bad --format is one line and exit 1", bad.stderr)

    server, up = center_lab.start_serve(kansoku, config, work, port)
    if not checks.check(up, "kansoku serve is up", (work / "serve.log").read_text()):
        return server
    url = f"http://127.0.0.1:{port}/api/v1/blocklist"
    for extension in ("txt", "csv", "rpz"):
        status, _, body = get(f"{url}.{extension}")
        checks.check(status == 401 and "cnc.example.test" not in body, f"{extension}: 401 without a key")
        status, _, body = get(f"{url}.{extension}", "wrong-key")
        checks.check(status == 401, f"{extension}: 401 with a wrong key")
        status, headers, body = get(f"{url}.{extension}", ADMIN_KEY)
        checks.check(status == 200, f"{extension}: 200 with the admin key ({headers.get('Content-Type')})")
        if extension == "txt":
            checks.check(entries_of_text(body) == expected, "the API's txt has the same entries")
        if extension == "rpz":
            (work / "api.rpz").write_text(body)
            api = ic.run(["named-checkzone", "rpz.kansoku.test", str(work / "api.rpz")], timeout=30)
            checks.check(api.returncode == 0, "named-checkzone accepts the API's zone", api.stdout)
    return server


if __name__ == "__main__":
    sys.exit(main())
