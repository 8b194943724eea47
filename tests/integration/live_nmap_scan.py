#!/usr/bin/env python3
"""Live darknet capture of a real nmap SYN scan between two network namespaces.

    ks-atk-PID  (198.51.100.2/24, veth-atk)  ──veth──  (198.51.100.1/24, veth-dark)  ks-dark-PID
                route 203.0.113.0/24 via 198.51.100.1

The darknet namespace owns 198.51.100.1 (so the attacker's ARP for its gateway is answered) but
no address in 203.0.113.0/24 and does not forward, so packets to the darknet are dropped there
without any reply; `kansoku darknet capture` and an independent tcpdump both watch veth-dark.

Two runs: one ended by --duration, one by SIGINT (which must close open records and store them).
Each asserts exactly one darknet.scan from the attacker, with port_count equal to the distinct
destination ports tcpdump saw, dst_count 1, scan_kind vertical, capture.stats with received > 0,
and the same scan back from `kansoku query scans --db ... --json`.

Needs root and `ip netns`; otherwise exits 77 (skipped). Usage: live_nmap_scan.py PATH/TO/kansoku
"""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import integ_common as ic  # noqa: E402

ATTACKER = "198.51.100.2"
GATEWAY = "198.51.100.1"
DARKNET = "203.0.113.0/24"
CAPTURE_DURATION_S = 10  # the --duration run: nmap must be done well before this
# With every probe unanswered nmap slows to about 10 probes a second; a floor keeps the test short.
NMAP_MIN_RATE = 300


def parse_port_spec(spec: str):
    ports = set()
    for part in spec.split(","):
        low, _, high = part.partition("-")
        ports.update(range(int(low), int(high or low) + 1))
    return ports


class Lab(ic.NamespaceCommands):
    """Two namespaces joined by a veth pair; removed (with every process started in them) on exit."""

    def __init__(self) -> None:
        pid = os.getpid()
        self.atk = f"ks-atk-{pid}"
        self.dark = f"ks-dark-{pid}"
        self.processes = []
        self.created = []

    def setup(self) -> None:
        self.remove_stale(("ks-atk", "ks-dark"))
        # No IPv6 chatter (router solicitations, MLD) on the link, no forwarding: only the test's packets.
        self.add_namespaces((self.atk, self.dark), self.created)
        self.ip("-n", self.atk, "link", "add", "veth-atk", "type", "veth", "peer", "name", "veth-dark", "netns",
                self.dark)
        self.ip("-n", self.atk, "addr", "add", f"{ATTACKER}/24", "dev", "veth-atk")
        self.ip("-n", self.dark, "addr", "add", f"{GATEWAY}/24", "dev", "veth-dark")
        self.ip("-n", self.atk, "link", "set", "veth-atk", "up")
        self.ip("-n", self.dark, "link", "set", "veth-dark", "up")
        self.ip("-n", self.atk, "route", "add", DARKNET, "via", GATEWAY)
        # Nothing must lead out of the namespaces.
        routes = self.ip("-n", self.atk, "route", "show").stdout + self.ip("-n", self.dark, "route", "show").stdout
        if "default" in routes:
            raise RuntimeError(f"unexpected default route in a test namespace:\n{routes}")
        self.wait_for_arp()

    def wait_for_arp(self) -> None:
        """The attacker must resolve its gateway (the veth carrier takes a moment to come up)."""
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if shutil.which("ping"):
                ic.run(self.exec_args(self.atk, "ping", "-c", "1", "-W", "1", GATEWAY), timeout=5)
            else:
                ic.run(self.exec_args(self.atk, "ip", "neigh", "replace", GATEWAY, "dev", "veth-atk", "nud", "none"),
                       timeout=5)
            neigh = self.ip("-n", self.atk, "neigh", "show", GATEWAY).stdout
            if "lladdr" in neigh and "FAILED" not in neigh and "INCOMPLETE" not in neigh:
                return
            time.sleep(0.2)
        raise RuntimeError(f"no ARP answer for {GATEWAY} from the darknet namespace")

    def start(self, namespace, args, stdout, stderr) -> subprocess.Popen:
        process = subprocess.Popen(self.exec_args(namespace, *args), stdout=stdout, stderr=stderr,
                                   stdin=subprocess.DEVNULL)
        self.processes.append(process)
        return process

    def teardown(self) -> None:
        for process in self.processes:
            ic.stop_process(process, signal.SIGKILL, timeout=5)
        for namespace in reversed(self.created):
            self.ip("netns", "del", namespace, check=False)
        self.created.clear()


