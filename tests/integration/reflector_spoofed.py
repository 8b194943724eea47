#!/usr/bin/env python3
"""Spoofed reflection attacks against the UDP reflector honeypots, between three network namespaces (needs root).

    ks-rcli-PID                                   ks-rref-PID                                  ks-rvic-PID
    veth-cr 198.51.100.20/24 (spoofer)  ──veth──  veth-rc 198.51.100.10/24                     
            198.51.100.30/24 (scanner)             kansoku honeypot, reflectors only,
                                                   bound to 198.51.100.10
                                                  veth-rv 192.0.2.1/24      ──veth──  veth-vr 192.0.2.20/24
                                                                                      tcpdump: what the victim gets

The spoofer sends (scapy, Ethernet frames to veth-rc's MAC) 300 DNS queries and 300 NTP monlist requests whose
source is the victim 192.0.2.20; the reflector's replies to 192.0.2.20 take its connected route into the victim
namespace (rp_filter is off in the reflector namespace: the forged source arrives on the "wrong" interface). A
scanner at 198.51.100.30 sends 2 DNS queries from its real address. Every namespace has ip_forward 0 and no
default route, every veth pair joins two test namespaces: nothing reaches the host or a real network.

Checks: one ddos.attack per vector (dns, ntp), evidence reflector, victim 192.0.2.20, packets 300; the victim
received at most answers_per_source (3) replies per service; the scanner got its 2 answers and a honeypot.session
(transport udp) and no ddos.attack.

Usage: reflector_spoofed.py PATH/TO/kansoku [--keep DIR]
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import honeypot_lab as hl  # noqa: E402
import integ_common as ic  # noqa: E402

REFLECTOR = "198.51.100.10"
SPOOFER = "198.51.100.20"
SCANNER = "198.51.100.30"
VICTIM = "192.0.2.20"
VICTIM_GATEWAY = "192.0.2.1"
REQUESTS = 300
ANSWERS_PER_SOURCE = 3
SCANNER_QUERIES = 2
NAME_PREFIXES = ("ks-rcli", "ks-rref", "ks-rvic")
SCAPY_PYTHON = "/usr/bin/python3" if os.access("/usr/bin/python3", os.X_OK) else sys.executable

# Runs in the spoofer's namespace: a burst of DNS ANY queries and NTP monlist (mode 7, MON_GETLIST_1) requests
# with the victim's address as source, from varying source ports as booters send them.
SPOOF_SCRIPT = r"""
import logging, random, sys
logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import Ether, IP, UDP, DNS, DNSQR, Raw, sendp
victim, reflector, mac, iface, dns_port, ntp_port, count = sys.argv[1:8]
dns_port, ntp_port, count = int(dns_port), int(ntp_port), int(count)
rng = random.Random(3)
monlist = bytes([0x17, 0x00, 0x03, 0x2a]) + bytes(4)
frames = []
for i in range(count):
    frames.append(Ether(dst=mac) / IP(src=victim, dst=reflector, id=rng.randrange(65536)) /
                  UDP(sport=rng.randrange(1024, 65536), dport=dns_port) /
                  DNS(id=rng.randrange(65536), rd=1, qd=DNSQR(qname="isc.org", qtype="ANY")))
for i in range(count):
    frames.append(Ether(dst=mac) / IP(src=victim, dst=reflector, id=rng.randrange(65536)) /
                  UDP(sport=rng.randrange(1024, 65536), dport=ntp_port) / Raw(monlist))
sendp(frames, iface=iface, verbose=False)
print("sent", len(frames), flush=True)
"""

# Runs in the spoofer's namespace from the scanner's real address: DNS queries on a socket, answers counted.
SCANNER_SCRIPT = r"""
import socket, struct, sys
source, reflector, port, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((source, 0))
s.settimeout(3)
answers = 0
for i in range(count):
    header = struct.pack("!HHHHHH", 0x4b00 + i, 0x0100, 1, 0, 0, 0)
    query = header + b"\x07example\x03com\x00" + struct.pack("!HH", 1, 1)
    s.sendto(query, (reflector, port))
    try:
        data, _ = s.recvfrom(4096)
        if len(data) >= 12 and data[:2] == query[:2] and data[2] & 0x80:
            answers += 1
    except socket.timeout:
        pass
