#!/usr/bin/env python3
"""`kansoku export stix` end to end (issue 12 item 1), judged by the OASIS STIX validator.

A database is filled the way kansoku fills it: the demo darknet capture (`kansoku darknet
generate --profile demo`) analyzed into it (scan records, per-port statistics, backscatter),
`kansoku intel correlate` (the Mirai-style sources become infected hosts), C2 endpoints through the
store's interface (the seed tool, as blocklist_feed.py does), and `sample`, `sandbox.report` and
outbreak `alert` rows shaped as docs/events.md documents them. Then for each subscriber policy
(withhold, aggregate24, pseudonymise) the bundle must:
- pass $KANSOKU_SHARED/tools/stix-validate, strict (best-practice findings count), with zero findings;
- carry ids equal to values computed here independently: every SCO's UUIDv5 over its ID
  contributing properties (STIX 2.1 section 2.9), every kansoku SDO id from its documented name;
- contain no infected-host address (from the infected_hosts table) unless the policy lets it out,
  and then only as the policy says: the /24, or the Crypto-PAn pseudonym computed here with AES
  from python3-cryptography (same /24 in, same pseudonymous /24 out).
Bad input is a one-line error with a non-zero exit.

Usage: stix_export.py PATH/TO/kansoku PATH/TO/kansoku_seed_intel
"""

import ipaddress
import json
import os
import sqlite3
import sys
import uuid
from datetime import datetime, timedelta, timezone

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import center_lab  # noqa: E402
import integ_common as ic  # noqa: E402

SCO_NAMESPACE = uuid.UUID("00abedb4-aa42-466c-9c01-fed23315a9b7")
KANSOKU_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:kansoku:stix-2.1:object-ids")
PRODUCER = "integ-site"
KEY_HEX = "0f1e2d3c4b5a69788796a5b4c3d2e1f000112233445566778899aabbccddeeff"
SCO_CONTRIBUTING = {"ipv4-addr": ["value"], "ipv6-addr": ["value"], "domain-name": ["value"],
                    "file": ["hashes", "name", "extensions", "parent_directory_ref"],
                    "network-traffic": ["start", "end", "src_ref", "dst_ref", "src_port", "dst_port", "protocols",
                                        "extensions"]}
SHA_A = "a" * 64
SHA_B = "b" * 64


