#!/usr/bin/env python3
"""MISP feeds end to end (issue 12 item 5) with the real binary: `kansoku export misp` and `/misp/` on
`kansoku serve`.

The store is filled as stix_export.py fills it (the demo darknet capture analyzed and correlated, C2
endpoints of mirai and of no family, a private C2 address, samples, sandbox reports, an outbreak alert).
Then:
- every event file of every export (withhold; aggregate24 and pseudonymise up to amber for a community)
  validates against $KANSOKU_SHARED/data/misp-schema/schema.json (Debian's python3-jsonschema through
  /usr/bin/python3, tests/integration/misp_schema.py);
- the feed is complete and consistent: manifest.json names exactly the event files, each manifest entry
  repeats its event's Orgc, tags, info, date and timestamp; hashes.csv has the MD5 of every attribute value
  (composite values per part) with its event's uuid, computed here independently; every event has one TLP
  tag, none above the ceiling;
- no infected-host address and no private C2 address in any file, whatever the policy;
- a second export of the same data rewrites no file and keeps every timestamp; bad input is one line;
- the export is in `kansoku sharing log` (channel misp-export);
- /misp/<community>/ with partners of three ceilings and two communities: 401 (with WWW-Authenticate) without
  or with wrong credentials, 404 for another community, an unknown community or file, and for an event above
  the caller's ceiling; a `clear` partner receives no green or amber event from any answer (every answer is
  scanned); what a partner receives validates and equals what the export wrote; ETag and Last-Modified; each
  answer with events is in the sharing log (channel misp-feed).

Usage: misp_feed.py PATH/TO/kansoku PATH/TO/kansoku_seed_intel
"""

import base64
import hashlib
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import center_lab  # noqa: E402
import integ_common as ic  # noqa: E402
import stix_export  # noqa: E402  (its store filling)

ADMIN = "integ-admin-key"
TLP_ORDER = ["tlp:clear", "tlp:green", "tlp:amber", "tlp:amber+strict"]
SCHEMA_CHECK = Path(__file__).resolve().parent / "misp_schema.py"


def tlp_of(tags):
    names = [t.get("name") for t in tags if t.get("name", "").startswith("tlp:")]
    return names


def export(kansoku, config, out, *extra):
    return ic.run([kansoku, "export", "misp", "--config", str(config), "--out", str(out), *extra], timeout=120)


def validate(paths, what, checks):
    schema = ic.shared_dir() / "data" / "misp-schema" / "schema.json"
    if not paths:
        checks.check(False, f"{what}: there are events to validate")
        return
    r = ic.run(["/usr/bin/python3", str(SCHEMA_CHECK), str(schema), *map(str, paths)], timeout=120)
    if r.returncode == 77:
        ic.skip(r.stderr.strip())
    checks.check(r.returncode == 0, f"{what}: {len(paths)} events validate against the MISP schema",
                 r.stdout[-3000:] + r.stderr[-1000:])


def check_feed(name, out: Path, checks, hosts, ceiling, community_events=None):
    """The feed in `out` is consistent; returns {uuid: event} ."""
    manifest = json.loads((out / "manifest.json").read_text())
    files = {p.name[:-5] for p in out.glob("*.json") if p.name != "manifest.json"}
    checks.check(set(manifest) == files and files, f"{name}: manifest.json names exactly the {len(files)} event files",
                 f"{sorted(set(manifest) ^ files)}")
    validate(sorted(out / f"{u}.json" for u in files), name, checks)
    events = {}
    expected_hashes = set()
    bad = []
    for uuid_ in sorted(files):
        event = json.loads((out / f"{uuid_}.json").read_text())["Event"]
        events[uuid_] = event
        entry = manifest[uuid_]
        if (event["uuid"] != uuid_ or entry["Orgc"] != event["Orgc"] or entry["Tag"] != event["Tag"]
                or entry["info"] != event["info"] or entry["date"] != event["date"]
                or str(entry["timestamp"]) != event["timestamp"] or event["publish_timestamp"] != event["timestamp"]):
            bad.append(uuid_)
        tlps = tlp_of(event["Tag"])
        if len(tlps) != 1 or TLP_ORDER.index(tlps[0]) > TLP_ORDER.index("tlp:" + ceiling):
            bad.append(f"{uuid_} tlp {tlps}")
        for attribute in event["Attribute"]:
            parts = attribute["value"].split("|") if "|" in attribute["type"] else [attribute["value"]]
            for part in parts:
                expected_hashes.add(f"{hashlib.md5(part.encode()).hexdigest()},{uuid_}")
            if int(attribute["timestamp"]) > int(event["timestamp"]):
                bad.append(f"{uuid_} attribute newer than its event")
    checks.check(not bad, f"{name}: manifest entries repeat their events; one TLP tag each, none above {ceiling}",
                 str(bad[:5]))
    hashes = set((out / "hashes.csv").read_text().splitlines())
    checks.check(hashes == expected_hashes, f"{name}: hashes.csv is the MD5 of every attribute value part",
                 f"{len(hashes)} lines vs {len(expected_hashes)}: {sorted(hashes ^ expected_hashes)[:3]}")
    text = "".join(p.read_text() for p in out.iterdir() if p.is_file())
    leaked = [h for h in hosts if f'"{h}"' in text or f"{h}|" in text or f'"{h}/' in text]
    checks.check(not leaked and "10.0.0.5" not in text, f"{name}: no subscriber address and no private C2 in any file",
                 str(leaked[:5]))
    return events


