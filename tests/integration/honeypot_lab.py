"""Shared helpers for the honeypot integration tests (honeypot_telnet.py, reflector_spoofed.py, cowrie_format.py).

HoneypotLab writes a test configuration into a work directory (every port 0, every data path inside the work
directory, the embedded default's other keys kept as they are), starts `kansoku honeypot --config FILE`
(optionally inside a network namespace), reads the real ports from its "honeypot: listening: ..." lines,
and stops it with SIGINT (the summary it prints at exit is kept). TelnetClient is a raw-socket telnet client
that ignores negotiation (as bots do); PtyProcess drives an interactive program (the real /usr/bin/telnet)
through a pseudo-terminal; SampleServer is a loopback HTTP server that records every request.
"""

import hashlib
import http.server
import os
import pty
import re
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import integ_common as ic  # noqa: E402

IAC = 0xFF
# The end of the shell prompt of the personas ("root@TL-WR841N:/root# ").
PROMPT = b"# "
_LISTENING = re.compile(r"^honeypot: listening: (\S+)(?: \((udp)\))? (\S+):(\d+)$")


def toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def edit_toml(text: str, overrides: dict) -> str:
    """Replaces the values of existing keys: overrides = {"section.sub": {"key": value}}. Every key must exist
    (a misspelt override is an error, not a silently ignored line)."""
    pending = {(section, key) for section, keys in overrides.items() for key in keys}
    out = []
    section = ""
    for line in text.splitlines():
        stripped = line.strip()
        header = re.match(r"^\[([A-Za-z0-9_.]+)\]$", stripped)
        if header:
            section = header.group(1)
        else:
            m = re.match(r"^([A-Za-z0-9_]+)\s*=", stripped)
            if m and section in overrides and m.group(1) in overrides[section]:
                key = m.group(1)
                line = f"{key} = {toml_value(overrides[section][key])}"
                pending.discard((section, key))
        out.append(line)
    if pending:
        raise ValueError(f"config keys not found in config/local.toml: {sorted(pending)}")
    return "\n".join(out) + "\n"


def base_overrides(work: Path, sensor: str = "integ") -> dict:
    """Every port 0, every data path inside `work`, only the telnet honeypot enabled."""
    var = work / "var"
    return {
        "sensor": {"name": sensor},
        "storage": {"data_dir": str(var), "database": str(var / "kansoku.db"),
                    "events_jsonl": str(var / "events.jsonl")},
        "honeypot": {"samples_dir": str(var / "samples"), "host_keys_dir": str(var / "ssh-host-keys"),
                     "cowrie_jsonl": str(var / "cowrie.json"), "casts_dir": str(var / "casts")},
        # BusyBox's 3 s pause before "Login incorrect" would make brute-force tests slow; 200 ms keeps it visible.
        "honeypot.telnet": {"enabled": True, "address": "127.0.0.1", "port": 0, "failure_delay": "200ms"},
        "honeypot.ssh": {"enabled": False, "address": "127.0.0.1", "port": 0, "failure_delay": "50ms"},
        "honeypot.http": {"enabled": False, "address": "127.0.0.1", "port": 0},
        "honeypot.reflector": {"enabled": False, "address": "127.0.0.1", "dns_port": 0, "ntp_port": 0,
                               "ssdp_port": 0, "chargen_port": 0, "memcached_port": 0},
        "honeypot.download": {"allow_loopback": True, "allow_private": False},
        # The sandbox runs each new sample for up to 30 s; the honeypot tests do not need it
        # (sandbox_analyze.py turns it on).
        "sandbox": {"enabled": False},
    }


def keep_outputs(work: Path, keep: Path) -> None:
    """--keep: the lab's config and logs, and the honeypot's outputs (events, store) under var/."""
    ic.keep_files(work, keep, "the config and logs")
    if (work / "var").exists():
        ic.keep_files(work / "var", keep / "var", "the honeypot's outputs")


def merge(base: dict, extra: dict) -> dict:
    merged = {section: dict(keys) for section, keys in base.items()}
    for section, keys in extra.items():
        merged.setdefault(section, {}).update(keys)
    return merged