def iso(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def sco_id(obj) -> str:
    contributing = {k: obj[k] for k in SCO_CONTRIBUTING[obj["type"]] if k in obj}
    if "hashes" in contributing:
        for algorithm in ("MD5", "SHA-1", "SHA-256", "SHA-512"):
            if algorithm in contributing["hashes"]:
                contributing["hashes"] = {algorithm: contributing["hashes"][algorithm]}
                break
    name = json.dumps(contributing, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return f"{obj['type']}--{uuid.uuid5(SCO_NAMESPACE, name)}"


def sdo_id(type_: str, name: str) -> str:
    five = uuid.uuid5(uuid.uuid5(KANSOKU_NAMESPACE, "producer|" + PRODUCER), name)
    return f"{type_}--{uuid.UUID(int=five.int, version=4)}"  # docs/stix.md: UUIDv5's bits, version 4


def crypto_pan(key: bytes):
    """Crypto-PAn (Xu et al., ICNP 2002) for IPv4, written from the paper with python3-cryptography's AES."""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    encryptor = Cipher(algorithms.AES(key[:16]), modes.ECB()).encryptor()
    pad = int.from_bytes(encryptor.update(key[16:]), "big")

    def pseudonym(address: str) -> str:
        original = int(ipaddress.IPv4Address(address))
        flip = 0
        for i in range(32):
            prefix = (original >> (32 - i)) << (128 - i) if i else 0
            block = prefix | (pad & ((1 << (128 - i)) - 1))
            first_bit = encryptor.update(block.to_bytes(16, "big"))[0] >> 7
            flip |= first_bit << (31 - i)
        return str(ipaddress.IPv4Address(original ^ flip))

    return pseudonym


def fill(kansoku, seed_tool, work, checks):
    db = work / "kansoku.db"
    pcap = work / "demo.pcap"
    gen = ic.run([kansoku, "darknet", "generate", "--profile", "demo", "-o", str(pcap)])
    checks.check(gen.returncode == 0, "darknet generate --profile demo", gen.stderr)
    analyze = ic.run([kansoku, "darknet", "analyze", "--darknet", "203.0.113.0/24", "--db", str(db), str(pcap)])
    checks.check(analyze.returncode == 0, "darknet analyze into the database", analyze.stderr)
    correlate = ic.run([kansoku, "intel", "correlate", "--db", str(db)])
    checks.check(correlate.returncode == 0, "intel correlate", correlate.stderr)
    now = datetime.now(timezone.utc)
    day = timedelta(days=1)
    seeded = center_lab.seed(seed_tool, work, {"c2": [
        {"kind": "ip", "indicator": "192.0.2.66", "port": 23, "family": "mirai", "samples": [SHA_A],
         "first_seen": iso(now - 3 * day), "last_seen": iso(now - day)},
        {"kind": "ip", "indicator": "192.0.2.66", "port": 48101, "family": "mirai", "samples": [SHA_A],
         "first_seen": iso(now - 3 * day), "last_seen": iso(now - day)},
        {"kind": "ip", "indicator": "2001:db8:c2::66", "port": 443, "family": "unknown", "samples": [SHA_B],
         "first_seen": iso(now - 3 * day), "last_seen": iso(now - day)},
        {"kind": "domain", "indicator": "cnc.example.test", "family": "mirai", "samples": [SHA_A],
         "first_seen": iso(now - 3 * day), "last_seen": iso(now - day)},
        {"kind": "ip", "indicator": "10.0.0.5", "port": 23, "family": "mirai", "first_seen": iso(now - 3 * day),
         "last_seen": iso(now - day)},
    ]})
    checks.check(seeded.returncode == 0, "C2 endpoints seeded", seeded.stderr)
    ts = int((now - day).timestamp() * 1e6)
    rows = [
        ("sample", {"sha256": SHA_A, "md5": "c" * 32, "sha1": "d" * 40, "size": 4096,
                    "file_type": "ELF 32-bit LSB executable, ARM", "arch": "ARM", "first_seen": iso(now - 2 * day),
                    "last_seen": iso(now - day), "sources": [], "count": 4}),
        ("sample", {"sha256": SHA_B, "md5": "e" * 32, "sha1": "f" * 40, "size": 120, "file_type": "data",
                    "arch": "unknown", "first_seen": iso(now - day), "last_seen": iso(now - day), "sources": [],
                    "count": 1}),
        ("sandbox.report", {"sha256": SHA_A, "arch": "ARM", "verdict": "malicious", "score": 80, "signatures": [
            {"id": "network_scan", "name": "scans many hosts with TCP SYNs", "severity": "high", "mitre": ["T1046"],
             "evidence": {}},
            {"id": "self_deletion", "name": "deletes its own executable", "severity": "high",
             "mitre": ["T1070.004"], "evidence": {}}]}),
        ("sandbox.report", {"sha256": SHA_B, "arch": "x86-64", "verdict": "suspicious", "score": 20, "signatures": [
            {"id": "c2_connection", "name": "talks to a server", "severity": "medium", "mitre": ["T1071", "T1571"],
             "evidence": {}}]}),
        ("alert", {"kind": "darknet.outbreak", "severity": "high", "subject": "tcp/37215", "details": {
            "proto": "tcp", "port": 37215, "interval_start": iso(now - day - timedelta(minutes=10)),
            "interval_end": iso(now - day), "interval_s": 600, "source_minutes": 420, "packets": 9000,
            "rule": "jump", "baseline_mean": 1.5, "ratio": 28.0}}),
    ]
    with sqlite3.connect(db) as con:
        for type_, fields in rows:
            body = json.dumps({"type": type_, "ts": iso(now - day), "sensor": "integ", "v": 1, **fields})
            con.execute("INSERT INTO events (type, ts, sensor, subject, body) VALUES (?, ?, 'integ', NULL, ?)",
                        (type_, ts, body))
        hosts = [ip for (ip,) in con.execute("SELECT ip FROM infected_hosts")]
        port_stats = con.execute("SELECT count(*) FROM events WHERE type = 'darknet.port_stats'").fetchone()[0]
    checks.check(len(hosts) >= 5 and port_stats > 0, "the store holds infected hosts and port statistics",
                 f"hosts {len(hosts)}, port_stats rows {port_stats}")
    return db, hosts


def export(kansoku, db, out, *extra):
    return ic.run([kansoku, "export", "stix", "--db", str(db), "--identity", PRODUCER, "--out", str(out), *extra],
                  timeout=120)


def check_bundle(name, path, checks, hosts, policy, pseudonym=None):
    text = path.read_text() if path.exists() else ""
    try:
        bundle = json.loads(text)
    except ValueError as e:
        checks.check(False, f"{name}: the bundle is JSON", str(e))
        return None
    objects = bundle.get("objects", [])
    # Strict, with one exemption: {301} network-traffic-ports wants a src_port on network-traffic, which STIX 2.1 does
    # not require and the darknet's per-port statistics (all source ports together) cannot truthfully give.
    validator = str(ic.shared_dir() / "tools" / "stix-validate")
    validate = ic.run([validator, "--disable", "301", str(path)], timeout=300)
    checks.check(validate.returncode == 0 and "[X]" not in validate.stdout and "[!]" not in validate.stdout,
                 f"{name}: stix-validate (strict, {{301}} exempt) finds nothing in {len(objects)} objects",
                 validate.stdout[-3000:] + validate.stderr[-2000:])
    full = ic.run([validator, str(path)], timeout=300)
    findings = [line for line in full.stdout.splitlines() if "[X]" in line and "STIX JSON: Invalid" not in line]
    traffic = sum(1 for o in objects if o["type"] == "network-traffic")
    checks.check(len(findings) == traffic and all("{301}" in line for line in findings),
                 f"{name}: fully strict, the only findings are {{301}}, one per network-traffic ({traffic})",
                 "\n".join(line for line in findings if "{301}" not in line)[:3000])
    wrong = [o["id"] for o in objects if o["type"] in SCO_CONTRIBUTING and sco_id(o) != o["id"]]
    checks.check(not wrong and any(o["type"] == "file" for o in objects),
                 f"{name}: every SCO id is the UUIDv5 of its contributing properties", str(wrong[:5]))
    expected = {sdo_id("identity", "identity|producer"), sdo_id("indicator", "indicator|ipv4|192.0.2.66"),
                sdo_id("indicator", "indicator|ipv6|2001:db8:c2::66"),
                sdo_id("indicator", "indicator|domain|cnc.example.test"),
                sdo_id("infrastructure", "infrastructure|c2|ipv4|192.0.2.66"),
                sdo_id("malware", "malware|family|mirai"), sdo_id("indicator", f"indicator|sha256|{SHA_A}"),
                sdo_id("attack-pattern", "attack-pattern|mitre-attack|T1046"),
                sdo_id("malware", f"malware|sample|{SHA_B}")}
    ids = {o["id"] for o in objects}
    checks.check(expected <= ids, f"{name}: kansoku's SDO ids are the documented UUIDv5 names",
                 str(sorted(expected - ids)))
    checks.check(len(ids) == len(objects), f"{name}: each object once")
    checks.check("10.0.0.5" not in text, f"{name}: a private C2 address is never shared")
    types = {o["type"] for o in objects}
    want = {"identity", "marking-definition", "indicator", "malware", "file", "ipv4-addr", "ipv6-addr", "domain-name",
            "infrastructure", "sighting", "observed-data", "network-traffic", "attack-pattern", "relationship",
            "report"}
    checks.check(want <= types, f"{name}: every kind of object is there", str(sorted(want - types)))
    leaked = [h for h in hosts if f'"{h}"' in text or f"'{h}'" in text]
    checks.check(not leaked, f"{name}: no infected-host address in the bundle", str(leaked[:5]))
    infected = [o for o in objects if o["type"] == "indicator" and o.get("indicator_types") == ["compromised"]]
    if policy == "withhold":
        checks.check(not infected, f"{name}: no infected-host indicator")
    elif policy == "aggregate24":
        prefixes = {str(ipaddress.ip_network(h + "/24", strict=False)) for h in hosts}
        shown = {o["pattern"].split("'")[1] for o in infected}
        checks.check(shown == prefixes, f"{name}: one indicator per /24 of the infected hosts",
                     f"{sorted(shown)} vs {sorted(prefixes)}")
    else:
        shown = {o["pattern"].split("'")[1] for o in infected}
        wanted = {pseudonym(h) for h in hosts}
        checks.check(shown == wanted, f"{name}: each host as its Crypto-PAn pseudonym computed independently",
                     f"{sorted(shown)[:4]} vs {sorted(wanted)[:4]}")
        by_prefix = {}
        for h in hosts:
            by_prefix.setdefault(h.rsplit(".", 1)[0], set()).add(pseudonym(h).rsplit(".", 1)[0])
        checks.check(all(len(p) == 1 for p in by_prefix.values()) and not (set(by_prefix) & {
            v for s in by_prefix.values() for v in s}), f"{name}: same /24 in, same (other) /24 out", str(by_prefix))
    return bundle


def run_checks(kansoku, seed_tool, work, checks):
    db, hosts = fill(kansoku, seed_tool, work, checks)
    withheld = export(kansoku, db, work / "withhold.json")
    checks.check(withheld.returncode == 0 and "export stix:" in withheld.stderr, "export stix (withhold)",
                 withheld.stderr)
    check_bundle("withhold", work / "withhold.json", checks, hosts, "withhold")
    aggregated = export(kansoku, db, work / "aggregate.json", "--subscribers", "aggregate24", "--community", "partners")
    checks.check(aggregated.returncode == 0, "export stix --subscribers aggregate24", aggregated.stderr)
    check_bundle("aggregate24", work / "aggregate.json", checks, hosts, "aggregate24")
    key_file = work / "pseudonym.key"
    key_file.write_text(KEY_HEX + "\n")
    pseudonymised = export(kansoku, db, work / "pseudonyms.json", "--subscribers", "pseudonymise",
                           "--pseudonym-key-file", str(key_file))
    checks.check(pseudonymised.returncode == 0, "export stix --subscribers pseudonymise", pseudonymised.stderr)
    check_bundle("pseudonymise", work / "pseudonyms.json", checks, hosts, "pseudonymise",
                 crypto_pan(bytes.fromhex(KEY_HEX)))

    again = export(kansoku, db, work / "again.json")
    first = json.loads((work / "withhold.json").read_text())["objects"]
    second = json.loads((work / "again.json").read_text())["objects"] if again.returncode == 0 else []
    checks.check(first == second, "a second export has the same objects (ids and versions)")
    future = export(kansoku, db, work / "future.json", "--since", iso(datetime.now(timezone.utc) + timedelta(days=1)))
    objects = json.loads((work / "future.json").read_text())["objects"] if future.returncode == 0 else []
    checks.check(sorted(o["type"] for o in objects) == ["identity"] + ["marking-definition"] * 5,
                 "--since in the future: only the identity and the markings", future.stderr)
    stdout = ic.run([kansoku, "export", "stix", "--db", str(db)], timeout=60)
    checks.check(stdout.returncode == 0 and json.loads(stdout.stdout)["type"] == "bundle", "the bundle on stdout",
                 stdout.stderr)

    ic.one_line_error(ic.run([kansoku, "export", "stix", "--db", str(db), "--subscribers", "everything"]),
                      "an unknown subscriber policy", checks, "--subscribers")
    ic.one_line_error(ic.run([kansoku, "export", "stix", "--db", str(db), "--subscribers", "pseudonymise"]),
                      "pseudonymise without a key", checks, "--pseudonym-key-file")
    ic.one_line_error(ic.run([kansoku, "export", "stix", "--db", str(work / "missing.db")]), "a missing database",
                      checks, "missing.db")
    ic.one_line_error(ic.run([kansoku, "export", "stix", "--db", str(db), "--since", "yesterday-ish"]),
                      "a bad --since", checks, "--since")
    bad = export(kansoku, db, work / "no-such-dir" / "x.json")
    checks.check(bad.returncode != 0 and not (work / "no-such-dir").exists(), "an unwritable --out fails",
                 bad.stderr)


def main() -> int:
    kansoku = ic.kansoku_binary()
    if len(sys.argv) < 3:
        print(f"usage: {sys.argv[0]} KANSOKU SEED_TOOL", file=sys.stderr)
        return 2
    seed_tool = os.path.abspath(sys.argv[2])
    validator = ic.shared_dir() / "tools" / "stix-validate"
    probe = ic.run([str(validator), "--help"], timeout=60) if validator.exists() else None
    if probe is None or probe.returncode != 0:
        ic.skip(f"{validator} cannot run: {probe.stdout + probe.stderr if probe else 'missing'}")
    ic.exit_on_signals()
    checks = ic.Checks()
    work = ic.make_temp_dir("ks-stix-")
    try:
        run_checks(kansoku, seed_tool, work, checks)
    finally:
        if checks.exit_code() != 0:
            ic.keep_files(work, work.parent / "ks-stix-failed", "the bundles")
        ic.remove_temp_dir(work)
    return checks.exit_code()


if __name__ == "__main__":
    sys.exit(main())