def scenario(lab: Lab, work: Path, kansoku: str, checks: ic.Checks, label: str, target: str, port_spec: str,
             stop_by_signal: bool) -> None:
    print(f"--- {label}: nmap -p {port_spec} {target}, capture ended by "
          f"{'SIGINT' if stop_by_signal else f'--duration {CAPTURE_DURATION_S}'}", flush=True)
    work.mkdir()
    db = work / "k.db"
    wire = work / "wire.pcap"
    started = time.monotonic()

    tcpdump_log = work / "tcpdump.err"
    with open(tcpdump_log, "w") as err:
        tcpdump = lab.start(lab.dark, ["tcpdump", "-i", "veth-dark", "-nn", "-U", "-s", "128", "-w", wire],
                            subprocess.DEVNULL, err)
    if not ic.wait_for_text(tcpdump_log, "listening on", 15, tcpdump):
        raise RuntimeError(f"tcpdump did not start: {tcpdump_log.read_text()}")

    capture_args = [kansoku, "darknet", "capture", "--interface", "veth-dark", "--darknet", DARKNET, "--jsonl",
                    "--db", db, "--stats-interval", "1"]
    if not stop_by_signal:
        capture_args += ["--duration", CAPTURE_DURATION_S]
    kansoku_out = work / "events.jsonl"
    kansoku_err = work / "kansoku.err"
    with open(kansoku_out, "w") as out, open(kansoku_err, "w") as err:
        capture = lab.start(lab.dark, capture_args, out, err)
    ready = ic.wait_for_text(kansoku_err, "capturing on", 15, capture)
    checks.check(ready, "kansoku darknet capture prints 'capturing on'", kansoku_err.read_text())
    if not ready:
        return

    nmap = ic.run(lab.exec_args(lab.atk, "nmap", "-sS", "-Pn", "-n", "--max-retries", "0", "--min-rate",
                                              NMAP_MIN_RATE, "-p", port_spec, target),
                  timeout=120)
    print(f"      nmap took {time.monotonic() - started:.1f}s since tcpdump start", flush=True)
    checks.check(nmap.returncode == 0, "nmap exits 0", nmap.stdout + nmap.stderr)

    if stop_by_signal:
        time.sleep(1.5)  # let at least one stats interval pass after the last probe
        checks.check(capture.poll() is None, "kansoku still capturing before SIGINT", kansoku_err.read_text())
        capture.send_signal(signal.SIGINT)
    else:
        checks.check(capture.poll() is None, f"nmap finished within --duration {CAPTURE_DURATION_S}",
                     "raise CAPTURE_DURATION_S: the capture ended before the scan did")
    try:
        rc = capture.wait(timeout=CAPTURE_DURATION_S + 30)
    except subprocess.TimeoutExpired:
        rc = None
    checks.check(rc == 0, f"kansoku darknet capture exits 0 (got {rc})", kansoku_err.read_text())
    ic.stop_process(tcpdump, signal.SIGINT, timeout=10)

    # Independent count: SYNs from the attacker that crossed the veth, as tcpdump saw them.
    syns = ic.tcpdump_tcp_packets(wire, f"tcp[tcpflags] == tcp-syn and src host {ATTACKER} and dst host {target}")
    tcp_to_darknet = ic.tcpdump_tcp_packets(wire, f"tcp and src host {ATTACKER} and dst net {DARKNET}")
    wire_ports = {p[3] for p in syns}
    expected_ports = parse_port_spec(port_spec)
    checks.check(wire_ports == expected_ports,
                 f"tcpdump saw a SYN to each of the {len(expected_ports)} requested ports ({len(wire_ports)} distinct)",
                 f"missing: {sorted(expected_ports - wire_ports)[:20]} extra: {sorted(wire_ports - expected_ports)[:20]}")

    try:
        events = ic.parse_jsonl(kansoku_out.read_text())
    except ValueError as e:
        checks.check(False, "kansoku --jsonl output is JSON lines", str(e))
        return
    scans = ic.of_type(events, "darknet.scan")
    if not checks.check(len(scans) == 1, f"exactly one darknet.scan (got {len(scans)})",
                        "\n".join(map(str, scans))):
        return
    scan = scans[0]
    checks.check(scan.get("src") == ATTACKER, f"scan src is {ATTACKER} (got {scan.get('src')})")
    checks.check(scan.get("proto") == "tcp", f"scan proto is tcp (got {scan.get('proto')})")
    checks.check(scan.get("port_count") == len(wire_ports),
                 f"scan port_count {scan.get('port_count')} == distinct ports on the wire {len(wire_ports)}")
    checks.check(scan.get("packets") == len(tcp_to_darknet),
                 f"scan packets {scan.get('packets')} == TCP packets to the darknet on the wire {len(tcp_to_darknet)}")
    checks.check(scan.get("dst_count") == 1, f"scan dst_count is 1 (got {scan.get('dst_count')})")
    checks.check(scan.get("scan_kind") == "vertical", f"scan_kind is vertical (got {scan.get('scan_kind')})")

    stats = ic.of_type(events, "capture.stats")
    received = [s.get("received", 0) for s in stats]
    checks.check(any(r > 0 for r in received), f"capture.stats events with received > 0 (received: {received})")

    query = ic.run([kansoku, "query", "scans", "--db", db, "--json"], timeout=30)
    checks.check(query.returncode == 0, "kansoku query scans --json exits 0", query.stderr)
    stored = ic.parse_jsonl(query.stdout) if query.returncode == 0 else []
    checks.check(stored == [scan], "query scans returns the same scan as --jsonl",
                 f"jsonl:  {scan}\nstored: {stored}")
    print(f"      {label} took {time.monotonic() - started:.1f}s", flush=True)


def main() -> int:
    kansoku = ic.kansoku_binary()
    if os.geteuid() != 0:
        ic.skip("needs root to create network namespaces (ip netns)")
    for tool in ("ip", "nmap", "tcpdump"):
        if shutil.which(tool) is None:
            ic.skip(f"{tool} is not installed (scripts/setup installs it)")
    ic.exit_on_signals()
    checks = ic.Checks()
    tmp = ic.make_temp_dir("ks-live-")
    lab = Lab()
    try:
        lab.setup()
        scenario(lab, tmp / "duration", kansoku, checks, "duration run", "203.0.113.10", "1-200", False)
        scenario(lab, tmp / "sigint", kansoku, checks, "SIGINT run", "203.0.113.77", "20-25,80,443,1000-1049", True)
    finally:
        lab.teardown()
        ic.remove_temp_dir(tmp)
    return checks.exit_code()


if __name__ == "__main__":
    sys.exit(main())
