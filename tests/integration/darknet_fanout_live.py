#!/usr/bin/env python3
"""Live capture over two workers (a PACKET_FANOUT group split by address) gives what one gives.

A capture made with scapy — 300 scanners probing the darknet with TCP SYNs and UDP, one victim
answering a spoofed flood with SYN-ACKs, and eight routers near it answering with ICMP port
unreachable that quote packets sent to it — is replayed with tcpreplay into a veth pair between
two namespaces (tests/integration/replay_lab.py), once captured with `-j 1` and once with `-j 2`.
Checked, for each run: every frame received and none dropped; for -j 2, capture.stats lists both
workers, both got packets and their packets add up. Then the two runs must give the same scan
records (per source and protocol: packets, distinct destinations and ports, top ports, tool,
kind) and exactly one ddos.attack for the victim with every one of its replies — the routers'
errors reach the victim's worker, not the routers' — and the same port totals. The same capture
analysed offline with -j 1 and -j 2 gives the same events too.

Needs root, `ip netns` and tcpreplay; otherwise exits 77. Usage: darknet_fanout_live.py PATH/TO/kansoku
"""

import json
import os
import random
import sys
from collections import Counter
import time
from pathlib import Path

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import integ_common as ic  # noqa: E402
import replay_lab  # noqa: E402

DARKNET = "203.0.113.0/24"
VICTIM = "192.0.2.80"
SCANNERS = 300
RATE_PPS = 4000
# Every victim whose replies are seen is an attack: the comparison is about where they are counted.
CONFIG = """
[darknet]
prefixes = ["203.0.113.0/24"]
[darknet.backscatter]
min_packets = 1
min_duration = "0s"
min_ppm = 0
"""


def write_capture(path: Path) -> int:
    from scapy.all import ICMP, IP, TCP, UDP, Ether, wrpcap  # noqa: E402 (Debian's python3-scapy)
    rng = random.Random(15)
    frames = []
    ether = Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")
    for s in range(SCANNERS):
        src = f"198.51.{100 + s // 250}.{1 + s % 250}"
        for _ in range(rng.randint(1, 12)):
            dst = f"203.0.113.{rng.randint(1, 254)}"
            if rng.random() < 0.8:
                frames.append(ether / IP(src=src, dst=dst, ttl=64) / TCP(sport=40000 + s, dport=rng.choice(
                    [22, 23, 80, 443, 2323, 8080]), flags="S", seq=rng.getrandbits(32)))
            else:
                frames.append(ether / IP(src=src, dst=dst, ttl=64) / UDP(sport=50000, dport=rng.choice([53, 123])))
    for i in range(60):
        frames.append(ether / IP(src=VICTIM, dst=f"203.0.113.{1 + i}", ttl=60) /
                      TCP(sport=80, dport=1024 + i, flags="SA", seq=i, ack=i + 1))
    for r in range(8):
        for i in range(10):
            darknet = f"203.0.113.{100 + i}"
            quoted = IP(src=darknet, dst=VICTIM, ttl=50) / UDP(sport=3000 + i, dport=27015)
            frames.append(ether / IP(src=f"192.0.2.{200 + r}", dst=darknet, ttl=250) / ICMP(type=3, code=3) /
                          bytes(quoted)[:28])
    rng.shuffle(frames)
    wrpcap(str(path), frames)
    return len(frames)


def summary(events):
    scans = {}
    for e in ic.of_type(events, "darknet.scan"):
        scans[(e["src"], e["proto"])] = (e["packets"], e["dst_count"], e["port_count"], json.dumps(e["dst_ports"]),
                                         e["tool"], e["scan_kind"])
    attacks = Counter()
    attack_packets = Counter()
    for e in ic.of_type(events, "ddos.attack"):
        attacks[e["victim"]] += 1
        attack_packets[e["victim"]] += e["packets"]
    ports = Counter()
    for e in ic.of_type(events, "darknet.port_stats"):
        ports[(e["proto"], e["port"])] += e["packets"]
    return scans, attacks, attack_packets, ports


