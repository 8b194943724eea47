#!/usr/bin/env python3
"""Real scanners and a spoofed SYN flood between network namespaces, captured live by one darknet sensor.

Topology (scanner_lab.py): an attacker namespace with one source address per tool, a darknet namespace that
receives 203.0.113.0/24 and answers nothing, and a victim namespace (192.0.2.10, listening on TCP 8080)
whose only route to 203.0.113.0/24 goes through the darknet namespace.

From its own source each of these scans the darknet: nmap -sS (one host, ports 1-300), zmap (port 23, the
whole /24), masscan (ports 80,443,8080, the whole /24), a Mirai-style scapy scanner (sequence number =
destination address) and, as a control that no rule may claim, the kernel's own connect() SYNs. Meanwhile
scapy floods the victim with SYNs whose sources are forged inside the darknet, so the victim's SYN-ACKs
land in the darknet as backscatter.

`kansoku darknet capture --interface any` runs in the darknet namespace for a fixed --duration (with a
config that relaxes the backscatter thresholds to fit a short test), and tcpdump records each veth there
(the labelled pcaps). Checks:
  - one darknet.scan per source with proto tcp, `tool` = the tool's label, the right scan_kind, packets
    equal to tcpdump's count of that source's SYNs, tool_packets summing to packets with >= 99 % on the
    right label; no scan record for any darknet or victim address;
  - exactly one ddos.attack: victim 192.0.2.10, vector syn_flood, evidence backscatter, ports with 8080,
    packets equal to tcpdump's count of the victim's SYN-ACKs;
  - `kansoku darknet analyze` of the tcpdump pcaps gives the same tool and tool_packets as the live run.

Needs root, `ip netns`, nmap, zmap, masscan, tcpdump, python3-scapy; otherwise exits 77 (skipped).
Usage: scanner_tools.py PATH/TO/kansoku [--keep DIR]   (--keep: copy pcaps, labels.json, events and logs)
"""

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import integ_common as ic  # noqa: E402
import scanner_lab as sl  # noqa: E402

# The scanners take about 9 s and the flood 8 s, both started right after the sensor; the rest is margin.
CAPTURE_DURATION_S = 18
# Relaxed from the production defaults (25 packets, 60 s, 30 per minute) so that an 8 s flood qualifies.
BACKSCATTER_CONFIG = """\
[darknet.backscatter]
min_packets = 25
min_duration = "5s"
min_ppm = 30
"""
MIN_LABEL_SHARE = 0.99  # the accuracy target, per scan record


def wire_syns(pcap: Path, src: str):
    return ic.tcpdump_tcp_packets(pcap, f"tcp[tcpflags] == tcp-syn and src host {src} and dst net {sl.DARKNET}")


