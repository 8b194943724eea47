#!/usr/bin/env python3
"""SSH uploads become samples (issue 17 item 1), with Debian's real clients on loopback (root not needed).

Checks: a 5,000-byte file sent with `scp -O` (legacy SCP, also -r and -p), with plain `scp` (SFTP), with
`sftp -b` (put, rename, mkdir, chmod, ls) and piped into `ssh ... 'cat > f; chmod +x f; f'` (also `dd of=`,
`tee`, `base64 -d >`) is stored exactly (SHA-256 of the store's file = SHA-256 of the bytes sent) with a
honeypot.download event (tool scp/sftp/stdin, path) and a `sample` event whose source has kind `upload`, `via`
and `path`; a hostile SFTP client (python3-paramiko) sending oversized writes, bad handles, a packet over the
limit and `../` paths gets SFTP errors, and no file appears on the host; bad SCP headers (truncated, negative
and huge sizes, `../` names) get SCP's errors; the summary counts them.

Usage: honeypot_ssh_upload.py PATH/TO/kansoku [--keep DIR]
"""

import base64
import os
import random
import shutil
import socket
import struct
import subprocess
import sys
import time
import traceback
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import honeypot_lab as hl  # noqa: E402
import integ_common as ic  # noqa: E402

ACCEPTED = ("root", "xc3511")
SSH_OPTIONS = ["-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
               "-o", "PreferredAuthentications=password", "-o", "PubkeyAuthentication=no",
               "-o", "NumberOfPasswordPrompts=1", "-o", "ConnectTimeout=10"]


def payload(seed: int, size: int = 5000) -> bytes:
    # An x86-64 ELF header (it would not run on the MIPS persona: "Exec format error") and random bytes.
    head = b"\x7fELF\x02\x01\x01\x00" + bytes(8) + b"\x02\x00\x3e\x00"
    return head + random.Random(seed).randbytes(size - len(head))


def sshpass(*args, stdin: bytes = b"", timeout=60) -> subprocess.CompletedProcess:
    """A client run with the accepted password; `stdin` is sent as its standard input (bytes)."""
    r = subprocess.run(["sshpass", "-p", ACCEPTED[1], *[str(a) for a in args]], input=stdin, capture_output=True,
                       timeout=timeout)
    return subprocess.CompletedProcess(r.args, r.returncode, r.stdout.decode(errors="replace"),
                                       r.stderr.decode(errors="replace"))


def sample_events(events, sha):
    return [e for e in ic.of_type(events, "sample") if e.get("sha256") == sha]


def upload_sources(events, sha):
    return [s for e in sample_events(events, sha) for s in e.get("sources", []) if s.get("kind") == "upload"]