def by_info(events, words):
    return [e for e in events.values() if words in e["info"]]


class Http:
    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}"

    def get(self, path, auth=None):
        request = urllib.request.Request(self.base + path, headers={"Authorization": auth} if auth else {})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read().decode()


def basic(user, password):
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def run_checks(kansoku, seed_tool, work, checks):
    port = ic.free_port()
    config = center_lab.write_config(work, "integ-misp", port, f'admin_key = "{ADMIN}"\n'
                                     '[sharing]\ncommunities = ["apcert", "local"]\n')
    db, hosts = stix_export.fill(kansoku, seed_tool, work, checks)
    checks.check(db == work / "kansoku.db", "the store is the configured database")

    # Export: withhold, green (the defaults).
    feed = work / "feed"
    r = export(kansoku, config, feed)
    checks.check(r.returncode == 0 and r.stderr.startswith("export misp:") and r.stderr.count("\n") == 1,
                 "export misp (defaults) with a one-line summary", r.stderr)
    events = check_feed("withhold", feed, checks, hosts, "green")
    mirai = by_info(events, "malware family mirai")
    checks.check(len(mirai) == 1 and {"type": "ip-dst|port", "value": "192.0.2.66|23"}.items() <= next(
        (a for a in mirai[0]["Attribute"] if a["value"] == "192.0.2.66|23"), {}).items()
        and any(t["name"] == 'misp-galaxy:malpedia="Mirai"' for t in mirai[0]["Tag"])
        and any(a["type"] == "sha256" and a["value"] == stix_export.SHA_A for a in mirai[0]["Attribute"]),
        "one event for mirai: its C2 (ip-dst|port), its sample, its malpedia galaxy tag",
        json.dumps(mirai)[:2000])
    checks.check(len(by_info(events, "darknet outbreak on tcp/37215")) == 1, "one event for the outbreak alert")
    checks.check(any("2001:db8:c2::66|443" in json.dumps(e) for e in by_info(events, "no known family")),
                 "C2 of no family in a per-day event")
    checks.check(not by_info(events, "infected hosts"), "withhold: no infected-host event")
    ids = [a for e in events.values() for a in e["Attribute"]]
    checks.check(all(a["to_ids"] == (a["type"] in ("sha256", "md5", "sha1", "ip-dst|port", "ip-dst", "domain"))
                     for a in ids), "to_ids exactly on hashes and C2 endpoints")

    manifest_before = (feed / "manifest.json").read_text()
    r = export(kansoku, config, feed)
    checks.check(r.returncode == 0 and "0 files written" in r.stderr and (feed / "manifest.json").read_text()
                 == manifest_before, "a second export rewrites nothing and keeps every timestamp", r.stderr)

    # A community's feed with subscribers, up to amber.
    for policy in ("aggregate24", "pseudonymise"):
        out = work / f"feed-{policy}"
        extra = ["--subscribers", policy, "--community", "apcert", "--tlp", "amber"]
        if policy == "pseudonymise":
            key = work / "pseudonym.key"
            key.write_text(stix_export.KEY_HEX + "\n")
            extra += ["--pseudonym-key-file", str(key)]
        r = export(kansoku, config, out, *extra)
        checks.check(r.returncode == 0, f"export misp --subscribers {policy} --tlp amber", r.stderr)
        got = check_feed(policy, out, checks, hosts, "amber")
        host_events = by_info(got, "infected hosts")
        values = {a["value"] for e in host_events for a in e["Attribute"]}
        checks.check(host_events and all(tlp_of(e["Tag"]) == ["tlp:amber"] for e in host_events)
                     and all(not a["to_ids"] for e in host_events for a in e["Attribute"]),
                     f"{policy}: infected hosts as amber events, never for IDS use", str(values)[:300])
        if policy == "aggregate24":
            import ipaddress
            wanted = {str(ipaddress.ip_network(h + "/24", strict=False)) for h in hosts}
            checks.check(values == wanted, "aggregate24: the hosts' /24s", f"{sorted(values)} vs {sorted(wanted)}")
        else:
            pseudonym = stix_export.crypto_pan(bytes.fromhex(stix_export.KEY_HEX))
            wanted = {pseudonym(h) for h in hosts}
            checks.check(values == wanted, "pseudonymise: the Crypto-PAn pseudonyms computed independently",
                         f"{sorted(values)[:3]} vs {sorted(wanted)[:3]}")

    r = export(kansoku, config, work / "clear", "--tlp", "clear")
    checks.check(r.returncode == 0 and json.loads((work / "clear" / "manifest.json").read_text()) == {},
                 "--tlp clear: no event (everything is green or above)", r.stderr)
    for args, needle in ((["--tlp", "red"], "--tlp"), (["--tlp", "purple"], "--tlp"),
                         (["--subscribers", "all"], "--subscribers"), (["--subscribers", "pseudonymise"], "--pseudonym-key-file"),
                         (["--community", "Bad Name"], "--community"), (["--since", "whenever"], "--since")):
        ic.one_line_error(export(kansoku, config, work / "bad", *args), f"export misp {' '.join(args)}", checks, needle)
    ic.one_line_error(ic.run([kansoku, "export", "misp", "--config", str(config)]), "export misp without --out",
                      checks, "--out")
    ic.one_line_error(ic.run([kansoku, "export", "misp", "--db", str(work / "missing.db"), "--out", str(work / "m")]),
                      "export misp with a missing database", checks, "missing.db")
    (work / "blocker").write_text("x")
    ic.one_line_error(export(kansoku, config, work / "blocker" / "feed"), "export misp into a file's subdirectory",
                      checks, "blocker")
    log = ic.run([kansoku, "sharing", "log", "--json", "--config", str(config)], timeout=30)
    rows = [json.loads(line) for line in log.stdout.splitlines()]
    checks.check(sum(1 for row in rows if row["channel"] == "misp-export") == 5
                 and any(row["community"] == "apcert" and row["channel"] == "misp-export" for row in rows),
                 "each export is in the sharing log (misp-export)", log.stdout[-2000:] + log.stderr)

    # The feed served per community and ceiling.
    secrets = {}
    for name, community, tlp in (("jp-green", "apcert", "green"), ("au-clear", "apcert", "clear"),
                                 ("kr-amber", "apcert", "amber"), ("local-isac", "local", "amber+strict")):
        r = ic.run([kansoku, "partner", "add", name, "--community", community, "--tlp", tlp, "--config", str(config)])
        secrets[name] = r.stdout.strip()
        checks.check(r.returncode == 0, f"partner add {name}", r.stderr)
    serve, ready = center_lab.start_serve(kansoku, config, work, port)
    try:
        if not checks.check(ready, "kansoku serve listens", (work / "serve.log").read_text()):
            return
        serve_checks(Http(port), secrets, feed, events, work, config, kansoku, checks)
    finally:
        ic.stop_process(serve)


