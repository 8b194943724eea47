"""What the HTTP benchmarks share (bench/isp_api_bench, bench/taxii_bench, bench/dashboard_api_bench): a free
loopback port, waiting for `kansoku serve` to listen, and one wrk run read back as requests/s and p99 latency."""

import re
import socket
import subprocess
import sys
import time

UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int, process, name: str) -> None:
    """Returns once something listens on `port`; exits naming `name` if `process` ends or 20 s pass."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"{name}: kansoku serve exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    sys.exit(f"{name}: kansoku serve did not listen within 20 s")


def wrk(url: str, headers: list, connections: int, duration: int, script: str = "", name: str = "",
        strict: bool = False) -> dict:
    """One wrk run (one thread) against `url`: {"rate": requests/s, "p99_ms": ...}. Non-2xx answers or socket
    errors are printed as a warning, or end the benchmark when `strict`."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency"]
    for header in headers:
        command += ["-H", header]
    if script:
        command += ["-s", script]
    out = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.M)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    if non2xx or errors:
        problem = f"{url}: {non2xx.group(0) if non2xx else ''} {errors.group(0) if errors else ''}".strip()
        if strict:
            sys.exit(f"{name}: {problem}")
        print(f"  warning: {problem}", file=sys.stderr)
    return {"rate": rate, "p99_ms": float(p99.group(1)) * UNITS[p99.group(2)]}
