"""A three-node nats-server cluster with JetStream on loopback ports in a temporary directory, for
the sensor/center tests and benchmark (docs/transport.md). Users: `center` (everything) and one per
sensor allowed to publish only below kansoku.events.<sensor>. (and to receive its acknowledgements).
Optional TLS with a CA the caller made (`tls` = dict of ca, cert, key file paths).
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
    lines = [f'{{user: "center", password: "{center_password}", permissions: {{publish: ">", subscribe: ">"}}}}']
    for name, password in sensors.items():
        lines.append(f'{{user: "{name}", password: "{password}", permissions: {{'
                     f'publish: {{allow: ["kansoku.events.{name}.>"]}}, subscribe: {{allow: ["_INBOX.>"]}}, '
                     f'allow_responses: true}}}}')
    return ",\n      ".join(lines)


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
                tls_block = (f'tls {{ cert_file: "{tls["cert"]}", key_file: "{tls["key"]}", '
                             f'ca_file: "{tls["ca"]}", timeout: 2 }}')
            (work / f"n{i}.conf").write_text(f"""
server_name: n{i}
listen: 127.0.0.1:{self.client_ports[i]}
{tls_block}
jetstream {{ store_dir: "{store}", max_memory_store: 64MB, max_file_store: 2GB }}
cluster {{ name: kansoku, listen: 127.0.0.1:{self.route_ports[i]}, routes: [{routes}] }}
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