def check_scans(checks: ic.Checks, scans, wire_pcap: Path, where: str) -> dict:
    """The per-source checks; returns {label: scan record} for the comparison with the offline run."""
    by_label = {}
    for label, src in sl.SOURCES.items():
        mine = [s for s in scans if s.get("src") == src and s.get("proto") == "tcp"]
        if not checks.check(len(mine) == 1, f"{where}: exactly one tcp darknet.scan from {label} source {src} "
                                            f"(got {len(mine)})", "\n".join(map(str, mine))):
            continue
        scan = by_label[label] = mine[0]
        wire = wire_syns(wire_pcap, src)
        checks.check(scan.get("packets") == len(wire),
                     f"{where}: {label} packets {scan.get('packets')} == SYNs from {src} on the wire {len(wire)}")
        checks.check(scan.get("scan_kind") == sl.SCAN_KIND[label],
                     f"{where}: {label} scan_kind is {sl.SCAN_KIND[label]} (got {scan.get('scan_kind')})")
        checks.check(scan.get("spoofed") is False, f"{where}: {label} scan is not flagged spoofed "
                                                   f"(got {scan.get('spoofed')!r})")
        checks.check(scan.get("tool") == label, f"{where}: {label} scan has tool '{label}' (got '{scan.get('tool')}')",
                     f"tool_packets: {scan.get('tool_packets')}")
        counts = scan.get("tool_packets")
        if checks.check(isinstance(counts, dict) and all(isinstance(v, int) for v in counts.values()),
                        f"{where}: {label} scan has tool_packets, an object of packet counts (got {counts!r})"):
            total = sum(counts.values())
            share = counts.get(label, 0) / total if total else 0.0
            checks.check(total == scan.get("packets"),
                         f"{where}: {label} tool_packets sum {total} == packets {scan.get('packets')}")
            checks.check(share >= MIN_LABEL_SHARE,
                         f"{where}: {label} probes labelled '{label}': {share:.4f} >= {MIN_LABEL_SHARE}", str(counts))
        if label == "nmap":
            checks.check(scan.get("dst_count") == 1 and scan.get("port_count") == 300,
                         f"{where}: nmap dst_count 1, port_count 300 (got {scan.get('dst_count')}, "
                         f"{scan.get('port_count')})")
        elif label in ("zmap", "masscan"):
            ports = {p["port"] for p in scan.get("dst_ports", [])}
            expected = {sl.ZMAP_PORT} if label == "zmap" else {int(p) for p in sl.MASSCAN_PORTS.split(",")}
            checks.check(scan.get("dst_count") == 256 and ports == expected,
                         f"{where}: {label} dst_count 256, ports {sorted(expected)} (got {scan.get('dst_count')}, "
                         f"{sorted(ports)})")
        elif label == "mirai":
            ports = {p["port"] for p in scan.get("dst_ports", [])}
            checks.check(ports <= {23, 2323} and 23 in ports, f"{where}: mirai ports within 23/2323 (got {ports})")
    strays = [s for s in scans if s.get("src") not in sl.SOURCES.values()]
    checks.check(not strays, f"{where}: no darknet.scan from any other address (backscatter, victim)",
                 "\n".join(map(str, strays[:5])))
    return by_label


