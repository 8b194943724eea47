#!/usr/bin/env python3
"""`kansoku run --once` with the embedded default config, from a fresh directory outside the repo.

It must exit 0, create var/kansoku.db and var/events.jsonl, and store darknet.scan events and the
demo capture's two ddos.attack events, which `kansoku query` returns (with --db, and with the
embedded default's database when run from the same directory).

Usage: run_once.py PATH/TO/kansoku
"""

import os
import sys

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import integ_common as ic  # noqa: E402


def main() -> int:
    kansoku = ic.kansoku_binary()
    ic.exit_on_signals()
    checks = ic.Checks()
    work = ic.make_temp_dir("ks-run-once-")
    try:
        run_checks(kansoku, work, checks)
    finally:
        ic.remove_temp_dir(work)
    return checks.exit_code()


def run_checks(kansoku: str, work, checks: ic.Checks) -> None:
    checks.check(not str(work).startswith(str(ic.REPO_ROOT)), f"working directory {work} is outside the repository")
    result = ic.run([kansoku, "run", "--once"], timeout=120, cwd=work)
    if not checks.check(result.returncode == 0, "kansoku run --once exits 0", result.stdout + result.stderr):
        return
    db = work / "var" / "kansoku.db"
    jsonl = work / "var" / "events.jsonl"
    checks.check(db.is_file() and db.stat().st_size > 0, "creates var/kansoku.db")
    checks.check(jsonl.is_file() and jsonl.stat().st_size > 0, "creates var/events.jsonl")
    if not (db.is_file() and jsonl.is_file()):
        return
    try:
        streamed = ic.parse_jsonl(jsonl.read_text())
    except ValueError as e:
        checks.check(False, "var/events.jsonl is JSON lines", str(e))
        return

    scans = ic.run([kansoku, "query", "scans", "--db", db, "--json"], timeout=60, cwd=work)
    checks.check(scans.returncode == 0, "query scans --db var/kansoku.db --json exits 0", scans.stderr)
    scan_events = ic.parse_jsonl(scans.stdout)
    checks.check(len(scan_events) > 0 and all(e.get("type") == "darknet.scan" for e in scan_events),
                 f"query scans returns darknet.scan events ({len(scan_events)})")
    checks.check(len(scan_events) == len(ic.of_type(streamed, "darknet.scan")),
                 f"as many scans stored as in var/events.jsonl ({len(ic.of_type(streamed, 'darknet.scan'))})")

    attacks = ic.run([kansoku, "query", "attacks", "--db", db, "--json"], timeout=60, cwd=work)
    checks.check(attacks.returncode == 0, "query attacks --db var/kansoku.db --json exits 0", attacks.stderr)
    attack_events = ic.parse_jsonl(attacks.stdout)
    checks.check(len(attack_events) == 2 and all(e.get("type") == "ddos.attack" for e in attack_events),
                 f"query attacks returns 2 ddos.attack events (got {len(attack_events)})",
                 "\n".join(map(str, attack_events)))

    # The embedded default's database (var/kansoku.db relative to the working directory).
    default_db = ic.run([kansoku, "query", "attacks", "--json"], timeout=60, cwd=work)
    checks.check(default_db.returncode == 0 and ic.parse_jsonl(default_db.stdout) == attack_events,
                 "query attacks without --db reads var/kansoku.db of the working directory", default_db.stderr)


if __name__ == "__main__":
    sys.exit(main())
