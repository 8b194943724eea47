"""A three-node nats-server cluster with JetStream on loopback ports in a temporary directory, for
the sensor/center tests and benchmark (docs/transport.md); `nodes=1` is one server without a cluster.
Users: `center` (everything) and one per sensor allowed to publish only below its own subjects,
kansoku.events.<sensor>. and kansoku.samples.<sensor>. (and to receive its acknowledgements).
Optional TLS with a CA the caller made (`tls` = dict of ca, cert, key file paths; `verify: True`
makes the server require a client certificate signed by that CA). `transport_section` and
`center_config` write the kansoku side of it.
"""

import shutil
import socket
import subprocess
import time
from pathlib import Path

import integ_common as ic


def nats_server() -> str:
    path = shutil.which("nats-server") or "/usr/sbin/nats-server"
    return path if Path(path).exists() else ""


def _users(sensors: dict, center_password: str) -> str:
    """`sensors` = {name: password} or {name: {"nkey": public key}} (a user authenticated by its nkey)."""
    lines = [f'{{user: "center", password: "{center_password}", permissions: {{publish: ">", subscribe: ">"}}}}']
    for name, secret in sensors.items():
        who = (f'nkey: "{secret["nkey"]}"' if isinstance(secret, dict) else
               f'user: "{name}", password: "{secret}"')
        lines.append(f'{{{who}, permissions: {{'
                     f'publish: {{allow: ["kansoku.events.{name}.>", "kansoku.samples.{name}.>"]}}, '
                     f'subscribe: {{allow: ["_INBOX.>"]}}, allow_responses: true}}}}')
    return ",\n      ".join(lines)


def make_nkey() -> tuple:
    """A user nkey: (public key "U...", seed "SU..."), as NATS encodes them (prefix byte, Ed25519 key,
    CRC-16/XMODEM little-endian, base32 without padding). Needs python3-cryptography."""
    import base64
    import struct
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    def crc16(data: bytes) -> int:
        crc = 0
        for byte in data:
            crc ^= byte << 8
            for _ in range(8):
                crc = ((crc << 1) ^ 0x1021 if crc & 0x8000 else crc << 1) & 0xFFFF
        return crc

    def encode(raw: bytes) -> str:
        return base64.b32encode(raw + struct.pack("<H", crc16(raw))).decode().rstrip("=")

    key = Ed25519PrivateKey.generate()
    seed = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                             serialization.NoEncryption())
    public = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    user, seed_prefix = 20 << 3, 18 << 3
    return encode(bytes([user]) + public), encode(bytes([seed_prefix | (user >> 5), (user & 31) << 3]) + seed)


class NatsCluster:
    def __init__(self, work: Path, sensors: dict, center_password: str = "center-secret", tls: dict = None,
                 nodes: int = 3):
        self.work = work
        self.binary = nats_server()
        self.client_ports = [ic.free_port() for _ in range(nodes)]
        self.route_ports = [ic.free_port() for _ in range(nodes)]
        self.processes = [None] * nodes
        self.tls = tls
        routes = ", ".join(f"nats-route://127.0.0.1:{p}" for p in self.route_ports)
        for i in range(nodes):
            store = work / f"n{i}"
            store.mkdir(parents=True, exist_ok=True)
            tls_block = ""
            if tls:
                verify = "verify: true, " if tls.get("verify") else ""
                tls_block = (f'tls {{ cert_file: "{tls["cert"]}", key_file: "{tls["key"]}", '
                             f'ca_file: "{tls["ca"]}", {verify}timeout: 2 }}')
            cluster = (f"cluster {{ name: kansoku, listen: 127.0.0.1:{self.route_ports[i]}, routes: [{routes}] }}"
                       if nodes > 1 else "")
            (work / f"n{i}.conf").write_text(f"""
server_name: n{i}
listen: 127.0.0.1:{self.client_ports[i]}
{tls_block}
jetstream {{ store_dir: "{store}", max_memory_store: 64MB, max_file_store: 2GB }}
{cluster}
accounts {{
  KANSOKU {{
    jetstream: enabled
    users: [
      {_users(sensors, center_password)}
    ]
  }}
}}
""")

    def urls(self, nodes=None) -> list:
        scheme = "tls" if self.tls else "nats"
        return [f"{scheme}://127.0.0.1:{p}" for i, p in enumerate(self.client_ports) if nodes is None or i in nodes]

    def start(self, i: int) -> None:
        log = (self.work / f"n{i}.log").open("a")
        self.processes[i] = subprocess.Popen([self.binary, "-c", str(self.work / f"n{i}.conf")],
                                             stdout=log, stderr=subprocess.STDOUT)

    def start_all(self) -> None:
        for i in range(len(self.processes)):
            self.start(i)
        self.wait_listening()

    def wait_listening(self, timeout: float = 15) -> bool:
        deadline = time.monotonic() + timeout
        for i, port in enumerate(self.client_ports):
            if self.processes[i] is None:
                continue
            while time.monotonic() < deadline:
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                        break
                except OSError:
                    time.sleep(0.05)
        return time.monotonic() < deadline

    def kill(self, i: int) -> None:
        """SIGKILL: a node that dies, not one that shuts down."""
        if self.processes[i] is not None:
            self.processes[i].kill()
            self.processes[i].wait()
            self.processes[i] = None

    def stop_all(self) -> None:
        for i, p in enumerate(self.processes):
            ic.stop_process(p)
            self.processes[i] = None