class HoneypotLab:
    """One `kansoku honeypot` process with a configuration written for the test."""

    def __init__(self, binary: str, work: Path, overrides: dict = None, accepted=("root", "xc3511"),
                 prefix=None, command: str = "honeypot", args=()) -> None:
        self.binary = binary
        # "honeypot", "run" (the whole system: it is ready once the darknet's demo capture is analysed), or
        # "sensor" (publishing to NATS: `args` = ["--no-darknet"]).
        self.command = command
        self.args = [str(a) for a in args]
        self.work = work
        self.prefix = list(prefix or [])  # e.g. ["ip", "netns", "exec", NS]
        self.var = work / "var"
        self.credentials = work / "credentials.txt"
        self.credentials.write_text(f"{accepted[0]}:{accepted[1]}\n")
        settings = merge(base_overrides(work), {"honeypot.credentials": {"policy": "listed",
                                                                          "file": str(self.credentials)}})
        self.settings = merge(settings, overrides or {})
        self.config = work / "honeypot.toml"
        template = (ic.REPO_ROOT / "config" / "local.toml").read_text()
        self.config.write_text(edit_toml(template, self.settings))
        self.stderr_path = work / "honeypot.err"
        self.stdout_path = work / "honeypot.out"
        self.process = None
        self.ports = {}  # "telnet" -> port, "dns" -> port (udp) ...
        self.addresses = {}
        self.stderr_text = ""

    # --- process ----------------------------------------------------------------------------------------------
    def start(self, timeout: float = 30) -> None:
        with open(self.stderr_path, "w") as err, open(self.stdout_path, "w") as out:
            self.process = subprocess.Popen(self.prefix + [self.binary, self.command, "--config", str(self.config),
                                                           *self.args],
                                            stdout=out, stderr=err, stdin=subprocess.DEVNULL, cwd=self.work)
        ready = {"honeypot": "honeypot: running", "sensor": "sensor is running"}.get(self.command,
                                                                                     "kansoku is running")
        if not ic.wait_for_text(self.stderr_path, ready, timeout, self.process):
            text = self.stderr_path.read_text(errors="replace")
            self.stop()
            raise RuntimeError(f"kansoku {self.command} did not start:\n{text}")
        for line in self.stderr_path.read_text(errors="replace").splitlines():
            m = _LISTENING.match(line.strip())
            if m:
                self.ports[m.group(1)] = int(m.group(4))
                self.addresses[m.group(1)] = m.group(3)

    @property
    def pid(self) -> int:
        """The honeypot's own pid (through `ip netns exec`, which execs, it is the same process)."""
        return self.process.pid

    def rss_kib(self) -> int:
        try:
            for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        except (FileNotFoundError, ProcessLookupError):
            pass
        return -1

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout: float = 15) -> int:
        """SIGINT (what Ctrl-C sends), SIGKILL after `timeout`; returns the exit status."""
        if self.process is None:
            return -1
        ic.stop_process(self.process, signal.SIGINT, timeout)
        self.stderr_text = self.stderr_path.read_text(errors="replace")
        return self.process.returncode

    # --- outputs ----------------------------------------------------------------------------------------------
    def events(self):
        path = Path(self.settings["storage"]["events_jsonl"])
        return ic.parse_jsonl(path.read_text()) if path.exists() else []

    def cowrie_text(self) -> str:
        path = Path(self.settings["honeypot"]["cowrie_jsonl"])
        return path.read_text() if path.exists() else ""

    def wait_for_events(self, predicate, timeout: float = 10):
        """Polls events.jsonl (flushed every second) until predicate(events) holds; returns the events."""
        deadline = time.monotonic() + timeout
        events = []
        while time.monotonic() < deadline:
            try:
                events = self.events()
            except ValueError:
                events = []  # a line being written
            if predicate(events):
                return events
            time.sleep(0.2)
        return events

    def samples_dir(self) -> Path:
        return Path(self.settings["honeypot"]["samples_dir"])

    def sample_path(self, sha256: str) -> Path:
        return self.samples_dir() / sha256[:2] / sha256

    def summary_value(self, pattern: str) -> int:
        """A number from the exit summary, e.g. r"input limit (\\d+)" on the telnet line."""
        m = re.search(pattern, self.stderr_text)
        return int(m.group(1)) if m else -1