def serve_checks(http, secrets, feed, exported, work, config, kansoku, checks):
    auth = {name: basic(name, secret) for name, secret in secrets.items()}
    status, headers, body = http.get("/misp/apcert/manifest.json")
    checks.check(status == 401 and headers.get("WWW-Authenticate", "").startswith("Basic"),
                 "no credentials: 401 with WWW-Authenticate: Basic", f"{status} {headers}")
    status, _, _ = http.get("/misp/apcert/manifest.json", basic("jp-green", "ksp_wrong"))
    checks.check(status == 401, "a wrong secret: 401", str(status))
    status, _, _ = http.get("/misp/local/manifest.json", auth["jp-green"])
    checks.check(status == 404, "another community's feed: 404", str(status))
    status, _, _ = http.get("/misp/nowhere/manifest.json", f"Bearer {ADMIN}")
    checks.check(status == 404, "an unknown community: 404", str(status))
    for bad in ("/misp/apcert/../../etc/passwd", "/misp/apcert/NOTAUUID.json", "/misp/apcert/x"):
        status, _, _ = http.get(bad, auth["jp-green"])
        checks.check(status == 404, f"GET {bad}: 404", str(status))

    answers = {}  # partner -> list of (path, status, body)
    for partner in ("jp-green", "au-clear", "kr-amber", "local-isac"):
        community = "local" if partner == "local-isac" else "apcert"
        got = answers.setdefault(partner, [])
        status, headers, body = http.get(f"/misp/{community}/manifest.json", auth[partner])
        got.append(("manifest.json", status, body))
        checks.check(status == 200 and headers.get("ETag") and headers.get("Content-Type", "").startswith(
            "application/json"), f"{partner}: manifest.json with an ETag", f"{status} {headers}")
        manifest = json.loads(body) if status == 200 else {}
        status, _, hashes = http.get(f"/misp/{community}/hashes.csv", auth[partner])
        got.append(("hashes.csv", status, hashes))
        listed = set(manifest)
        checks.check(status == 200 and {line.split(",")[1] for line in hashes.splitlines()} <= listed,
                     f"{partner}: hashes.csv names only events of its manifest", hashes[:300])
        # Every event of the full feed, listed or not: what is not listed must be 404.
        for uuid_ in exported:
            status, headers, body = http.get(f"/misp/{community}/{uuid_}.json", auth[partner])
            got.append((uuid_, status, body))
            if uuid_ in listed:
                checks.check(status == 200 and headers.get("Last-Modified") and headers.get("ETag"),
                             f"{partner}: event {uuid_[:8]} with ETag and Last-Modified", f"{status} {headers}")
            else:
                checks.check(status == 404, f"{partner}: event {uuid_[:8]} not in its manifest is 404", str(status))

    leaks = []
    for partner, ceiling in (("au-clear", "clear"), ("jp-green", "green"), ("kr-amber", "amber")):
        for path, status, body in answers[partner]:
            for tag in ("tlp:green", "tlp:amber", "tlp:amber+strict"):
                if TLP_ORDER.index(tag) > TLP_ORDER.index("tlp:" + ceiling) and f'"{tag}"' in body:
                    leaks.append(f"{partner} {path} {tag}")
    checks.check(not leaks and len(answers["au-clear"]) == len(exported) + 2,
                 "no partner receives an event above its ceiling (every answer scanned; the clear partner gets none)",
                 str(leaks[:5]))
    jp = {path: body for path, status, body in answers["jp-green"] if status == 200 and len(path) == 36}
    checks.check(set(jp) == set(exported) and all(body == (feed / f"{u}.json").read_text() for u, body in jp.items()),
                 "the green partner receives exactly the events the export wrote, byte for byte",
                 str(sorted(set(jp) ^ set(exported))[:3]))
    served = work / "served"
    served.mkdir()
    for u, body in jp.items():
        (served / f"{u}.json").write_text(body)
    validate(sorted(served.glob("*.json")), "served", checks)

    status, _, body = http.get("/misp/local/manifest.json", f"Bearer {ADMIN}")
    checks.check(status == 200 and set(json.loads(body)) == set(exported), "the admin sees a community's feed", body[:200])
    log = ic.run([kansoku, "sharing", "log", "--json", "--config", str(config)], timeout=30)
    rows = [json.loads(line) for line in log.stdout.splitlines()]
    feed_rows = [row for row in rows if row["channel"] == "misp-feed"]
    checks.check(any(row["recipient"] == "jp-green" and row["community"] == "apcert" for row in feed_rows)
                 and not any(row["recipient"] == "au-clear" for row in feed_rows),
                 "answers with events are in the sharing log (misp-feed); the clear partner received none",
                 json.dumps(feed_rows[:5]))


def main() -> int:
    kansoku = ic.kansoku_binary()
    if len(sys.argv) < 3:
        print(f"usage: {sys.argv[0]} KANSOKU SEED_TOOL", file=sys.stderr)
        return 2
    seed_tool = os.path.abspath(sys.argv[2])
    schema = ic.shared_dir() / "data" / "misp-schema" / "schema.json"
    if not schema.exists():
        ic.skip(f"{schema} is missing")
    if not os.access("/usr/bin/python3", os.X_OK):
        ic.skip("/usr/bin/python3 is missing (scripts/setup installs python3-jsonschema for it)")
    ic.exit_on_signals()
    checks = ic.Checks()
    work = ic.make_temp_dir("ks-misp-")
    try:
        run_checks(kansoku, seed_tool, work, checks)
    finally:
        if checks.exit_code() != 0:
            ic.keep_files(work, work.parent / "ks-misp-failed", "the feed files")
        ic.remove_temp_dir(work)
    return checks.exit_code()


if __name__ == "__main__":
    sys.exit(main())