def transport_section(servers, user, password, spool="", extra="", replicas=3):
    quoted = ", ".join(f'"{s}"' for s in servers)
    return f"""[transport]
heartbeat_interval = "1s"
silent_after = "10m"
gap_after = "8s"
[transport.nats]
servers = [{quoted}]
replicas = {replicas}
user = "{user}"
password = "{password}"
spool_dir = "{spool}"
ack_timeout = "2s"
reconnect_wait = "100ms"
connect_timeout = "500ms"
fetch_batch = 500
ack_wait = "5s"
max_message = "64KiB"
{extra}"""


def center_config(work, name, port, servers, database, replicas=3, extra=""):
    """A `kansoku center` config: store `database`, web on `port`, samples from sensors into
    <work>/<name>/samples (triaged; the sandbox is off, sandbox tests cover it)."""
    path = work / f"{name}.toml"
    path.write_text(f"""[sensor]
name = "{name}"
[storage]
data_dir = "{work / name}"
database = "{database}"
events_jsonl = ""
[web]
port = {port}
access_log = ""
[honeypot]
enabled = false
samples_dir = "{work / name / 'samples'}"
[sandbox]
enabled = false
[sharing]
communities = []
[intel.correlation]
enabled = false
""" + transport_section(servers, "center", "center-secret", replicas=replicas, extra=extra))
    return path


def failed_run(checks, error, logs) -> None:
    """An exception is a failed check, followed by the tails of the test's logs."""
    checks.check(False, f"the test ran to the end ({type(error).__name__}: {error})")
    for log in logs:
        print(f"--- {log}\n{log.read_text(errors='replace')[-1500:]}")


def keep_if_failed(checks, work) -> None:
    """Removes the work directory after a passing run; keeps (and names) it after a failure."""
    if checks.failed == 0:
        ic.remove_temp_dir(work)
    else:
        print(f"kept {work}")


def raw_publish(port: int, user: str, password: str, messages, tls_context=None) -> str:
    """Publishes with the NATS text protocol (HPUB with headers), independent of libnats: a hostile
    or broken client. `messages` = [(subject, {header: value}, body bytes)]. Returns what the server
    answered (-ERR lines for refused permissions)."""
    import json as _json
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    if tls_context is not None:
        sock.recv(4096)  # INFO comes first in the clear, then the TLS handshake
        sock = tls_context.wrap_socket(sock, server_hostname="localhost")
        info = b""
    else:
        info = sock.recv(4096)
    connect = {"verbose": False, "pedantic": False, "user": user, "pass": password, "headers": True,
               "protocol": 1, "lang": "python-test", "version": "0"}
    sock.sendall(b"CONNECT " + _json.dumps(connect).encode() + b"\r\n")
    for subject, headers, body in messages:
        head = b"NATS/1.0\r\n" + b"".join(f"{k}: {v}\r\n".encode() for k, v in headers.items()) + b"\r\n"
        sock.sendall(f"HPUB {subject} {len(head)} {len(head) + len(body)}\r\n".encode() + head + body + b"\r\n")
    sock.sendall(b"PING\r\n")
    answer = info
    deadline = time.monotonic() + 5
    while b"PONG" not in answer and b"-ERR" not in answer and time.monotonic() < deadline:
        try:
            chunk = sock.recv(4096)
        except socket.timeout:
            break
        if not chunk:
            break
        answer += chunk
    time.sleep(0.2)
    try:
        sock.settimeout(0.3)
        answer += sock.recv(4096)
    except OSError:
        pass
    sock.close()
    return answer.decode(errors="replace")
