"""Three network namespaces in which real scanners and a spoofed SYN flood produce labelled darknet traffic.

Used by scanner_tools.py (live capture checks) and fingerprint_accuracy.py (precision/recall per rule).

    ks-tatk-PID                              ks-tdark-PID                          ks-tvic-PID
    veth-atk 198.51.100.10-.14/24 ──veth── veth-dark 198.51.100.1/24
      route 203.0.113.0/24 via .1             (no address in 203.0.113.0/24,
                                               ip_forward 0: drops without reply)
                                            veth-dv 192.0.2.1/24 ──veth── veth-vd 192.0.2.10/24
                                                                            route 203.0.113.0/24 via 192.0.2.1
    veth-av (no address) ─────────────────────────────────────────veth── veth-va (no address)

Every scanner has its own source address on veth-atk (SOURCES). The spoofed flood leaves the attacker on
veth-av straight into the victim (Ethernet frames addressed to veth-va's MAC, sources forged inside the
darknet); the victim's kernel answers with SYN-ACKs that can only reach 203.0.113.0/24 through the darknet
namespace, which drops them silently: backscatter. No namespace has a default route and every veth pair
joins two of these namespaces, so no packet can reach the host or any real network.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import integ_common as ic  # noqa: E402

DARKNET = "203.0.113.0/24"
GATEWAY = "198.51.100.1"
VICTIM = "192.0.2.10"
VICTIM_GATEWAY = "192.0.2.1"
VICTIM_PORT = 8080

# Ground truth: each tool scans from its own source, and that source sends nothing else into the darknet.
SOURCES = {
    "nmap": "198.51.100.10",
    "zmap": "198.51.100.11",
    "masscan": "198.51.100.12",
    "mirai": "198.51.100.13",
    "unknown": "198.51.100.14",  # the kernel's own connect() SYNs: options, window 64240 -> no rule
}
SCAN_KIND = {"nmap": "vertical", "zmap": "horizontal", "masscan": "horizontal", "mirai": "horizontal",
             "unknown": "horizontal"}

NMAP_TARGET = "203.0.113.10"
NMAP_PORTS = "1-300"
ZMAP_PORT = 23
MASSCAN_PORTS = "80,443,8080"
MIRAI_PROBES = 400
CONTROL_HOSTS = 40  # connect() to port 22 on .1-.40
SCAN_RATE = 2000
FLOOD_SECONDS = 8
FLOOD_PPS = 100

NAME_PREFIXES = ("ks-tatk", "ks-tdark", "ks-tvic")
# Debian's interpreter, which has python3-scapy (the one running this script may be another).
SCAPY_PYTHON = "/usr/bin/python3" if os.access("/usr/bin/python3", os.X_OK) else sys.executable

# Scapy scripts run inside the attacker namespace (python3-scapy, /usr/bin/python3).
MIRAI_SCRIPT = r"""
import random, socket, struct, sys
import logging
logging.getLogger("scapy.runtime").setLevel(logging.ERROR)  # "no default route": none is wanted
from scapy.all import Ether, IP, TCP, sendp
src, mac, iface, count, seed = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
rng = random.Random(seed)
# As Mirai's scanner.c: one random source port and window per scanner, a random IP ID per probe,
# TTL 64, no options, port 23 nine times in ten else 2323, sequence number = destination address.
sport, window = rng.randrange(1024, 65536), rng.randrange(1, 65536)
frames = []
for _ in range(count):
    dst = "203.0.113.%d" % rng.randrange(0, 256)
    seq = struct.unpack("!I", socket.inet_aton(dst))[0]
    dport = 2323 if rng.randrange(10) == 0 else 23
    frames.append(Ether(dst=mac) / IP(src=src, dst=dst, id=rng.randrange(65536), ttl=64) /
                  TCP(sport=sport, dport=dport, flags="S", seq=seq, window=window, options=[]))