def check_attack(checks: ic.Checks, attacks, backscatter_pcap: Path, where: str) -> None:
    synacks = ic.tcpdump_tcp_packets(backscatter_pcap, f"tcp[tcpflags] & (tcp-syn|tcp-ack) == (tcp-syn|tcp-ack) "
                                                       f"and src host {sl.VICTIM} and dst net {sl.DARKNET}")
    checks.check(len(synacks) >= 100, f"the victim answered the flood: {len(synacks)} SYN-ACKs into the darknet")
    if not checks.check(len(attacks) == 1, f"{where}: exactly one ddos.attack (got {len(attacks)})",
                        "\n".join(map(str, attacks))):
        return
    attack = attacks[0]
    checks.check(attack.get("victim") == sl.VICTIM, f"{where}: attack victim {sl.VICTIM} (got {attack.get('victim')})")
    checks.check(attack.get("vector") == "syn_flood", f"{where}: attack vector syn_flood (got {attack.get('vector')})")
    checks.check(attack.get("evidence") == "backscatter",
                 f"{where}: attack evidence backscatter (got {attack.get('evidence')})")
    ports = {p.get("port") for p in attack.get("ports", [])}
    checks.check(sl.VICTIM_PORT in ports, f"{where}: attack ports contain {sl.VICTIM_PORT} (got {sorted(ports)})")
    checks.check(attack.get("packets") == len(synacks),
                 f"{where}: attack packets {attack.get('packets')} == SYN-ACKs on the wire {len(synacks)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kansoku")
    parser.add_argument("--keep", type=Path, help="copy the labelled pcaps, labels.json, events and logs here")
    args = parser.parse_args()
    kansoku = ic.kansoku_binary()
    sl.skip_unless_ready()
    ic.exit_on_signals()
    checks = ic.Checks()
    work = ic.make_temp_dir("ks-tools-")
    lab = sl.ScannerLab(work)
    started = time.monotonic()
    try:
        versions = sl.tool_versions()
        for tool, version in versions.items():
            print(f"      {tool}: {version}", flush=True)
        lab.setup()
        config = work / "kansoku.toml"
        config.write_text(BACKSCATTER_CONFIG)
        scan_pcap, backscatter_pcap = work / "scanners.pcap", work / "backscatter.pcap"
        tcpdumps = [lab.start_tcpdump("veth-dark", scan_pcap), lab.start_tcpdump("veth-dv", backscatter_pcap)]

        events_path, kansoku_err = work / "events.jsonl", work / "kansoku.err"
        with open(events_path, "w") as out, open(kansoku_err, "w") as err:
            capture = lab.start(lab.dark, [kansoku, "darknet", "capture", "--config", config, "--interface", "any",
                                           "--darknet", sl.DARKNET, "--jsonl", "--stats-interval", "5",
                                           "--duration", CAPTURE_DURATION_S], out, err)
        ready = ic.wait_for_text(kansoku_err, "capturing on", 15, capture)
        if not checks.check(ready, "kansoku darknet capture prints 'capturing on'", kansoku_err.read_text()):
            return checks.exit_code()
        capture_started = time.monotonic()

        victim = lab.start_victim(CAPTURE_DURATION_S + 30)
        flood = lab.start_flood()
        lab.run_scanners()
        flood.wait(timeout=sl.FLOOD_SECONDS + 30)
        # Closing the listener drops its half-open connections: no SYN-ACK retransmission arrives after the
        # sensor stops, so its count and tcpdump's must be equal.
        time.sleep(0.5)
        ic.stop_process(victim, signal.SIGKILL)
        flood_out = (work / "flood.out").read_text()
        checks.check(flood.returncode == 0 and "sent=" in flood_out, "scapy flood ran", flood_out)
        elapsed = time.monotonic() - capture_started
        checks.check(capture.poll() is None, f"all traffic sent within --duration {CAPTURE_DURATION_S} "
                                             f"({elapsed:.1f}s)", "raise CAPTURE_DURATION_S")
        try:
            rc = capture.wait(timeout=CAPTURE_DURATION_S + 30)
        except subprocess.TimeoutExpired:
            rc = None
        checks.check(rc == 0, f"kansoku darknet capture exits 0 (got {rc})", kansoku_err.read_text())
        for tcpdump in tcpdumps:
            ic.stop_process(tcpdump, signal.SIGINT, timeout=10)

        try:
            events = ic.parse_jsonl(events_path.read_text())
        except ValueError as e:
            checks.check(False, "kansoku --jsonl output is JSON lines", str(e))
            return checks.exit_code()
        live = check_scans(checks, ic.of_type(events, "darknet.scan"), scan_pcap, "live")
        check_attack(checks, ic.of_type(events, "ddos.attack"), backscatter_pcap, "live")

        # The same pcaps offline: the labels must not depend on live capture.
        offline = ic.run([kansoku, "darknet", "analyze", "--config", config, "--darknet", sl.DARKNET, "--jsonl",
                          "--quiet", scan_pcap, backscatter_pcap], timeout=120)
        if checks.check(offline.returncode == 0, "kansoku darknet analyze of the tcpdump pcaps exits 0",
                        offline.stderr):
            offline_scans = ic.of_type(ic.parse_jsonl(offline.stdout), "darknet.scan")
            for label, scan in live.items():
                twin = [s for s in offline_scans if s.get("src") == scan["src"] and s.get("proto") == "tcp"]
                keys = ("tool", "tool_packets", "packets")
                same = len(twin) == 1 and all(twin[0].get(k) == scan.get(k) for k in keys)
                checks.check(same, f"offline analysis agrees on {label}: tool, tool_packets, packets",
                             f"live:    {scan}\noffline: {twin}")

        if args.keep:
            sl.write_labels(work / "labels.json", versions)
            ic.keep_files(work, args.keep, "pcaps, labels and logs")
    finally:
        lab.teardown()
        ic.remove_temp_dir(work)
        print(f"      took {time.monotonic() - started:.1f}s", flush=True)
    return checks.exit_code()


if __name__ == "__main__":
    sys.exit(main())