def hostile_sftp(port: int, checks: ic.Checks, work: Path) -> None:
    """paramiko as an attacker's SFTP client: every bad request gets an SFTP error, nothing reaches the host."""
    import paramiko  # python3-paramiko (scripts/setup)
    from paramiko import sftp as psftp
    from paramiko.py3compat import long  # paramiko packs a `long` as uint64 (offsets), an int as uint32

    transport = paramiko.Transport(("127.0.0.1", port))
    transport.connect(username=ACCEPTED[0], password=ACCEPTED[1])
    client = paramiko.SFTPClient.from_transport(transport)
    escape = Path("/tmp") / f"kansoku-escaped-from-sftp-{os.getpid()}"
    traversal = "../../../../../../../.." + str(escape)
    with client.open(traversal, "wb") as f:
        f.write(b"traversal stays in the emulated filesystem")
    checks.check(not escape.exists(), f"a ../ path written over SFTP ({traversal}) is not on the host")
    stat = client.stat(str(escape))
    checks.check(stat.st_size == len(b"traversal stays in the emulated filesystem"),
                 "the ../ path resolved inside the session's filesystem (stat finds it there)")
    try:
        client.open("../../.." + str(work / "deeper"), "wb")
        checks.check(False, "a ../ path into a host directory the persona lacks is refused")
    except IOError as e:
        checks.check(not (work / "deeper").exists(), f"a ../ path into a host-only directory is refused ({e})")
    passwd = client.open("../../../etc/passwd").read().decode(errors="replace")
    host_passwd = Path("/etc/passwd").read_text(errors="replace")
    checks.check(passwd != host_passwd and "root" in passwd, "reading /etc/passwd gives the persona's, not the host's")

    def expect_error(what, fn):
        try:
            fn()
        except (IOError, OSError, paramiko.SFTPError) as e:
            checks.check(True, f"{what}: answered with an SFTP error ({e})")
            return
        checks.check(False, f"{what}: answered with an SFTP error")

    # A handle that was never issued, and one of the wrong kind.
    expect_error("WRITE to a bad handle", lambda: client._request(psftp.CMD_WRITE, b"\xff\xff\xff\xff", long(0), b"x"))
    expect_error("CLOSE of a bad handle", lambda: client._request(psftp.CMD_CLOSE, b"nope"))
    expect_error("READDIR on a file handle", lambda: client._request(
        psftp.CMD_READDIR, client.open("/tmp/h1", "wb").handle))
    # A write beyond the per-file limit (offset near 2^63) and a packet over the SFTP packet limit.
    handle = client.open("/tmp/big", "wb").handle
    expect_error("a write at offset 2^62", lambda: client._request(psftp.CMD_WRITE, handle, long(1 << 62), b"x" * 10))
    expect_error("a 200 KiB WRITE packet", lambda: client._request(psftp.CMD_WRITE, handle, long(0), b"y" * 200_000))
    # The session still works afterwards.
    with client.open("/tmp/after", "wb") as f:
        f.write(b"still answering after the errors")
    checks.check(client.stat("/tmp/after").st_size == 32, "the SFTP session goes on after the errors")
    client.close()
    transport.close()


def raw_scp(port: int, command: str, data: bytes) -> bytes:
    """Runs `command` (an scp -t sink) over a paramiko exec channel, sends `data`, returns what came back."""
    import paramiko

    transport = paramiko.Transport(("127.0.0.1", port))
    transport.connect(username=ACCEPTED[0], password=ACCEPTED[1])
    channel = transport.open_session()
    channel.exec_command(command)
    channel.sendall(data)
    channel.shutdown_write()
    out = b""
    channel.settimeout(10)
    try:
        while True:
            chunk = channel.recv(4096)
            if not chunk:
                break
            out += chunk
    except socket.timeout:
        pass
    status = channel.recv_exit_status() if channel.exit_status_ready() else -1
    transport.close()
    return out + f"[exit {status}]".encode()