sendp(frames, iface=iface, inter=0.001, verbose=False)
print("sport=%d window=%d" % (sport, window))
"""

FLOOD_SCRIPT = r"""
import random, sys, time
import logging
logging.getLogger("scapy.runtime").setLevel(logging.ERROR)  # "no default route": none is wanted
from scapy.all import Ether, IP, TCP, conf
victim, port, mac, iface, seconds, pps, seed = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], \
    float(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7])
rng = random.Random(seed)
sock = conf.L2socket(iface=iface)
sent, start = 0, time.monotonic()
while time.monotonic() - start < seconds:
    # Sources forged uniformly inside the darknet (never .0/.255, which are impossible sources).
    src = "203.0.113.%d" % rng.randrange(1, 255)
    sock.send(Ether(dst=mac) / IP(src=src, dst=victim, id=rng.randrange(65536)) /
              TCP(sport=rng.randrange(1024, 65536), dport=port, flags="S", seq=rng.randrange(1 << 32),
                  window=rng.choice([5840, 29200, 65535])))
    sent += 1
    delay = start + sent / pps - time.monotonic()
    if delay > 0:
        time.sleep(delay)
sock.close()
print("sent=%d" % sent)
"""

VICTIM_SCRIPT = r"""
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen(4096)
print("listening", flush=True)
time.sleep(float(sys.argv[3]))  # never accepts: half-open connections and SYN cookies, as under a real flood
"""

CONTROL_SCRIPT = r"""
import socket, sys, time
src, hosts = sys.argv[1], int(sys.argv[2])
socks = []
for i in range(1, hosts + 1):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((src, 0))
    s.setblocking(False)
    s.connect_ex(("203.0.113.%d" % i, 22))
    socks.append(s)
time.sleep(0.5)  # close before the kernel's first retransmission (1 s): one SYN per host
for s in socks:
    s.close()
