#!/usr/bin/env python3
"""Real captures from $KANSOKU_SHARED/data/pcaps (made by others with real tools).

Every capture is analysed with the whole address space as darknet without error; the nmap SYN scan
capture with --darknet 64.13.134.52 (its target) yields exactly one darknet.scan from the scanner,
whose port_count equals the distinct SYN destination ports tcpdump counts in the same file.

Skips (77) when the shared folder is missing. Usage: real_captures.py PATH/TO/kansoku
"""

import os
import shutil
import sys

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import integ_common as ic  # noqa: E402

NMAP_CAPTURE = "nmap-synscan.pcapng"
NMAP_TARGET = "64.13.134.52"
NMAP_SCANNER = "172.16.0.8"


def main() -> int:
    kansoku = ic.kansoku_binary()
    pcaps = ic.shared_dir() / "data" / "pcaps"
    if not pcaps.is_dir():
        ic.skip(f"{pcaps} is missing (set KANSOKU_SHARED to the shared data folder)")
    if shutil.which("tcpdump") is None:
        ic.skip("tcpdump is not installed (scripts/setup installs it)")
    checks = ic.Checks()
    files = sorted(p for p in pcaps.iterdir() if p.is_file())
    checks.check(len(files) > 0, f"{pcaps} holds captures ({len(files)})")

    for capture in files:
        result = ic.run([kansoku, "darknet", "analyze", "--darknet", "0.0.0.0/0", "--darknet", "::/0", "--jsonl",
                         capture], timeout=120)
        ok = checks.check(result.returncode == 0, f"{capture.name}: analyze exits 0", result.stderr)
        if not ok:
            continue
        try:
            events = ic.parse_jsonl(result.stdout)
        except ValueError as e:
            checks.check(False, f"{capture.name}: output is JSON lines", str(e))
            continue
        missing = [e for e in events if not all(k in e for k in ("type", "ts", "sensor"))]
        checks.check(not missing, f"{capture.name}: {len(events)} events, each with type, ts and sensor",
                     "\n".join(map(str, missing[:5])))
        stats = ic.of_type(events, "capture.stats")
        received = sum(s.get("received", 0) for s in stats)
        wire = len(ic.run(["tcpdump", "-nn", "-r", capture], timeout=60).stdout.splitlines())
        checks.check(received == wire, f"{capture.name}: capture.stats received {received} == tcpdump's {wire} packets")

    nmap = pcaps / NMAP_CAPTURE
    if not checks.check(nmap.is_file(), f"{NMAP_CAPTURE} is present"):
        return checks.exit_code()
    syns = ic.tcpdump_tcp_packets(nmap, f"tcp[tcpflags] == tcp-syn and dst host {NMAP_TARGET}")
    wire_ports = {p[3] for p in syns if p[0] == NMAP_SCANNER}
    checks.check(len(wire_ports) == 1000, f"tcpdump counts {len(wire_ports)} distinct SYN ports to {NMAP_TARGET} "
                                          "(nmap's top 1000)")
    result = ic.run([kansoku, "darknet", "analyze", "--darknet", NMAP_TARGET, "--jsonl", nmap], timeout=120)
    if not checks.check(result.returncode == 0, f"{NMAP_CAPTURE} --darknet {NMAP_TARGET}: analyze exits 0",
                        result.stderr):
        return checks.exit_code()
    scans = ic.of_type(ic.parse_jsonl(result.stdout), "darknet.scan")
    from_scanner = [s for s in scans if s.get("src") == NMAP_SCANNER]
    checks.check(len(scans) == 1 and len(from_scanner) == 1,
                 f"exactly one darknet.scan, from {NMAP_SCANNER} (got {len(scans)}, {len(from_scanner)} from it)",
                 "\n".join(map(str, scans)))
    if from_scanner:
        scan = from_scanner[0]
        checks.check(scan.get("port_count") == len(wire_ports),
                     f"port_count {scan.get('port_count')} == tcpdump's distinct ports {len(wire_ports)}")
        checks.check(scan.get("proto") == "tcp", f"proto is tcp (got {scan.get('proto')})")
        checks.check(scan.get("dst_count") == 1, f"dst_count is 1 (got {scan.get('dst_count')})")
        checks.check(scan.get("scan_kind") == "vertical", f"scan_kind is vertical (got {scan.get('scan_kind')})")
        checks.check(scan.get("packets") == len(syns),
                     f"packets {scan.get('packets')} == tcpdump's SYNs to the target {len(syns)}")
    return checks.exit_code()


if __name__ == "__main__":
    sys.exit(main())