def main() -> int:
    binary = ic.kansoku_binary()
    keep = Path(sys.argv[sys.argv.index("--keep") + 1]) if "--keep" in sys.argv else None
    for tool in ("ssh", "scp", "sftp", "sshpass"):
        if shutil.which(tool) is None:
            ic.skip(f"{tool} is not installed (scripts/setup installs openssh-client and sshpass)")
    ic.require_system_module("paramiko", "python3-paramiko")
    ic.exit_on_signals()
    checks = ic.Checks()
    work = ic.make_temp_dir("kansoku-ssh-upload-")
    overrides = {"honeypot.telnet": {"enabled": False}, "honeypot.ssh": {"enabled": True}}
    lab = hl.HoneypotLab(binary, work, overrides, accepted=ACCEPTED)
    files = {name: payload(seed) for seed, name in enumerate(
        ["legacy", "sftp-scp", "batch", "stdin", "dd", "tee", "b64", "tree-a", "tree-b"])}
    local = work / "local"
    local.mkdir()
    for name, data in files.items():
        (local / name).write_bytes(data)
    (local / "tree").mkdir()
    (local / "tree" / "a").write_bytes(files["tree-a"])
    (local / "tree" / "sub").mkdir()
    (local / "tree" / "sub" / "b").write_bytes(files["tree-b"])
    try:
        lab.start()
        port = str(lab.ports["ssh"])
        dest = f"{ACCEPTED[0]}@127.0.0.1"
        scp = ["scp", *SSH_OPTIONS, "-P", port]

        r = sshpass(*scp, "-O", str(local / "legacy"), f"{dest}:/tmp/p3")
        checks.check(r.returncode == 0, f"scp -O (legacy SCP) exits 0 ({r.returncode})", r.stdout + r.stderr)
        r = sshpass(*scp, "-O", "-r", "-p", str(local / "tree"), f"{dest}:/tmp/")
        checks.check(r.returncode == 0, f"scp -O -r -p of a directory tree exits 0 ({r.returncode})",
                     r.stdout + r.stderr)
        r = sshpass(*scp, str(local / "sftp-scp"), f"{dest}:/tmp/p4")
        checks.check(r.returncode == 0, f"scp (SFTP, OpenSSH's default) exits 0 ({r.returncode})", r.stdout + r.stderr)

        batch = work / "batch.txt"
        batch.write_text(f"cd /tmp\nmkdir upl\nput {local / 'batch'} upl/x.tmp\nrename upl/x.tmp upl/x\n"
                         "chmod 755 upl/x\nls -l upl\n")
        # -b turns on BatchMode (no password prompts); an earlier -o wins in ssh, so sshpass can answer.
        r = sshpass("sftp", "-o", "BatchMode=no", *SSH_OPTIONS, "-P", port, "-b", str(batch), dest)
        checks.check(r.returncode == 0 and " x" in r.stdout and "rwxr-xr-x" in r.stdout,
                     f"sftp -b (mkdir, put, rename, chmod, ls -l) exits 0 and lists the file ({r.returncode})",
                     r.stdout + r.stderr)

        ssh = ["ssh", *SSH_OPTIONS, "-p", port, dest]
        r = sshpass(*ssh, "cat > /tmp/p5; chmod +x /tmp/p5; /tmp/p5", stdin=files["stdin"])
        checks.check("Exec format error" in r.stdout + r.stderr,
                     "ssh 'cat > f; chmod +x f; f' < file ran the line after the input ended", r.stdout + r.stderr)
        r = sshpass(*ssh, "dd of=/tmp/p6 bs=512", stdin=files["dd"])
        checks.check(r.returncode == 0, f"ssh 'dd of=f' < file exits 0 ({r.returncode})", r.stdout + r.stderr)
        r = sshpass(*ssh, "tee /tmp/p7 > /dev/null", stdin=files["tee"])
        checks.check(r.returncode == 0, f"ssh 'tee f' < file exits 0 ({r.returncode})", r.stdout + r.stderr)
        r = sshpass(*ssh, "base64 -d > /tmp/p8", stdin=base64.encodebytes(files["b64"]))
        checks.check(r.returncode == 0, f"ssh 'base64 -d > f' < file exits 0 ({r.returncode})", r.stdout + r.stderr)
        hostile_sftp(int(port), checks, work)
        truncated = raw_scp(int(port), "scp -t /tmp", b"C0644 12")
        checks.check(truncated.endswith(b"[exit 1]"), "SCP: a header cut by EOF ends the sink with status 1 (counted)",
                     repr(truncated))
        bad = {
            "negative size": raw_scp(int(port), "scp -t /tmp", b"C0644 -5 neg\n"),
            "huge size": raw_scp(int(port), "scp -t /tmp", b"C0644 99999999999999999999 huge\n"),
            "too large for the limit": raw_scp(int(port), "scp -t /tmp", b"C0644 999999999 big\n"),
            "a ../ name": raw_scp(int(port), "scp -t /tmp", b"C0644 3 ../../etc/x\nabc\0"),
            "a directory without -r": raw_scp(int(port), "scp -t /tmp", b"D0755 0 d\n"),
            "garbage": raw_scp(int(port), "scp -t /tmp", b"\x7fELF garbage\n"),
        }
        for what, reply in bad.items():
            checks.check(b"\x01scp: " in reply, f"SCP {what}: answered with an scp error", repr(reply[:200]))
        checks.check(b"big: No space left on device" in bad["too large for the limit"],
                     "a size over the limit: the device's 'No space left on device'",
                     repr(bad["too large for the limit"][:200]))
        checks.check(b"unexpected filename" in bad["a ../ name"], "a ../ name: 'unexpected filename'",
                     repr(bad["a ../ name"][:200]))

        wanted = {"legacy": ("scp", "/tmp/p3"), "tree-a": ("scp", "/tmp/tree/a"),
                  "tree-b": ("scp", "/tmp/tree/sub/b"), "sftp-scp": ("sftp", "/tmp/p4"),
                  "batch": ("sftp", "/tmp/upl/x.tmp"), "stdin": ("stdin", "/tmp/p5"), "dd": ("stdin", "/tmp/p6"),
                  "tee": ("stdin", "/tmp/p7"), "b64": ("stdin", "/tmp/p8")}
        shas = {name: hl.sha256_of(files[name]) for name in wanted}
        events = lab.wait_for_events(lambda ev: all(sample_events(ev, sha) for sha in shas.values()), 20)
        lab.stop()
        for name, (via, path) in wanted.items():
            sha = shas[name]
            stored = lab.sample_path(sha)
            checks.check(stored.exists() and hl.sha256_of(stored.read_bytes()) == sha,
                         f"{name}: the store holds exactly the bytes sent ({sha[:16]}...)")
            sources = upload_sources(events, sha)
            checks.check(any(s.get("via") == via and s.get("path") == path for s in sources),
                         f"{name}: a sample event with kind upload, via {via}, path {path}", str(sources))
            downloads = [e for e in ic.of_type(events, "honeypot.download") if e.get("sha256") == sha]
            checks.check(any(e.get("tool") == via and e.get("path") == path and e.get("size") == len(files[name])
                             for e in downloads), f"{name}: honeypot.download with tool {via}, path and size",
                         str(downloads))
        uploads = lab.summary_value(r"ssh uploads: (\d+) files")
        checks.check(uploads >= len(wanted), f"the exit summary counts the uploads ({uploads})", lab.stderr_text)
        refused = lab.summary_value(r"(\d+) refused")
        checks.check(refused >= 1, f"the summary counts refused uploads ({refused})", lab.stderr_text)
        incomplete = lab.summary_value(r"(\d+) incomplete")
        checks.check(incomplete >= 1, f"the summary counts incomplete uploads ({incomplete})", lab.stderr_text)
        scp_errors = lab.summary_value(r"scp: (\d+) protocol errors")
        checks.check(scp_errors >= 5, f"the summary counts SCP protocol errors ({scp_errors})", lab.stderr_text)
        bad_handles = lab.summary_value(r"sftp: \d+ bad messages, (\d+) bad handles")
        checks.check(bad_handles >= 3, f"the summary counts SFTP bad handles ({bad_handles})", lab.stderr_text)
        cowrie = [r for r in ic.parse_jsonl(lab.cowrie_text()) if r.get("eventid") == "cowrie.session.file_upload"]
        checks.check(len(cowrie) >= len(wanted), f"Cowrie's log has file_upload records ({len(cowrie)})")
    except (RuntimeError, OSError, ValueError, struct.error) as e:
        checks.check(False, "the upload checks ran to the end", traceback.format_exc())
    finally:
        lab.stop()
        if keep is not None:
            hl.keep_outputs(work, keep)
        ic.remove_temp_dir(work)
    return checks.exit_code()


if __name__ == "__main__":
    started = time.monotonic()
    code = main()
    print(f"({time.monotonic() - started:.1f} s)", flush=True)
    sys.exit(code)
