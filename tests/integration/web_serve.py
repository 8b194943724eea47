#!/usr/bin/env python3
"""`kansoku serve` with a temporary config, checked with real curl over HTTP and HTTPS.

/api/v1/status and /metrics over HTTP; a second port in use is a one-line error naming it; 200
parallel half-sent requests and a slowloris client while a normal request still succeeds and the
slowloris is closed at request_timeout; then HTTPS with a self-signed certificate made here by
`openssl` (curl --cacert), plain HTTP refused on that port; SIGTERM stops it with exit 0 and the
access log has one line per request.

Usage: web_serve.py PATH/TO/kansoku
"""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import integ_common as ic  # noqa: E402


def write_config(work, port: int, tls: bool) -> str:
    path = work / ("tls.toml" if tls else "http.toml")
    cert = f'tls_cert = "{work / "cert.pem"}"\ntls_key = "{work / "key.pem"}"\n' if tls else ""
    path.write_text(f"""[sensor]
name = "integ-web"
[storage]
data_dir = "{work / 'var'}"
database = "{work / 'var' / 'kansoku.db'}"
events_jsonl = "{work / 'var' / 'events.jsonl'}"
[web]
port = {port}
access_log = "{work / 'var' / 'access.log'}"
max_connections = 1000
max_connections_per_client = 500
request_timeout = "2s"
idle_timeout = "3s"
{cert}""")
    return str(path)


def start_serve(kansoku: str, config: str, work, name: str):
    log = work / f"{name}.log"
    process = subprocess.Popen([kansoku, "serve", "--config", config], stdout=subprocess.DEVNULL,
                               stderr=log.open("w"), cwd=work)
    return process, log


def curl(*args):
    return ic.run(["curl", "-sS", "--max-time", "5", "-D", "-", *args], timeout=20)


def split_response(text: str):
    head, _, body = text.replace("\r\n", "\n").partition("\n\n")
    return head, body


def main() -> int:
    kansoku = ic.kansoku_binary()
    ic.exit_on_signals()
    for tool in ("curl", "openssl"):
        if shutil.which(tool) is None:
            ic.skip(f"{tool} is not installed")
    checks = ic.Checks()
    work = ic.make_temp_dir("ks-web-")
    processes = []
    try:
        run_checks(kansoku, work, checks, processes)
    finally:
        for p in processes:
            ic.stop_process(p)
        ic.remove_temp_dir(work)
    return checks.exit_code()


