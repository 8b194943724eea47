"""A replay lab for live darknet capture: two network namespaces joined by a veth pair, the
sender's end replaying a capture file with tcpreplay, `kansoku darknet capture` on the other end.

    ks-rsnd-PID (veth-rsnd)  ──veth──  (veth-rcap) ks-rcap-PID

No addresses, no routes: frames are replayed as they are in the file and end at the capture
side, where nothing answers them (the kernel drops frames for other hosts after the capture taps).
Used by tests/integration/darknet_fanout_live.py and bench/live_drop_onset.
"""

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import integ_common as ic

SENDER_IF = "veth-rsnd"
CAPTURE_IF = "veth-rcap"


class ReplayLab(ic.NamespaceCommands):
    """Created by setup(), removed (with every process started in it) by teardown()."""

    def __init__(self) -> None:
        pid = os.getpid()
        self.sender = f"ks-rsnd-{pid}"
        self.capturer = f"ks-rcap-{pid}"
        self.created = []
        self.processes = []

    def setup(self) -> None:
        self.remove_stale(("ks-rsnd", "ks-rcap"))
        self.add_namespaces((self.sender, self.capturer), self.created)
        self.ip("-n", self.sender, "link", "add", SENDER_IF, "type", "veth", "peer", "name", CAPTURE_IF, "netns",
                self.capturer)
        for namespace, interface in ((self.sender, SENDER_IF), (self.capturer, CAPTURE_IF)):
            self.ip("-n", namespace, "link", "set", interface, "up")
        routes = self.ip("-n", self.sender, "route", "show").stdout + self.ip("-n", self.capturer, "route",
                                                                               "show").stdout
        if routes.strip():
            raise RuntimeError(f"unexpected routes in a test namespace:\n{routes}")

    def start_capture(self, kansoku: str, args, out: Path, err: Path) -> subprocess.Popen:
        """Starts `kansoku darknet capture -i CAPTURE_IF ARGS` in the capture namespace and waits until it
        captures."""
        process = subprocess.Popen(self.exec_args(self.capturer, kansoku, "darknet", "capture", "-i", CAPTURE_IF,
                                                  *[str(a) for a in args]),
                                   stdout=open(out, "w"), stderr=open(err, "w"))
        self.processes.append(process)
        if not ic.wait_for_text(err, "capturing on", 15, process):
            raise RuntimeError(f"kansoku darknet capture did not start:\n{err.read_text()}")
        time.sleep(0.3)  # the sockets are bound before the line; let the rings settle
        return process

    def replay(self, capture: Path, pps: int = 0, limit: int = 0) -> dict:
        """Replays `capture` from the sender's end at `pps` packets a second (0: as fast as possible);
        returns tcpreplay's counters (packets, seconds, pps)."""
        args = ["tcpreplay", "-q", "-i", SENDER_IF]
        args += [f"--pps={pps}"] if pps else ["--topspeed"]
        if limit:
            args.append(f"--limit={limit}")
        result = ic.run(self.exec_args(self.sender, *args, capture), timeout=600)
        if result.returncode != 0:
            raise RuntimeError(f"tcpreplay failed: {result.stderr.strip() or result.stdout.strip()}")
        return parse_tcpreplay(result.stdout + result.stderr)

    def stop(self, process: subprocess.Popen, timeout: float = 30) -> int:
        process.send_signal(signal.SIGINT)
        try:
            return process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            return process.wait()

    def teardown(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                ic.stop_process(process, signal.SIGKILL, timeout=5)
        for namespace in reversed(self.created):
            self.ip("netns", "del", namespace, check=False)
        self.created.clear()


def parse_tcpreplay(text: str) -> dict:
    """tcpreplay's "Actual: N packets (B bytes) sent in S seconds" and "Rated: ... P pps" lines."""
    import re
    out = {}
    m = re.search(r"Actual: (\d+) packets \((\d+) bytes\) sent in ([\d.]+) seconds", text)
    if m:
        out.update(packets=int(m.group(1)), bytes=int(m.group(2)), seconds=float(m.group(3)))
    m = re.search(r"Rated: [\d.]+ Bps, [\d.]+ Mbps, ([\d.]+) pps", text)
    if m:
        out["pps"] = float(m.group(1))
    return out


def have_tools() -> str:
    """Why the lab cannot run here ('' when it can)."""
    if os.geteuid() != 0:
        return "needs root (network namespaces)"
    for tool in ("ip", "tcpreplay"):
        if not shutil.which(tool):
            return f"{tool} not found (scripts/setup installs it)"
    return ""