def run_live(lab, kansoku, work: Path, capture: Path, config: Path, workers: int, checks, frames: int):
    out, err = work / f"live-j{workers}.jsonl", work / f"live-j{workers}.stderr"
    process = lab.start_capture(kansoku, ["-j", workers, "--config", config, "--jsonl", "--stats-interval", "1"],
                                out, err)
    sent = lab.replay(capture, pps=RATE_PPS)
    time.sleep(1.5)
    code = lab.stop(process)
    checks.check(code == 0, f"-j {workers}: capture ends cleanly on SIGINT", err.read_text())
    events = ic.parse_jsonl(out.read_text())
    stats = ic.of_type(events, "capture.stats")
    received = sum(s["received"] for s in stats)
    dropped = sum(s["dropped_kernel"] for s in stats)
    checks.check(sent.get("packets") == frames, f"-j {workers}: tcpreplay sent all {frames} frames", str(sent))
    checks.check(received == frames and dropped == 0, f"-j {workers}: every frame received, none dropped",
                 f"received {received}, dropped {dropped}")
    if workers > 1:
        shares = [0] * workers
        listed = all(len(s.get("workers", [])) == workers for s in stats)
        for s in stats:
            for i, w in enumerate(s.get("workers", [])):
                shares[i] += w["received"]
        checks.check(listed and sum(shares) == received and min(shares) > 0,
                     f"-j {workers}: capture.stats lists each worker; all got packets ({shares})",
                     json.dumps(stats[-1])[:600])
    return summary(events)


def main() -> int:
    kansoku = ic.kansoku_binary()
    ic.require_system_module("scapy.all", "python3-scapy")
    why = replay_lab.have_tools()
    if why:
        ic.skip(why)
    checks = ic.Checks()
    work = ic.make_temp_dir("ks-fanout-")
    lab = replay_lab.ReplayLab()
    try:
        capture = work / "mixed.pcap"
        frames = write_capture(capture)
        config = work / "fanout.toml"
        config.write_text(CONFIG)
        os.chdir(work)

        offline = {}
        for workers in (1, 2):
            result = ic.run([kansoku, "darknet", "analyze", "-j", workers, "--config", config, "--jsonl", "-q",
                             capture.name], timeout=120)
            events = ic.parse_jsonl(result.stdout)
            for e in events:
                e.pop("state_bytes", None)
            offline[workers] = events
        checks.check(offline[1] == offline[2], "offline: -j 2 gives the events of -j 1")
        scans_offline, attacks_offline, _, _ = summary(offline[1])

        lab.setup()
        one = run_live(lab, kansoku, work, capture, config, 1, checks, frames)
        two = run_live(lab, kansoku, work, capture, config, 2, checks, frames)
        checks.check(one[0] == two[0] and one[0] == scans_offline,
                     f"the same {len(one[0])} scan records live with 1 and 2 workers, and offline",
                     f"only -j 1: {sorted(set(one[0].items()) - set(two[0].items()))[:5]}\n"
                     f"only -j 2: {sorted(set(two[0].items()) - set(one[0].items()))[:5]}")
        expected_replies = 60 + 8 * 10
        for label, (_, attacks, attack_packets, _) in (("-j 1", one), ("-j 2", two)):
            checks.check(attacks == Counter({VICTIM: 1}) and attack_packets[VICTIM] == expected_replies,
                         f"{label}: one ddos.attack for {VICTIM} with all {expected_replies} replies "
                         "(its SYN-ACKs and the routers' errors quoting it)",
                         f"attacks {dict(attacks)}, packets {dict(attack_packets)}")
        checks.check(attacks_offline == Counter({VICTIM: 1}), "offline: one ddos.attack for the victim")
        checks.check(one[3] == two[3], "the same packets per port with 1 and 2 workers")
    finally:
        lab.teardown()
        ic.remove_temp_dir(work)
    return checks.exit_code()


if __name__ == "__main__":
    sys.exit(main())