# --- telnet ------------------------------------------------------------------------------------------------------
class TelnetClient:
    """A bot-like telnet client on a raw socket: drops IAC sequences from what it reads, answers nothing."""

    def __init__(self, host: str, port: int, timeout: float = 10) -> None:
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.buffer = b""
        self.closed = False

    def _strip_iac(self, data: bytes) -> bytes:
        out = bytearray()
        i = 0
        while i < len(data):
            b = data[i]
            if b == IAC and i + 1 < len(data):
                cmd = data[i + 1]
                if cmd == IAC:
                    out.append(IAC)
                    i += 2
                elif cmd in (0xFB, 0xFC, 0xFD, 0xFE):
                    i += 3
                elif cmd == 0xFA:  # SB ... IAC SE
                    end = data.find(bytes([IAC, 0xF0]), i + 2)
                    i = len(data) if end < 0 else end + 2
                else:
                    i += 2
            else:
                out.append(b)
                i += 1
        return bytes(out)

    def read_until(self, needle: bytes, timeout: float = 10) -> bytes:
        deadline = time.monotonic() + timeout
        while needle not in self.buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self.closed:
                break
            self.sock.settimeout(remaining)
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                break
            except OSError:
                self.closed = True
                break
            if not data:
                self.closed = True
                break
            self.buffer += self._strip_iac(data)
        index = self.buffer.find(needle)
        if index < 0:
            out, self.buffer = self.buffer, b""
            return out
        out, self.buffer = self.buffer[:index + len(needle)], self.buffer[index + len(needle):]
        return out

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def line(self, text: str) -> None:
        self.sock.sendall(text.encode() + b"\r\n")

    def login(self, username: str, password: str, timeout: float = 10) -> bytes:
        self.read_until(b"login: ", timeout)
        self.line(username)
        self.read_until(b"Password: ", timeout)
        self.line(password)
        return self.read_until(b"# ", timeout)

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass


class PtyProcess:
    """An interactive program on a pseudo-terminal (what a person at a terminal sees and types)."""

    def __init__(self, args, env=None) -> None:
        self.master, slave = pty.openpty()
        self.process = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, close_fds=True,
                                        start_new_session=True, env=env)
        os.close(slave)
        self.output = b""
        self.seen = 0

    def expect(self, needle: bytes, timeout: float = 10) -> bool:
        """Waits until `needle` appears in output after the last match."""
        deadline = time.monotonic() + timeout
        while True:
            index = self.output.find(needle, self.seen)
            if index >= 0:
                self.seen = index + len(needle)
                return True
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            ready, _, _ = select.select([self.master], [], [], remaining)
            if not ready:
                return False
            try:
                data = os.read(self.master, 65536)
            except OSError:
                return False  # the program closed the terminal
            if not data:
                return False
            self.output += data

    def sendline(self, text: str) -> None:
        os.write(self.master, text.encode() + b"\r")

    def close(self) -> None:
        ic.stop_process(self.process, signal.SIGKILL, timeout=5)
        try:
            os.close(self.master)
        except OSError:
            pass


# --- HTTP ----------------------------------------------------------------------------------------------------
class SampleServer:
    """Loopback HTTP server on port 0 serving `files` ({"/bins/x.arm7": bytes}); records every request."""

    def __init__(self, files: dict) -> None:
        self.files = files
        self.requests = []  # (method, path, headers dict)
        lab = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                lab.requests.append(("GET", self.path, dict(self.headers.items())))
                body = lab.files.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_HEAD(self):  # noqa: N802
                lab.requests.append(("HEAD", self.path, dict(self.headers.items())))
                self.send_error(405)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- a recording relay -----------------------------------------------------------------------------------------
class RecordingRelay:
    """A loopback TCP relay in front of a server: what a client really sent and received, per connection, without
    root (no capture needed). connections: list of [(direction, bytes)], direction "c2s" (delivered to the server)
    or "s2c"; client bytes that arrive after the server closed are recorded as "c2s-dropped"."""

    def __init__(self, target_port: int, target_host: str = "127.0.0.1") -> None:
        self.target = (target_host, target_port)
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.connections = []
        self.lock = threading.Lock()
        self.stopping = False
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while not self.stopping:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=10)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            record = []
            with self.lock:
                self.connections.append(record)
            state = {"server_closed": False}
            threading.Thread(target=self._pump, args=(client, upstream, record, "c2s", state), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, record, "s2c", state), daemon=True).start()

    def _pump(self, source, sink, record, direction, state) -> None:
        while True:
            try:
                data = source.recv(65536)
            except OSError:
                data = b""
            if not data:
                if direction == "s2c":
                    state["server_closed"] = True
                try:
                    sink.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                return
            with self.lock:
                if direction == "c2s" and state["server_closed"]:
                    record.append(("c2s-dropped", data))
                    continue
                record.append((direction, data))
            try:
                sink.sendall(data)
            except OSError:
                if direction == "c2s":
                    with self.lock:
                        record[-1] = ("c2s-dropped", data)

    def stop(self) -> None:
        self.stopping = True
        try:
            self.listener.close()
        except OSError:
            pass