def check_http(kansoku, work, checks, processes) -> None:
    port = ic.free_port()
    config = write_config(work, port, tls=False)
    serve, log = start_serve(kansoku, config, work, "http")
    processes.append(serve)
    url = f"http://127.0.0.1:{port}"
    if not checks.check(ic.wait_for_text(log, f"web: serving {url}/", 20, serve), f"kansoku serve listens on {url}",
                        log.read_text()):
        return
    r = curl(f"{url}/api/v1/status")
    head, body = split_response(r.stdout)
    checks.check(r.returncode == 0 and head.startswith("HTTP/1.1 200"), "GET /api/v1/status is 200", r.stdout + r.stderr)
    checks.check("Content-Type: application/json" in head, "status is application/json", head)
    checks.check(re.search(r"Date: [A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT", head) is not None,
                 "Date header in IMF-fixdate", head)
    try:
        status = json.loads(body)
    except ValueError:
        status = {}
    checks.check(status.get("sensor") == "integ-web" and "published" in status.get("events", {}),
                 "status names the sensor and the bus counters", body)
    checks.check({c.get("name") for c in status.get("consumers", [])} >= {"store", "events_file"},
                 "status lists the consumers", body)

    r = curl(f"{url}/metrics")
    head, body = split_response(r.stdout)
    checks.check("text/plain; version=0.0.4" in head, "GET /metrics is Prometheus text 0.0.4", head)
    checks.check(re.search(r"^kansoku_http_responses_total\{code=\"2xx\"\} [1-9]", body, re.M) is not None,
                 "metrics count the 2xx responses", body)
    r = curl("-X", "POST", f"{url}/metrics")
    checks.check(r.stdout.startswith("HTTP/1.1 405") and "Allow: GET, HEAD" in r.stdout, "POST /metrics is 405 with Allow",
                 r.stdout)
    r = curl(f"{url}/api/v1/none")
    checks.check(r.stdout.startswith("HTTP/1.1 404") and '"status":404' in r.stdout, "unknown path is a JSON 404",
                 r.stdout)

    second = ic.run([kansoku, "serve", "--config", config], timeout=30, cwd=work)
    lines = second.stderr.strip().splitlines()
    checks.check(second.returncode == 1 and len(lines) == 1 and f"127.0.0.1:{port}" in lines[0]
                 and "in use" in lines[0], "a second serve on the same port is a one-line error naming it",
                 second.stderr)

    # 200 parallel connections, each with a half-sent request, and a slowloris dripping headers.
    crowd = []
    for _ in range(200):
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        s.sendall(b"GET /api/v1/status HTTP/1.1\r\nHost: x\r\n")
        crowd.append(s)
    slow = socket.create_connection(("127.0.0.1", port), timeout=5)
    slow.sendall(b"GET /metrics HTTP/1.1\r\n")
    started = time.monotonic()
    r = curl(f"{url}/api/v1/status")
    checks.check(r.stdout.startswith("HTTP/1.1 200"), "a normal request succeeds beside 200 open connections",
                 r.stdout + r.stderr)
    closed = False
    for i in range(40):  # a header line every 100 ms never completes the request
        try:
            slow.sendall(f"X-Slow-{i}: 1\r\n".encode())
            slow.settimeout(0.1)
            if slow.recv(4096) == b"":
                closed = True
                break
        except socket.timeout:
            continue
        except OSError:
            closed = True
            break
    waited = time.monotonic() - started
    checks.check(closed and waited < 3.5, f"the slowloris client is closed at request_timeout ({waited:.1f} s)")
    for s in crowd:
        s.close()
    slow.close()
    r = curl(f"{url}/metrics")
    match = re.search(r'^kansoku_http_timeouts_total\{kind="request"\} (\d+)', r.stdout, re.M)
    checks.check(match is not None and int(match.group(1)) >= 1, "metrics count the request timeout", r.stdout)

    ic.stop_process(serve)
    checks.check(serve.returncode == 0, "SIGTERM stops kansoku serve with exit 0", log.read_text())
    access = (work / "var" / "access.log").read_text() if (work / "var" / "access.log").exists() else ""
    checks.check(re.search(r"^\S+Z 127\.0\.0\.1 GET /api/v1/status 200 \d+ \S+ms$", access, re.M) is not None,
                 "the access log has a line per request", access[:2000])


def check_https(kansoku, work, checks, processes) -> None:
    made = ic.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                   "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", work / "key.pem",
                   "-out", work / "cert.pem"], timeout=60)
    if not checks.check(made.returncode == 0, "openssl makes a self-signed certificate", made.stderr):
        return
    port = ic.free_port()
    serve, log = start_serve(kansoku, write_config(work, port, tls=True), work, "https")
    processes.append(serve)
    url = f"https://127.0.0.1:{port}"
    if not checks.check(ic.wait_for_text(log, f"web: serving {url}/", 20, serve), f"kansoku serve listens on {url}",
                        log.read_text()):
        return
    r = curl("--cacert", work / "cert.pem", f"{url}/api/v1/status")
    head, body = split_response(r.stdout)
    checks.check(r.returncode == 0 and head.startswith("HTTP/1.1 200") and '"sensor":"integ-web"' in body,
                 "HTTPS GET /api/v1/status verified with --cacert", r.stdout + r.stderr)
    r = curl("--cacert", work / "cert.pem", f"{url}/metrics")
    checks.check(r.stdout.startswith("HTTP/1.1 200") and "kansoku_events_published_total" in r.stdout,
                 "HTTPS GET /metrics", r.stdout[:500] + r.stderr)
    r = curl(f"http://127.0.0.1:{port}/api/v1/status")
    checks.check(not r.stdout.startswith("HTTP/1.1 200"), "plain HTTP on the HTTPS port gets no answer", r.stdout)
    ic.stop_process(serve)
    checks.check(serve.returncode == 0, "SIGTERM stops the HTTPS server with exit 0", log.read_text())

    bad = work / "bad.toml"
    good = (work / "tls.toml").read_text()
    bad.write_text(good.replace(str(work / "key.pem"), str(work / "missing.pem")))
    r = ic.run([kansoku, "serve", "--config", bad], timeout=30, cwd=work)
    checks.check(r.returncode == 1 and len(r.stderr.strip().splitlines()) == 1 and "missing.pem" in r.stderr,
                 "a missing key file is a one-line error naming it", r.stderr)


def run_checks(kansoku, work, checks, processes) -> None:
    check_http(kansoku, work, checks, processes)
    check_https(kansoku, work, checks, processes)


if __name__ == "__main__":
    sys.exit(main())
