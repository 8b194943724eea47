"""Helpers shared by the integration test scripts in this directory.

Each script takes the path of the built `kansoku` binary as its first argument (CMake passes
$<TARGET_FILE:kansoku>), prints one line per check, and exits 0 (all passed), 1 (a check failed)
or 77 (skipped: CTest's SKIP_RETURN_CODE, with the reason on stderr).
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SKIP_CODE = 77
REPO_ROOT = Path(__file__).resolve().parents[2]


def skip(reason: str) -> None:
    print(f"SKIP: {reason}", file=sys.stderr, flush=True)
    sys.exit(SKIP_CODE)


class Checks:
    """Counts failed checks; a script ends with `sys.exit(checks.exit_code())`."""

    def __init__(self) -> None:
        self.failed = 0
        self.passed = 0

    def check(self, condition: bool, what: str, detail: str = "") -> bool:
        if condition:
            self.passed += 1
            print(f"ok    {what}", flush=True)
        else:
            self.failed += 1
            print(f"FAIL  {what}", flush=True)
            if detail:
                for line in detail.rstrip().splitlines():
                    print(f"      {line}", flush=True)
        return condition

    def exit_code(self) -> int:
        print(f"{self.passed} checks passed, {self.failed} failed", flush=True)
        return 1 if self.failed else 0


def kansoku_binary() -> str:
    if len(sys.argv) < 2:
        print(f"usage: {sys.argv[0]} PATH/TO/kansoku", file=sys.stderr)
        sys.exit(2)
    binary = os.path.abspath(sys.argv[1])
    if not os.access(binary, os.X_OK):
        print(f"{binary}: not an executable", file=sys.stderr)
        sys.exit(2)
    return binary


def shared_dir() -> Path:
    """$KANSOKU_SHARED, else ../shared beside the repository."""
    env = os.environ.get("KANSOKU_SHARED", "")
    return Path(env) if env else REPO_ROOT.parent / "shared"


def free_port() -> int:
    """A TCP port free on loopback now (the kernel's pick), for a server the test starts."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_temp_dir(prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=prefix))


def remove_temp_dir(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


def run(args, timeout: float = 120, **kwargs) -> subprocess.CompletedProcess:
    """Runs a command to completion with text output captured."""
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=timeout, **kwargs)


def parse_jsonl(text: str):
    """Parses JSON lines; raises ValueError naming the first bad line."""
    events = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            events.append(json.loads(line))
        except json.JSONDecodeError as e:
            raise ValueError(f"line {number} is not JSON ({e}): {line[:200]}") from e
    return events


def of_type(events, event_type: str):
    return [e for e in events if e.get("type") == event_type]


_TCPDUMP_TCP = re.compile(r" IP (\S+)\.(\d+) > (\S+)\.(\d+): ")


def tcpdump_tcp_packets(pcap: Path, bpf: str):
    """(src, sport, dst, dport) of every packet tcpdump reads from `pcap` that matches `bpf`."""
    result = run(["tcpdump", "-nn", "-r", pcap, bpf], timeout=120)
    if result.returncode != 0:
        raise RuntimeError(f"tcpdump -r {pcap} failed: {result.stderr.strip()}")
    packets = []
    for line in result.stdout.splitlines():
        m = _TCPDUMP_TCP.search(line)
        if m is None:
            raise RuntimeError(f"cannot parse tcpdump line: {line}")
        packets.append((m.group(1), int(m.group(2)), m.group(3), int(m.group(4))))
    return packets


def wait_for_text(path: Path, text: str, timeout: float, process: subprocess.Popen = None) -> bool:
    """Polls a log file until it contains `text`; False on timeout or if `process` exits first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if text in path.read_text(errors="replace"):
                return True
        except FileNotFoundError:
            pass
        if process is not None and process.poll() is not None:
            return text in path.read_text(errors="replace") if path.exists() else False
        time.sleep(0.05)
    return False


def stop_process(process: subprocess.Popen, sig=signal.SIGTERM, timeout: float = 5) -> None:
    """Ends a process this script started: `sig`, then SIGKILL after `timeout` seconds."""
    if process is None or process.poll() is not None:
        return
    try:
        process.send_signal(sig)
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    except ProcessLookupError:
        pass


def exit_on_signals() -> None:
    """Turns SIGTERM/SIGHUP into SystemExit so `finally` blocks clean up (CTest timeouts, Ctrl-C)."""

    def handler(signum, _frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGHUP, handler)


SYSTEM_PYTHON = "/usr/bin/python3"


def require_system_module(module: str, package: str) -> None:
    """Debian's python3-* packages are seen by /usr/bin/python3 only, not by a python3 earlier on PATH: when `module`
    does not import here, re-executes this script under Debian's python (once), or skips naming the package."""
    try:
        __import__(module)
        return
    except ImportError:
        pass
    if sys.executable != SYSTEM_PYTHON and os.access(SYSTEM_PYTHON, os.X_OK):
        os.execv(SYSTEM_PYTHON, [SYSTEM_PYTHON, *sys.argv])
    skip(f"{package} is not installed for {SYSTEM_PYTHON} (scripts/setup installs it)")


def reexec_in_outer_netns() -> None:
    """The sandbox tests' safety net: re-executes this script (once) inside a network namespace of its own with only
    loopback up (`unshare -n`), so the whole test (kansoku, loopback servers, every analysis) has no route out and
    even a broken jail could not reach any network. Returns only in the re-executed script."""
    if os.environ.get("KANSOKU_OUTER_NETNS") == "1":
        return
    os.environ["KANSOKU_OUTER_NETNS"] = "1"
    os.execvp("unshare", ["unshare", "-n", "sh", "-c", 'ip link set lo up && exec "$@"', "sh",
                          sys.executable, *sys.argv])


class NamespaceCommands:
    """`ip`, `ip netns exec` and `sysctl` for the labs that build test namespaces."""

    def ip(self, *args, check=True):
        result = run(["ip", *[str(a) for a in args]], timeout=30)
        if check and result.returncode != 0:
            raise RuntimeError(f"ip {' '.join(map(str, args))}: {result.stderr.strip()}")
        return result

    def exec_args(self, namespace, *args):
        return ["ip", "netns", "exec", namespace, *[str(a) for a in args]]

    def sysctl(self, namespace, setting):
        result = run(self.exec_args(namespace, "sysctl", "-q", "-w", setting), timeout=10)
        if result.returncode != 0:
            raise RuntimeError(f"sysctl {setting} in {namespace}: {result.stderr.strip()}")

    def remove_stale(self, name_prefixes) -> None:
        """Namespaces named PREFIX-PID of earlier runs that were killed outright (SIGKILL skips `finally`)."""
        for line in self.ip("netns", "list", check=False).stdout.splitlines():
            name = line.split()[0] if line.split() else ""
            prefix, _, pid = name.rpartition("-")
            if prefix in name_prefixes and pid.isdigit() and not os.path.exists(f"/proc/{pid}"):
                print(f"      removing stale namespace {name}", flush=True)
                self.ip("netns", "del", name, check=False)

    def add_namespaces(self, names, created: list) -> None:
        """Creates each namespace (IPv6 off, no forwarding, lo up) and appends it to `created` for the
        caller's clean-up; skips the test (exit 77) when `ip netns add` is not allowed."""
        for namespace in names:
            result = self.ip("netns", "add", namespace, check=False)
            if result.returncode != 0:
                skip(f"`ip netns add {namespace}` failed: {result.stderr.strip()}")
            created.append(namespace)
            self.sysctl(namespace, "net.ipv6.conf.all.disable_ipv6=1")
            self.sysctl(namespace, "net.ipv6.conf.default.disable_ipv6=1")
            self.sysctl(namespace, "net.ipv4.ip_forward=0")  # no namespace routes for another
            self.ip("-n", namespace, "link", "set", "lo", "up")


def one_line_error(result, what: str, checks: "Checks", needle: str) -> None:
    """A command refused bad input: non-zero exit and one line on stderr that contains `needle`."""
    lines = result.stderr.strip().splitlines()
    checks.check(result.returncode != 0 and len(lines) == 1 and needle in result.stderr,
                 f"{what}: non-zero exit, one line naming the problem",
                 f"exit {result.returncode}, stderr:\n{result.stderr}")


def keep_files(work: Path, destination: Path, what: str) -> None:
    """Copies the files of a run's work directory to `destination` (a test's --keep)."""
    destination.mkdir(parents=True, exist_ok=True)
    for item in work.iterdir():
        if item.is_file():
            shutil.copy2(item, destination / item.name)
    print(f"      kept {what} in {destination}", flush=True)
