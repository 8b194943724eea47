#!/usr/bin/env python3
"""`kansoku intel lookup` and `intel update-db` on the real enrichment data that scripts/setup installs
(@ip-location-db/asn and @ip-location-db/geo-whois-asn-country-mmdb under
/usr/local/share/kansoku/ip-location-db, docs/enrichment.md): well-known addresses map to their
operators' AS and country, in text and JSON; bad addresses and missing or corrupt data are one-line
errors with a non-zero exit.

Fails when the data is not installed (scripts/setup installs it). Usage: intel_lookup.py PATH/TO/kansoku
"""

import json
import os
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import integ_common as ic  # noqa: E402

DATA = Path("/usr/local/share/kansoku/ip-location-db/node_modules/@ip-location-db")
ASN_V4 = DATA / "asn" / "asn-ipv4.csv"
ASN_V6 = DATA / "asn" / "asn-ipv6.csv"
COUNTRY = DATA / "geo-whois-asn-country-mmdb" / "geo-whois-asn-country.mmdb"

# Addresses whose operator is public and stable: Google Public DNS, Cloudflare's 1.1.1.1, Quad9.
EXPECTED = {
    "8.8.8.8": (15169, "US"),
    "1.1.1.1": (13335, None),  # the country of 1.1.1.0/24 is APNIC's (AU) in some copies: not asserted
    "2001:4860:4860::8888": (15169, "US"),
    "2606:4700:4700::1111": (13335, None),
}


def main() -> int:
    binary = ic.kansoku_binary()
    checks = ic.Checks()
    missing = [str(p) for p in (ASN_V4, ASN_V6, COUNTRY) if not p.is_file()]
    if not checks.check(not missing, "the enrichment data is installed (scripts/setup)", "\n".join(missing)):
        return checks.exit_code()
    work = ic.make_temp_dir("kansoku-intel-")
    try:
        addresses = list(EXPECTED)
        text = ic.run([binary, "intel", "lookup", *addresses], timeout=120)
        checks.check(text.returncode == 0, "intel lookup exits 0", text.stderr)
        rows = {line.split()[0]: line.split(maxsplit=3) for line in text.stdout.splitlines() if line.strip()}
        for address, (asn, country) in EXPECTED.items():
            row = rows.get(address, [])
            checks.check(len(row) >= 4 and row[1] == f"AS{asn}", f"{address} -> AS{asn} (text)", text.stdout)
            if country:
                checks.check(len(row) >= 4 and row[2] == country, f"{address} -> {country} (text)", text.stdout)

        as_json = ic.run([binary, "intel", "lookup", "--json", *addresses], timeout=120)
        checks.check(as_json.returncode == 0, "intel lookup --json exits 0", as_json.stderr)
        try:
            records = {r["ip"]: r for r in ic.parse_jsonl(as_json.stdout)}
        except ValueError as e:
            checks.check(False, "intel lookup --json prints JSON lines", str(e))
            records = {}
        for address, (asn, country) in EXPECTED.items():
            record = records.get(address, {})
            checks.check(record.get("asn") == asn, f"{address} -> asn {asn} (JSON)", json.dumps(record))
            checks.check(isinstance(record.get("as_name"), str) and record.get("as_name") != "",
                         f"{address} has an AS name (JSON)", json.dumps(record))
            if country:
                checks.check(record.get("country") == country, f"{address} -> country {country} (JSON)",
                             json.dumps(record))
        google = records.get("8.8.8.8", {}).get("as_name", "")
        checks.check("google" in google.lower(), f"8.8.8.8's AS name names Google ({google!r})")

        # Unannounced space: no AS, no country, still exit 0.
        private = ic.run([binary, "intel", "lookup", "--json", "10.1.2.3"], timeout=120)
        record = json.loads(private.stdout or "{}")
        checks.check(private.returncode == 0 and record.get("asn") is None and record.get("country") is None,
                     "10.1.2.3 (RFC 1918) has no AS and no country", private.stdout + private.stderr)

        update = ic.run([binary, "intel", "update-db", "--json"], timeout=120)
        checks.check(update.returncode == 0, "intel update-db exits 0", update.stderr)
        summary = json.loads(update.stdout or "{}")
        checks.check(summary.get("asn_rows", 0) > 100_000 and summary.get("autonomous_systems", 0) > 10_000
                     and summary.get("countries", 0) > 200,
                     "update-db counts the real data (>100k AS rows, >10k ASes, >200 countries)", update.stdout)
        text_update = ic.run([binary, "intel", "update-db"], timeout=120)
        checks.check(text_update.returncode == 0 and "ok: loaded and checked" in text_update.stdout,
                     "update-db (text) reports the load", text_update.stdout + text_update.stderr)

        # Bad input.
        ic.one_line_error(ic.run([binary, "intel", "lookup", "8.8.8.8", "not-an-ip"]), "a bad address", checks,
                       "'not-an-ip' is not an IPv4 or IPv6 address")
        ic.one_line_error(ic.run([binary, "intel", "lookup", "8.8.8.8", "--asn-v4", work / "missing.csv"]),
                       "a missing ASN file", checks, "missing.csv")
        truncated = work / "asn-ipv4.csv"
        truncated.write_bytes(ASN_V4.read_bytes()[:1_000_003])
        ic.one_line_error(ic.run([binary, "intel", "update-db", "--asn-v4", truncated]), "a truncated ASN file",
                       checks, "truncated")
        corrupt = work / "country.mmdb"
        corrupt.write_bytes(COUNTRY.read_bytes()[: COUNTRY.stat().st_size // 2])
        ic.one_line_error(ic.run([binary, "intel", "lookup", "1.1.1.1", "--country-mmdb", corrupt]),
                       "a truncated country database", checks, "country mmdb")
        usage = ic.run([binary, "intel", "lookup"])
        checks.check(usage.returncode != 0 and len(usage.stderr.strip().splitlines()) == 1,
                     "intel lookup without an address: usage error", usage.stderr)
        for command in (["intel", "--help"], ["intel", "lookup", "--help"], ["intel", "update-db", "--help"]):
            helped = ic.run([binary, *command])
            checks.check(helped.returncode == 0 and "Usage" in helped.stdout, f"{' '.join(command)} exits 0")
    finally:
        ic.remove_temp_dir(work)
    return checks.exit_code()


if __name__ == "__main__":
    sys.exit(main())