print("answers", answers, flush=True)
"""


class ReflectorLab(ic.NamespaceCommands):
    def __init__(self, work: Path) -> None:
        pid = os.getpid()
        self.cli = f"ks-rcli-{pid}"
        self.ref = f"ks-rref-{pid}"
        self.vic = f"ks-rvic-{pid}"
        self.work = work
        self.created = []
        self.processes = []

    def setup(self) -> None:
        self.remove_stale(NAME_PREFIXES)
        self.add_namespaces((self.cli, self.ref, self.vic), self.created)
        self.ip("-n", self.cli, "link", "add", "veth-cr", "type", "veth", "peer", "name", "veth-rc", "netns", self.ref)
        self.ip("-n", self.vic, "link", "add", "veth-vr", "type", "veth", "peer", "name", "veth-rv", "netns", self.ref)
        self.ip("-n", self.cli, "addr", "add", f"{SPOOFER}/24", "dev", "veth-cr")
        self.ip("-n", self.cli, "addr", "add", f"{SCANNER}/24", "dev", "veth-cr")
        self.ip("-n", self.ref, "addr", "add", f"{REFLECTOR}/24", "dev", "veth-rc")
        self.ip("-n", self.ref, "addr", "add", f"{VICTIM_GATEWAY}/24", "dev", "veth-rv")
        self.ip("-n", self.vic, "addr", "add", f"{VICTIM}/24", "dev", "veth-vr")
        for namespace, link in ((self.cli, "veth-cr"), (self.ref, "veth-rc"), (self.ref, "veth-rv"),
                                (self.vic, "veth-vr")):
            self.ip("-n", namespace, "link", "set", link, "up")
        # Forged sources (192.0.2.20) arrive on veth-rc while the route back is veth-rv: loose reverse path.
        for setting in ("all", "default", "veth-rc", "veth-rv"):
            self.sysctl(self.ref, f"net.ipv4.conf.{setting}.rp_filter=0")
        self.wait_for_link(self.cli, "veth-cr")
        self.wait_for_link(self.vic, "veth-vr")

    def wait_for_link(self, namespace: str, link: str) -> None:
        deadline = time.monotonic() + 10
        while "LOWER_UP" not in self.ip("-n", namespace, "link", "show", link).stdout:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{link} in {namespace} did not come up")
            time.sleep(0.1)

    def isolation_problems(self):
        """No default route anywhere, and every interface is lo or one of our veths."""
        expected = {self.cli: {"lo", "veth-cr"}, self.ref: {"lo", "veth-rc", "veth-rv"}, self.vic: {"lo", "veth-vr"}}
        problems = []
        for namespace, links in expected.items():
            routes = self.ip("-n", namespace, "route", "show", "table", "all").stdout
            if "default" in routes:
                problems.append(f"default route in {namespace}: {routes}")
            names = {link["ifname"] for link in json.loads(self.ip("-j", "-n", namespace, "link", "show").stdout)}
            if names != links:
                problems.append(f"{namespace} has interfaces {sorted(names)}, expected {sorted(links)}")
            forward = ic.run(self.exec_args(namespace, "sysctl", "-n", "net.ipv4.ip_forward"), timeout=10).stdout
            if forward.strip() != "0":
                problems.append(f"{namespace}: ip_forward {forward.strip()}")
        return problems

    def mac_of(self, namespace, link) -> str:
        return json.loads(self.ip("-j", "-n", namespace, "link", "show", link).stdout)[0]["address"]

    def start(self, namespace, args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) -> subprocess.Popen:
        process = subprocess.Popen(self.exec_args(namespace, *args), stdout=stdout, stderr=stderr,
                                   stdin=subprocess.DEVNULL)
        self.processes.append(process)
        return process

    def teardown(self) -> None:
        for process in self.processes:
            ic.stop_process(process, signal.SIGINT, timeout=5)
        for namespace in reversed(self.created):
            self.ip("netns", "del", namespace, check=False)
        self.created.clear()


def skip_unless_ready() -> None:
    if os.geteuid() != 0:
        ic.skip("needs root to create network namespaces (ip netns)")
    for tool in ("ip", "tcpdump"):
        if shutil.which(tool) is None:
            ic.skip(f"{tool} is not installed (scripts/setup installs it)")
    if ic.run([SCAPY_PYTHON, "-c", "import scapy.all"], timeout=60).returncode != 0:
        ic.skip("python3-scapy is not installed (scripts/setup installs it)")


def count_replies(pcap: Path, src_port: int) -> int:
    result = ic.run(["tcpdump", "-nn", "-r", pcap, f"udp and src host {REFLECTOR} and src port {src_port} and "
                     f"dst host {VICTIM}"], timeout=60)
    if result.returncode != 0:
        raise RuntimeError(f"tcpdump -r {pcap}: {result.stderr.strip()}")
    return len([line for line in result.stdout.splitlines() if line.strip()])


def main() -> int:
    binary = ic.kansoku_binary()
    keep = Path(sys.argv[sys.argv.index("--keep") + 1]) if "--keep" in sys.argv else None
    skip_unless_ready()
    ic.exit_on_signals()
    checks = ic.Checks()
    work = ic.make_temp_dir("kansoku-reflector-")
    lab = ReflectorLab(work)
    honeypot = None
    try:
        lab.setup()
        problems = lab.isolation_problems()
        checks.check(not problems, "no default route, ip_forward 0, only the test's veths in every namespace",
                     "\n".join(problems))
        if problems:
            return checks.exit_code()
        overrides = {
            "honeypot.telnet": {"enabled": False},
            "honeypot.download": {"enabled": False},
            "honeypot.reflector": {"enabled": True, "address": REFLECTOR, "answers_per_source": ANSWERS_PER_SOURCE,
                                   "attack_min_requests": 100, "flow_idle_timeout": "1s"},
        }
        honeypot = hl.HoneypotLab(binary, work, overrides, prefix=lab.exec_args(lab.ref))
        honeypot.start()
        dns_port, ntp_port = honeypot.ports.get("dns"), honeypot.ports.get("ntp")
        checks.check(bool(dns_port) and bool(ntp_port) and honeypot.addresses.get("dns") == REFLECTOR,
                     f"the reflectors listen on {REFLECTOR} (dns {dns_port}, ntp {ntp_port})")

        pcap = work / "victim.pcap"
        tcpdump_err = work / "tcpdump.err"
        with open(tcpdump_err, "w") as err:
            tcpdump = lab.start(lab.vic, ["tcpdump", "-i", "veth-vr", "-nn", "-U", "-s", "256", "-w", pcap, "udp"],
                                subprocess.DEVNULL, err)
        if not ic.wait_for_text(tcpdump_err, "listening on", 15, tcpdump):
            raise RuntimeError(f"tcpdump did not start: {tcpdump_err.read_text()}")

        mac = lab.mac_of(lab.ref, "veth-rc")
        spoof = ic.run(lab.exec_args(lab.cli, SCAPY_PYTHON, "-c", SPOOF_SCRIPT, VICTIM, REFLECTOR, mac, "veth-cr",
                                     dns_port, ntp_port, REQUESTS), timeout=60)
        checks.check(spoof.returncode == 0 and f"sent {2 * REQUESTS}" in spoof.stdout,
                     f"the spoofer sent {REQUESTS} DNS and {REQUESTS} NTP monlist requests from {VICTIM}",
                     spoof.stdout + spoof.stderr)
        scan = ic.run(lab.exec_args(lab.cli, SCAPY_PYTHON, "-c", SCANNER_SCRIPT, SCANNER, REFLECTOR, dns_port,
                                    SCANNER_QUERIES), timeout=30)
        checks.check(f"answers {SCANNER_QUERIES}" in scan.stdout,
                     f"the scanner got answers to its {SCANNER_QUERIES} DNS queries", scan.stdout + scan.stderr)
        # Flows end after 1 s without requests; stop() flushes whatever is left.
        honeypot.wait_for_events(lambda ev: len(ic.of_type(ev, "ddos.attack")) >= 2 and
                                 ic.of_type(ev, "honeypot.session"), 10)
        time.sleep(0.5)
        status = honeypot.stop()
        checks.check(status == 0, "kansoku honeypot exits 0 on SIGINT", honeypot.stderr_text[-2000:])
        ic.stop_process(tcpdump, signal.SIGINT, timeout=5)

        events = honeypot.events()
        attacks = ic.of_type(events, "ddos.attack")
        for vector in ("dns", "ntp"):
            mine = [a for a in attacks if a.get("vector") == vector]
            ok = (len(mine) == 1 and mine[0].get("evidence") == "reflector" and mine[0].get("victim") == VICTIM and
                  mine[0].get("packets") == REQUESTS)
            checks.check(ok, f"one ddos.attack for {vector}: evidence reflector, victim {VICTIM}, packets {REQUESTS}",
                         json.dumps(mine))
        checks.check(all(a.get("victim") == VICTIM for a in attacks) and len(attacks) == 2,
                     f"no other ddos.attack ({len(attacks)} in all)", json.dumps(attacks))
        dns_replies, ntp_replies = count_replies(pcap, dns_port), count_replies(pcap, ntp_port)
        checks.check(1 <= dns_replies <= ANSWERS_PER_SOURCE,
                     f"the victim received {dns_replies} DNS replies (1..{ANSWERS_PER_SOURCE})")
        checks.check(1 <= ntp_replies <= ANSWERS_PER_SOURCE,
                     f"the victim received {ntp_replies} NTP replies (1..{ANSWERS_PER_SOURCE})")
        scanner_sessions = [e for e in ic.of_type(events, "honeypot.session") if e.get("src") == SCANNER]
        checks.check(len(scanner_sessions) == 1 and scanner_sessions[0].get("transport") == "udp" and
                     scanner_sessions[0].get("protocol") == "dns" and
                     scanner_sessions[0].get("requests") == SCANNER_QUERIES,
                     f"the scanner has one honeypot.session (transport udp, dns, {SCANNER_QUERIES} requests)",
                     json.dumps(scanner_sessions))
        checks.check(not any(a.get("victim") == SCANNER for a in attacks), "no ddos.attack for the scanner")
        victim_sessions = [e for e in ic.of_type(events, "honeypot.session") if e.get("src") == VICTIM]
        checks.check(not victim_sessions, "the victim's flows are attacks, not sessions", json.dumps(victim_sessions))
        reflectors = re.search(r"reflectors: (\d+) requests, (\d+) replies, (\d+) suppressed", honeypot.stderr_text)
        expected = 2 * REQUESTS + SCANNER_QUERIES
        checks.check(reflectors is not None and int(reflectors.group(1)) == expected,
                     f"the summary counts {expected} requests "
                     f"({reflectors.group(0) if reflectors else honeypot.stderr_text[-500:]})")
        problems = lab.isolation_problems()
        checks.check(not problems, "still no default route and no other interface at the end", "\n".join(problems))
    except (RuntimeError, OSError, ValueError, subprocess.TimeoutExpired) as e:
        checks.check(False, "the lab ran to the end", f"{type(e).__name__}: {e}")
    finally:
        if honeypot is not None:
            honeypot.stop()
        lab.teardown()
        if keep is not None:
            ic.keep_files(work, keep, "the config, logs and capture")
            if (work / "var").exists():
                ic.keep_files(work / "var", keep / "var", "the honeypot's outputs")
        ic.remove_temp_dir(work)
        left = [n for n in (lab.cli, lab.ref, lab.vic) if n in lab.ip("netns", "list", check=False).stdout]
        if left:
            print(f"FAIL  namespaces left behind: {left}", flush=True)
    return checks.exit_code()


if __name__ == "__main__":
    started = time.monotonic()
    code = main()
    print(f"({time.monotonic() - started:.1f} s)", flush=True)
    sys.exit(code)