"""


def tool_versions() -> dict:
    """Exact versions of the tools that made the traffic, for the report header."""

    def first_line(args):
        if shutil.which(args[0]) is None:
            return "not installed"
        result = ic.run(args, timeout=30)
        for line in (result.stdout + result.stderr).splitlines():
            if line.strip():
                return line.strip()
        return "?"

    versions = {
        "nmap": first_line(["nmap", "--version"]),
        "zmap": first_line(["zmap", "--version"]),
        "masscan": first_line(["masscan", "--version"]),
        "tcpdump": first_line(["tcpdump", "--version"]),
    }
    scapy = ic.run([SCAPY_PYTHON, "-c", "import scapy; print(scapy.__version__)"], timeout=60)
    versions["scapy"] = scapy.stdout.strip() if scapy.returncode == 0 else "not installed"
    versions["kernel"] = os.uname().release
    return versions


def skip_unless_ready() -> None:
    if os.geteuid() != 0:
        ic.skip("needs root to create network namespaces (ip netns)")
    for tool in ("ip", "tcpdump", "nmap", "zmap", "masscan"):
        if shutil.which(tool) is None:
            ic.skip(f"{tool} is not installed (scripts/setup installs it)")
    probe = ic.run([SCAPY_PYTHON, "-c", "import scapy.all"], timeout=60)
    if probe.returncode != 0:
        ic.skip("python3-scapy is not installed (scripts/setup installs it)")


class ScannerLab(ic.NamespaceCommands):
    """The three namespaces; removed, with every process started in them, by teardown()."""

    def __init__(self, work: Path) -> None:
        pid = os.getpid()
        self.atk = f"ks-tatk-{pid}"
        self.dark = f"ks-tdark-{pid}"
        self.vic = f"ks-tvic-{pid}"
        self.work = work
        self.processes = []
        self.created = []
        self.dark_mac = ""
        self.victim_mac = ""

    # --- plumbing ---------------------------------------------------------------------------------------------
    def ip(self, *args, check=True):
        result = ic.run(["ip", *args], timeout=30)
        if check and result.returncode != 0:
            raise RuntimeError(f"ip {' '.join(map(str, args))}: {result.stderr.strip()}")
        return result

    def exec_args(self, namespace, *args):
        return ["ip", "netns", "exec", namespace, *[str(a) for a in args]]

    def sysctl(self, namespace, setting):
        result = ic.run(self.exec_args(namespace, "sysctl", "-q", "-w", setting), timeout=10)
        if result.returncode != 0:
            raise RuntimeError(f"sysctl {setting} in {namespace}: {result.stderr.strip()}")

    def mac_of(self, namespace, link) -> str:
        info = json.loads(self.ip("-j", "-n", namespace, "link", "show", link).stdout)
        return info[0]["address"]

    def start(self, namespace, args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) -> subprocess.Popen:
        process = subprocess.Popen(self.exec_args(namespace, *args), stdout=stdout, stderr=stderr,
                                   stdin=subprocess.DEVNULL)
        self.processes.append(process)
        return process

    def run_in(self, namespace, args, timeout=120) -> subprocess.CompletedProcess:
        return ic.run(self.exec_args(namespace, *args), timeout=timeout)

    # --- topology ---------------------------------------------------------------------------------------------
    def setup(self) -> None:
        self.remove_stale(NAME_PREFIXES)
        self.add_namespaces((self.atk, self.dark, self.vic), self.created)
        # Each pair is created inside a test namespace with its peer moved into another one: no end in the host.
        self.ip("-n", self.atk, "link", "add", "veth-atk", "type", "veth", "peer", "name", "veth-dark", "netns",
                self.dark)
        self.ip("-n", self.vic, "link", "add", "veth-vd", "type", "veth", "peer", "name", "veth-dv", "netns",
                self.dark)
        self.ip("-n", self.atk, "link", "add", "veth-av", "type", "veth", "peer", "name", "veth-va", "netns",
                self.vic)
        for address in SOURCES.values():
            self.ip("-n", self.atk, "addr", "add", f"{address}/24", "dev", "veth-atk")
        self.ip("-n", self.dark, "addr", "add", f"{GATEWAY}/24", "dev", "veth-dark")
        self.ip("-n", self.dark, "addr", "add", f"{VICTIM_GATEWAY}/24", "dev", "veth-dv")
        self.ip("-n", self.vic, "addr", "add", f"{VICTIM}/24", "dev", "veth-vd")
        for namespace, link in ((self.atk, "veth-atk"), (self.atk, "veth-av"), (self.dark, "veth-dark"),
                                (self.dark, "veth-dv"), (self.vic, "veth-vd"), (self.vic, "veth-va")):
            self.ip("-n", namespace, "link", "set", link, "up")
        self.ip("-n", self.atk, "route", "add", DARKNET, "via", GATEWAY, "src", SOURCES["unknown"])
        self.ip("-n", self.vic, "route", "add", DARKNET, "via", VICTIM_GATEWAY)
        # The flood arrives on veth-va while the victim's route back to its (forged) sources is veth-vd:
        # loose the reverse-path filter as on any multi-homed host with asymmetric routes.
        for setting in ("all", "default", "veth-va", "veth-vd"):
            self.sysctl(self.vic, f"net.ipv4.conf.{setting}.rp_filter=0")
        self.sysctl(self.vic, "net.ipv4.tcp_syncookies=1")
        self.dark_mac = self.mac_of(self.dark, "veth-dark")
        self.victim_mac = self.mac_of(self.vic, "veth-va")
        self.check_isolation()
        self.wait_for_arp()

    def check_isolation(self) -> None:
        """No default route anywhere, and every interface is lo or one of our veths."""
        expected = {self.atk: {"lo", "veth-atk", "veth-av"}, self.dark: {"lo", "veth-dark", "veth-dv"},
                    self.vic: {"lo", "veth-vd", "veth-va"}}
        for namespace, links in expected.items():
            routes = self.ip("-n", namespace, "route", "show", "table", "all").stdout
            if "default" in routes:
                raise RuntimeError(f"unexpected default route in {namespace}:\n{routes}")
            names = {link["ifname"] for link in json.loads(self.ip("-j", "-n", namespace, "link", "show").stdout)}
            if names != links:
                raise RuntimeError(f"{namespace} has interfaces {sorted(names)}, expected {sorted(links)}")

    def wait_for_arp(self) -> None:
        """Both kernels that route into the darknet namespace resolve their gateway once (veth carrier delay)."""
        gateway_macs = {GATEWAY: self.dark_mac, VICTIM_GATEWAY: self.mac_of(self.dark, "veth-dv")}
        for namespace, link, gateway in ((self.atk, "veth-atk", GATEWAY), (self.vic, "veth-vd", VICTIM_GATEWAY)):
            deadline = time.monotonic() + 10
            while True:
                if shutil.which("ping"):
                    self.run_in(namespace, ["ping", "-c", "1", "-W", "1", gateway], timeout=5)
                else:  # iputils-ping missing: a static entry, once the link is up
                    up = "LOWER_UP" in self.ip("-n", namespace, "link", "show", link).stdout
                    if up:
                        self.ip("-n", namespace, "neigh", "replace", gateway, "lladdr", gateway_macs[gateway], "dev",
                                link, "nud", "permanent")
                neigh = self.ip("-n", namespace, "neigh", "show", gateway).stdout
                if "lladdr" in neigh and "FAILED" not in neigh and "INCOMPLETE" not in neigh:
                    break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"no ARP answer for {gateway} in {namespace}")
                time.sleep(0.2)

    def teardown(self) -> None:
        for process in self.processes:
            ic.stop_process(process, signal.SIGKILL, timeout=5)
        for namespace in reversed(self.created):
            self.ip("netns", "del", namespace, check=False)
        self.created.clear()

    # --- capture ----------------------------------------------------------------------------------------------
    def start_tcpdump(self, link: str, pcap: Path) -> subprocess.Popen:
        log = self.work / f"tcpdump-{link}.err"
        with open(log, "w") as err:
            process = self.start(self.dark, ["tcpdump", "-i", link, "-nn", "-U", "-s", "256", "-w", pcap],
                                 subprocess.DEVNULL, err)
        if not ic.wait_for_text(log, "listening on", 15, process):
            raise RuntimeError(f"tcpdump on {link} did not start: {log.read_text()}")
        return process

    # --- traffic ----------------------------------------------------------------------------------------------
    def start_victim(self, seconds: float) -> subprocess.Popen:
        log = self.work / "victim.out"
        with open(log, "w") as out:
            process = self.start(self.vic, [SCAPY_PYTHON, "-c", VICTIM_SCRIPT, VICTIM, VICTIM_PORT, seconds], out,
                                 subprocess.STDOUT)
        if not ic.wait_for_text(log, "listening", 15, process):
            raise RuntimeError(f"victim did not listen: {log.read_text()}")
        return process

    def start_flood(self, seconds: float = FLOOD_SECONDS, pps: int = FLOOD_PPS, seed: int = 7) -> subprocess.Popen:
        out = open(self.work / "flood.out", "w")
        try:
            return self.start(self.atk, [SCAPY_PYTHON, "-c", FLOOD_SCRIPT, VICTIM, VICTIM_PORT, self.victim_mac,
                                         "veth-av", seconds, pps, seed], out, subprocess.STDOUT)
        finally:
            out.close()

    def scanner_commands(self, empty_blacklist: Path) -> list:
        """(label, argv) of each scanner, run in the attacker namespace one after another."""
        return [
            ("nmap", ["nmap", "-sS", "-Pn", "-n", "--max-retries", "0", "--min-rate", "500", "-p", NMAP_PORTS,
                      "-S", SOURCES["nmap"], "-e", "veth-atk", NMAP_TARGET]),
            ("zmap", ["zmap", "-p", ZMAP_PORT, "-S", SOURCES["zmap"], "-i", "veth-atk", "-G", self.dark_mac,
                      "-r", SCAN_RATE, "-b", empty_blacklist, "-c", "1", "-o", self.work / "zmap.csv",
                      "--disable-syslog", DARKNET]),
            ("masscan", ["masscan", DARKNET, f"-p{MASSCAN_PORTS}", "--rate", SCAN_RATE, "--source-ip",
                         SOURCES["masscan"], "--router-mac", self.dark_mac, "-e", "veth-atk", "--wait", "1"]),
            ("mirai", [SCAPY_PYTHON, "-c", MIRAI_SCRIPT, SOURCES["mirai"], self.dark_mac, "veth-atk",
                       MIRAI_PROBES, 23]),
            ("unknown", [SCAPY_PYTHON, "-c", CONTROL_SCRIPT, SOURCES["unknown"], CONTROL_HOSTS]),
        ]

    def run_masscan(self, args, log: Path, timeout: float = 30) -> int:
        """masscan 1.3.2's receive thread blocks in libpcap while no frame arrives, so after a scan that gets
        no answer (a darknet) it never exits ("ERROR: threads not exiting"; robertdavidgraham/masscan#144).
        Frames that no kernel answers, sent to the attacker's veth from the darknet side, let it end."""
        with open(log, "w") as out:
            out.write(f"$ {' '.join(map(str, args))}\n")
            out.flush()
            process = self.start(self.atk, args, out, subprocess.STDOUT)
        atk_mac = self.mac_of(self.atk, "veth-atk")
        deadline = time.monotonic() + timeout
        while process.poll() is None and time.monotonic() < deadline:
            if "100.00% done" in log.read_text(errors="replace"):
                self.run_in(self.dark, [SCAPY_PYTHON, "-c", WAKE_SCRIPT, "veth-dark", atk_mac, self.dark_mac], 10)
            time.sleep(0.2)
        if process.poll() is None:
            ic.stop_process(process, signal.SIGKILL)
            raise RuntimeError(f"masscan did not exit within {timeout}s")
        return process.returncode

    def run_scanners(self) -> dict:
        """Runs every scanner; returns {label: seconds}. Raises if one fails."""
        empty = self.work / "empty-blacklist"
        empty.write_text("")
        timings = {}
        for label, args in self.scanner_commands(empty):
            started = time.monotonic()
            log = self.work / f"{label}.log"
            if label == "masscan":
                returncode = self.run_masscan(args, log)
            else:
                result = self.run_in(self.atk, args, timeout=60)
                log.write_text(f"$ {' '.join(map(str, args))}\n{result.stdout}{result.stderr}")
                returncode = result.returncode
            timings[label] = time.monotonic() - started
            if returncode != 0:
                raise RuntimeError(f"{label} failed (exit {returncode}): {log.read_text(errors='replace')[-2000:]}")
            print(f"      {label:8s} from {SOURCES[label]} took {timings[label]:.1f}s", flush=True)
        return timings


WAKE_SCRIPT = r"""
import socket, sys
# One frame of the IEEE local experimental EtherType 0x88b5: no kernel answers it, no analyser counts it.
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((sys.argv[1], 0))
dst = bytes.fromhex(sys.argv[2].replace(":", ""))
s.send(dst + bytes.fromhex(sys.argv[3].replace(":", "")) + b"\x88\xb5" + b"kansoku wake-up".ljust(46, b"\0"))
"""


def write_labels(path: Path, versions: dict) -> None:
    """The ground truth beside a pcap: which source each tool used."""
    path.write_text(json.dumps({"darknet": DARKNET, "sources": SOURCES, "scan_kind": SCAN_KIND,
                                "versions": versions}, indent=2) + "\n")
