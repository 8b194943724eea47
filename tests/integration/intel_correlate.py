#!/usr/bin/env python3
"""`kansoku intel correlate` end to end: the demo darknet capture (`kansoku darknet generate --profile
demo`: Mirai-style, nmap, zmap, masscan and unknown-tool scanners, backscatter) analyzed into a
database, then correlated: every source whose scan record carries the mirai fingerprint becomes an
infected host (family mirai, its reason and evidence), no nmap/zmap/masscan/unknown source and no
DDoS victim does; a second run changes nothing; --since in the future reads nothing; bad input is a
one-line error with a non-zero exit.

Usage: intel_correlate.py PATH/TO/kansoku
"""

import json
import os
import sqlite3
import sys

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import integ_common as ic  # noqa: E402


def main() -> int:
    binary = ic.kansoku_binary()
    checks = ic.Checks()
    work = ic.make_temp_dir("kansoku-correlate-")
    try:
        pcap = work / "demo.pcap"
        db = work / "k.db"
        gen = ic.run([binary, "darknet", "generate", "--profile", "demo", "-o", str(pcap)])
        checks.check(gen.returncode == 0, "darknet generate --profile demo", gen.stderr)
        analyze = ic.run([binary, "darknet", "analyze", "--darknet", "203.0.113.0/24", "--db", str(db), str(pcap)])
        checks.check(analyze.returncode == 0, "darknet analyze into the database", analyze.stderr)

        with sqlite3.connect(db) as con:
            scans = [json.loads(body) for (body,) in con.execute("SELECT body FROM events WHERE type = 'darknet.scan'")]
            victims = {json.loads(body)["victim"] for (body,) in
                       con.execute("SELECT body FROM events WHERE type = 'ddos.attack'")}
        mirai = {s["src"] for s in scans if s["tool"] == "mirai"}
        others = {s["src"] for s in scans if s["tool"] != "mirai"} - mirai
        tools = {s["tool"] for s in scans}
        checks.check(len(mirai) >= 5 and {"nmap", "zmap", "masscan"} <= tools and victims,
                     "the demo capture has Mirai-style sources, nmap, zmap and masscan scans and DDoS victims",
                     f"mirai {len(mirai)}, tools {sorted(tools)}, victims {sorted(victims)}")

        result = ic.run([binary, "intel", "correlate", "--db", str(db), "--json"])
        checks.check(result.returncode == 0, "intel correlate --json exits 0", result.stderr)
        summary = json.loads(result.stdout) if result.returncode == 0 else {}
        checks.check(summary.get("hosts") == len(mirai) and summary.get("malformed") == 0 and
                     summary.get("refused_scanner", 0) >= 3 and summary.get("events") == len(scans) + len(victims),
                     "summary: one host per Mirai-style source, the scanners refused, nothing malformed",
                     result.stdout)

        with sqlite3.connect(db) as con:
            rows = {ip: (family, confidence, json.loads(reasons), json.loads(evidence))
                    for ip, family, confidence, reasons, evidence in
                    con.execute("SELECT ip, family, confidence, reasons, evidence FROM infected_hosts")}
        checks.check(set(rows) == mirai, "the infected hosts are exactly the Mirai-style sources",
                     f"rows {sorted(rows)}\nmirai {sorted(mirai)}")
        checks.check(not (set(rows) & (others | victims)), "no nmap/zmap/masscan/unknown source and no victim",
                     f"{sorted(set(rows) & (others | victims))}")
        bad = [ip for ip, (family, confidence, reasons, evidence) in rows.items()
               if family != "mirai" or confidence != 60 or len(reasons) != 1 or "mirai fingerprint" not in reasons[0]
               or not evidence or evidence[0]["type"] != "darknet.scan"]
        checks.check(not bad, "each: family mirai, confidence 60, the fingerprint reason, darknet.scan evidence",
                     f"{[(ip, rows[ip]) for ip in bad[:3]]}")

        text = ic.run([binary, "intel", "correlate", "--db", str(db)])
        checks.check(text.returncode == 0 and text.stdout.startswith(f"correlated {summary.get('events')} events")
                     and f"{len(mirai)} infected hosts" in text.stdout,
                     "a second run prints the one-line summary with the same hosts", text.stdout + text.stderr)
        with sqlite3.connect(db) as con:
            count = con.execute("SELECT COUNT(*) FROM infected_hosts").fetchone()[0]
        checks.check(count == len(mirai), "a second run adds no rows", f"{count} rows")

        future = ic.run([binary, "intel", "correlate", "--db", str(db), "--since", "2999-01-01T00:00:00Z", "--json"])
        checks.check(future.returncode == 0 and json.loads(future.stdout or "{}").get("events") == 0,
                     "--since in the future reads no event", future.stdout + future.stderr)

        ic.one_line_error(ic.run([binary, "intel", "correlate", "--db", str(db), "--since", "yesterday"]),
                       "--since yesterday", checks, "--since")
        ic.one_line_error(ic.run([binary, "intel", "correlate", "--db", str(work / "missing.db")]),
                       "a missing database", checks, "missing.db")
        not_db = work / "not.db"
        not_db.write_text("not a database\n" * 100)
        ic.one_line_error(ic.run([binary, "intel", "correlate", "--db", str(not_db)]), "a file that is not a database",
                       checks, "not.db")
    finally:
        ic.remove_temp_dir(work)
    return checks.exit_code()


if __name__ == "__main__":
    sys.exit(main())
