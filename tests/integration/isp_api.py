#!/usr/bin/env python3
"""ISP tenants end to end with the real binary and curl: `kansoku isp add` (keys printed once, only hashes
stored, bad input refused with one line), two ISPs with disjoint prefixes, infected hosts written into the
database as correlation writes them, `kansoku serve`, and then with curl: each key sees only its own hosts,
another ISP's host is the same 404 as none, feedback moves a host's state, `kansoku report remediation` shows the
time to clean, a rotated or removed key stops working.

Usage: isp_api.py PATH/TO/kansoku PATH/TO/kansoku_seed_intel
"""

import json
import os
import sys
import time
from datetime import datetime, timedelta, timezone

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import center_lab  # noqa: E402
import integ_common as ic  # noqa: E402
import store_choice  # noqa: E402


def main() -> int:
    kansoku = ic.kansoku_binary()
    if len(sys.argv) < 3:
        ic.skip("usage: isp_api.py KANSOKU SEED_TOOL")
    seed_tool = sys.argv[2]
    ic.exit_on_signals()
    checks = ic.Checks()
    work = ic.make_temp_dir("ks-isp-")
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
    store = store_choice.TestStore(work / "kansoku.db", "isp_api")
    config = center_lab.write_config(work, "integ-isp", port, 'admin_key = "integ-admin-key"\n', store)

    def isp(*args):
        return ic.run([kansoku, "isp", *args, "--config", str(config)], timeout=30)

    keys = {}
    for name, prefix, lang in (("isp-a", "198.51.100.0/25", "ja"), ("isp-b", "198.51.100.128/25", "en")):
        r = isp("add", name, "--prefix", prefix, "--abuse", f"abuse@{name}.example", "--lang", lang)
        keys[name] = r.stdout.strip()
        checks.check(r.returncode == 0 and keys[name].startswith("ksk_") and len(keys[name]) == 47,
                     f"isp add {name} prints a key once", r.stdout + r.stderr)
    for args, words in ((["isp-c", "--prefix", "198.51.100.64/26", "--abuse", "a@c.example"], "overlaps"),
                        (["isp-c", "--prefix", "192.0.2.0/24", "--abuse", "nobody"], "mail address"),
                        (["isp-c", "--prefix", "192.0.2.0/24", "--abuse", "a@c.example", "--lang", "de"], "ja or en"),
                        (["isp-c", "--abuse", "a@c.example"], "--prefix or --asn"),
                        (["isp-c", "--prefix", "192.0.2.1/24", "--abuse", "a@c.example"], "host bits"),
                        (["isp a", "--prefix", "192.0.2.0/24", "--abuse", "a@c.example"], "not valid")):
        r = isp("add", *args)
        checks.check(r.returncode == 1 and words in r.stderr and r.stderr.count("\n") == 1 and not r.stdout,
                     f"isp add refuses ({words}) with one line", r.stdout + r.stderr)
    r = isp("list", "--json")
    listed = [json.loads(line) for line in r.stdout.splitlines()]
    checks.check([i["name"] for i in listed] == ["isp-a", "isp-b"] and listed[0]["prefixes"] == ["198.51.100.0/25"],
                 "isp list --json shows both ISPs", r.stdout + r.stderr)
    raw = store.raw_text()
    checks.check(all(k.encode() not in raw and k not in r.stdout for k in keys.values()),
                 "no key is stored or listed, only its hash")
    checks.check(ic.run([kansoku, "isp", "add", "--help"]).returncode == 0, "isp add --help")

    two_hours_ago = (datetime.now(timezone.utc) - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    hosts = [{"ip": ip, "family": "mirai", "first_seen": two_hours_ago, "last_seen": two_hours_ago,
              "evidence": ["darknet.scan"]} for ip in ("198.51.100.10", "198.51.100.200", "192.0.2.5")]
    r = center_lab.seed(seed_tool, work, {"hosts": hosts}, store)  # isp-a's, isp-b's, nobody's
    if not checks.check(r.returncode == 0, "infected hosts written through the store", r.stdout + r.stderr):
        return None
    serve, ready = center_lab.start_serve(kansoku, config, work, port)
    if not checks.check(ready, "kansoku serve listens", (work / "serve.log").read_text()):
        return serve
    url = f"http://127.0.0.1:{port}"

    def call(path, key=None, body=None):
        args = ["curl", "-sS", "--max-time", "5", "-o", "-", "-w", "\n%{http_code}"]
        if key:
            args += ["-H", f"Authorization: Bearer {key}"]
        if body is not None:
            args += ["-H", "Content-Type: application/json", "--data-binary", body]
        r = ic.run(args + [url + path], timeout=20)
        text, _, code = r.stdout.rpartition("\n")
        return int(code or 0), text

    def ips(key, query=""):
        code, text = call("/api/v1/isp/hosts" + query, key)
        return [h["ip"] for h in json.loads(text)["hosts"]] if code == 200 else code

    checks.check(ips(keys["isp-a"]) == ["198.51.100.10"], "isp-a sees only its host")
    checks.check(ips(keys["isp-b"]) == ["198.51.100.200"], "isp-b sees only its host")
    checks.check(ips("integ-admin-key") == ["192.0.2.5", "198.51.100.10", "198.51.100.200"], "the admin sees all")
    checks.check(ips(None) == 401 and ips("ksk_wrong") == 401, "no key or a wrong key is 401")
    checks.check(ips(keys["isp-a"], "?isp=isp-b") == 403, "a tenant asking for another ISP is 403")
    theirs = call("/api/v1/isp/hosts/198.51.100.200", keys["isp-a"])
    none = call("/api/v1/isp/hosts/198.51.100.99", keys["isp-a"])
    checks.check(theirs[0] == 404 and theirs[1].replace(".200", ".99") == none[1] and "isp-b" not in theirs[1],
                 "another ISP's host is the same 404 as no host", f"{theirs} {none}")
    for path, key, code, what in (("/api/v1/isp/remediation", keys["isp-b"], 200, "remediation for a tenant"),
                                  ("/api/v1/isp/hosts?limit=0", keys["isp-a"], 400, "limit=0 is 400"),
                                  ("/api/v1/isp/hosts/198.51.100.10", keys["isp-b"], 404, "B cannot read A's host")):
        got = call(path, key)
        checks.check(got[0] == code, what, str(got))

    feedback = "/api/v1/isp/hosts/198.51.100.10/feedback"
    code, text = call(feedback, keys["isp-a"], '{"state": "notified", "note": "mailed"}')
    checks.check(code == 200 and json.loads(text)["state"] == "notified", "feedback: notified", text)
    time.sleep(1.1)  # a measurable time to clean
    code, text = call(feedback, keys["isp-a"], '{"state": "remediated"}')
    checks.check(code == 200 and json.loads(text)["state"] == "remediated", "feedback: remediated", text)
    checks.check(call("/api/v1/isp/hosts/198.51.100.200/feedback", keys["isp-a"], '{"state": "remediated"}')[0] == 404,
                 "feedback outside its space is refused")
    checks.check(call(feedback, keys["isp-a"], '{"state": ')[0] == 400, "malformed JSON is 400")
    checks.check(call(feedback, keys["isp-a"], '{"state": "fixed"}')[0] == 400, "an unknown state is 400")

    r = ic.run([kansoku, "report", "remediation", "--isp", "isp-a", "--json", "--config", str(config)])
    try:
        total = json.loads(r.stdout)["isps"][0]["total"]
    except (ValueError, KeyError, IndexError):
        total = {}
    checks.check(total.get("remediated") == 1 and total.get("time_to_clean", {}).get("median_s", 0) >= 1.0 and
                 total.get("time_to_notify", {}).get("median_s", 0) >= 7200.0,
                 "report remediation shows the time to notify and to clean", r.stdout + r.stderr)
    r = ic.run([kansoku, "report", "remediation", "--config", str(config)])
    checks.check(r.returncode == 0 and "isp-a" in r.stdout and "isp-b" in r.stdout, "report remediation table",
                 r.stdout + r.stderr)

    r = isp("rotate-key", "isp-a")
    new_key = r.stdout.strip()
    checks.check(r.returncode == 0 and new_key.startswith("ksk_") and new_key != keys["isp-a"], "rotate-key", r.stderr)
    checks.check(isp("remove", "isp-b").returncode == 0, "isp remove")
    time.sleep(1.2)  # the server re-checks a key it knows at most a second later
    checks.check(ips(keys["isp-a"]) == 401, "the rotated key no longer works")
    checks.check(ips(new_key) == ["198.51.100.10"], "the new key works")
    checks.check(ips(keys["isp-b"]) == 401, "a removed ISP's key no longer works")
    r = isp("remove", "isp-b")
    checks.check(r.returncode == 1 and "no ISP named 'isp-b'" in r.stderr, "removing it twice is one line", r.stderr)
    return serve


if __name__ == "__main__":
    sys.exit(main())
