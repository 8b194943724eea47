#!/usr/bin/env python3
"""The Cowrie-format log ([honeypot] cowrie_jsonl) of a real telnet session, checked against Cowrie's documented
output events.

A telnet session on loopback (a failed and a successful login, a known and an unknown command, a wget from a
loopback HTTP server, a file written with echo, exit) runs against `kansoku honeypot`; then every line of the
Cowrie log must be a JSON object with Cowrie's shared attributes, an event id Cowrie documents, and the
attributes Cowrie documents for that event id; and the records must match kansoku's own events one for one.

Usage: cowrie_format.py PATH/TO/kansoku [--keep DIR]
"""

import datetime
import os
import re
import sys
import time
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import honeypot_lab as hl  # noqa: E402
import integ_common as ic  # noqa: E402

# Cowrie's "Output Event Code Reference", https://docs.cowrie.org/en/stable/OUTPUT.html (the source is
# docs/OUTPUT.rst in github.com/cowrie/cowrie): the attributes every event carries, and per event id the
# attributes documented for it.
COWRIE_SHARED = ("message", "sensor", "timestamp", "src_ip", "session")
COWRIE_EVENTS = {
    "cowrie.client.fingerprint": ("username", "fingerprint", "key", "type"),
    "cowrie.login.success": ("username", "password"),
    "cowrie.login.failed": ("username", "password"),
    "cowrie.client.size": ("width", "height"),
    "cowrie.session.file_upload": ("filename", "outfile", "shasum"),
    "cowrie.session.file_download": ("url", "outfile", "shasum"),
    "cowrie.command.input": ("input",),
    "cowrie.command.failed": ("input",),
    "cowrie.virustotal.scanfile": ("sha256", "is_new", "positives", "total"),
    "cowrie.session.connect": ("src_ip", "src_port", "dst_ip", "dst_port"),
    "cowrie.client.version": ("version",),
    "cowrie.client.kex": ("hassh", "hasshAlgorithms", "kexAlgs", "keyAlgs"),
    "cowrie.session.closed": ("duration",),
    "cowrie.session.params": ("arch",),
    "cowrie.log.closed": ("duration", "ttylog", "size", "shasum", "duplicate"),
    "cowrie.direct-tcpip.request": ("dst_ip", "dst_port", "src_ip", "src_port"),
    "cowrie.direct-tcpip.data": ("dst_ip", "dst_port"),
    "cowrie.client.var": ("name", "value"),
}
# Types of the attributes this test's session produces (Cowrie writes ports as numbers, duration in seconds as a
# number, shasum as lowercase hex SHA-256).
INTEGER_ATTRIBUTES = ("src_port", "dst_port")
NUMBER_ATTRIBUTES = ("duration",)
# What one telnet session with a download must produce at least.
EXPECTED_IDS = ("cowrie.session.connect", "cowrie.login.failed", "cowrie.login.success", "cowrie.command.input",
                "cowrie.command.failed", "cowrie.session.file_download", "cowrie.session.closed")
ISO_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$")
SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")
USER, PASSWORD = "root", "xc3511"
UNKNOWN_COMMAND = "kansokunotacommand"


def run_session(lab: hl.HoneypotLab, server: hl.SampleServer, prompt: bytes) -> None:
    client = hl.TelnetClient("127.0.0.1", lab.ports["telnet"])
    try:
        client.read_until(b"login: ")
        client.line("admin")
        client.read_until(b"Password: ")
        client.line("wrong-password")
        client.login(USER, PASSWORD)
        for command in ("cat /proc/mounts", UNKNOWN_COMMAND,
                        f"cd /tmp; wget http://127.0.0.1:{server.port}/bins/cowrie.mips -O .c",
                        "echo -ne '\\x7f\\x45\\x4c\\x46\\x01\\x01\\x01cowrie' > .e"):
            client.line(command)
            client.read_until(prompt, 20)
        client.line("exit")
        client.read_until(b"\x00", 3)  # the server closes
    finally:
        client.close()


def main() -> int:
    binary = ic.kansoku_binary()
    keep = Path(sys.argv[sys.argv.index("--keep") + 1]) if "--keep" in sys.argv else None
    ic.exit_on_signals()
    checks = ic.Checks()
    work = ic.make_temp_dir("kansoku-cowrie-")
    lab = None
    server = hl.SampleServer({"/bins/cowrie.mips": b"\x7fELF\x01\x01\x01" + os.urandom(300)})
    try:
        lab = hl.HoneypotLab(binary, work)
        lab.start()
        prompt = hl.PROMPT
        run_session(lab, server, prompt)
        lab.wait_for_events(lambda ev: len(ic.of_type(ev, "honeypot.session")) >= 1, 15)
        status = lab.stop()
        checks.check(status == 0, "kansoku honeypot exits 0 on SIGINT", lab.stderr_text)
        events = lab.events()
        text = lab.cowrie_text()
        lines = [line for line in text.splitlines() if line.strip()]
        checks.check(len(lines) > 0, f"the Cowrie log has lines ({len(lines)})")
        try:
            records = ic.parse_jsonl(text)
            checks.check(all(isinstance(r, dict) for r in records), "every line is a JSON object")
        except ValueError as e:
            checks.check(False, "every line is a JSON object", str(e))
            records = []

        problems = []
        for number, record in enumerate(records, 1):
            if not isinstance(record, dict):
                continue
            eventid = record.get("eventid")
            if eventid not in COWRIE_EVENTS:
                problems.append(f"line {number}: eventid {eventid!r} is not one Cowrie documents")
                continue
            for key in COWRIE_SHARED + COWRIE_EVENTS[eventid]:
                if key not in record:
                    problems.append(f"line {number} ({eventid}): no {key}")
            for key in COWRIE_SHARED:
                if key in record and (not isinstance(record[key], str) or not record[key]):
                    problems.append(f"line {number} ({eventid}): {key} = {record[key]!r} is not a non-empty string")
            timestamp = str(record.get("timestamp", ""))
            if not ISO_UTC.match(timestamp):
                problems.append(f"line {number}: timestamp {timestamp!r} is not ISO 8601 UTC ending in Z")
            else:
                try:
                    datetime.datetime.fromisoformat(timestamp.replace("Z", "+00:00")[:26] + "+00:00"
                                                    if "." in timestamp else timestamp.replace("Z", "+00:00"))
                except ValueError as e:
                    problems.append(f"line {number}: timestamp {timestamp!r}: {e}")
            for key in INTEGER_ATTRIBUTES:
                if key in record and (not isinstance(record[key], int) or isinstance(record[key], bool)):
                    problems.append(f"line {number} ({eventid}): {key} = {record[key]!r} is not an integer")
            for key in NUMBER_ATTRIBUTES:
                if key in record and not isinstance(record[key], (int, float)):
                    problems.append(f"line {number} ({eventid}): {key} = {record[key]!r} is not a number")
            if "shasum" in record and not SHA256_HEX.match(str(record["shasum"])):
                problems.append(f"line {number} ({eventid}): shasum {record['shasum']!r} is not a SHA-256")
            if record.get("src_ip") not in (None, "127.0.0.1"):
                problems.append(f"line {number}: src_ip {record.get('src_ip')!r}, the client was 127.0.0.1")
            if record.get("sensor") not in (None, "integ"):
                problems.append(f"line {number}: sensor {record.get('sensor')!r}, the config says integ")
        checks.check(not problems, "every record has a documented eventid, the shared attributes, its documented "
                     "attributes, typed as Cowrie writes them", "\n".join(problems[:20]))

        ids = [r.get("eventid") for r in records if isinstance(r, dict)]
        missing = [e for e in EXPECTED_IDS if e not in ids]
        checks.check(not missing, "the session produced connect, login.failed/success, command.input/failed, "
                     "file_download, session.closed", f"missing {missing}; got {sorted(set(ids))}")
        sessions = {r.get("session") for r in records if isinstance(r, dict)}
        checks.check(len(sessions) == 1, f"one session id throughout ({sorted(map(str, sessions))})")

        # One for one with kansoku's own events.
        logins = ic.of_type(events, "honeypot.login")
        by_id = {e: ids.count(e) for e in set(ids)}
        checks.check(by_id.get("cowrie.login.failed", 0) == sum(1 for e in logins if not e.get("success")) and
                     by_id.get("cowrie.login.success", 0) == sum(1 for e in logins if e.get("success")),
                     "login records match honeypot.login events", f"{by_id} vs {len(logins)} logins")
        failed = [r for r in records if r.get("eventid") == "cowrie.login.failed"]
        success = [r for r in records if r.get("eventid") == "cowrie.login.success"]
        checks.check([(r.get("username"), r.get("password")) for r in failed] == [("admin", "wrong-password")] and
                     [(r.get("username"), r.get("password")) for r in success] == [(USER, PASSWORD)],
                     "the failed and the successful credentials are the ones sent",
                     f"failed {failed}\nsuccess {success}")
        commands = ic.of_type(events, "honeypot.command")
        inputs = [r.get("input") for r in records if r.get("eventid") == "cowrie.command.input"]
        checks.check(inputs == [c.get("input") for c in commands], "command.input records match honeypot.command "
                     "events in order", f"{inputs}\nvs {[c.get('input') for c in commands]}")
        failed_inputs = [r.get("input") for r in records if r.get("eventid") == "cowrie.command.failed"]
        checks.check(failed_inputs == [UNKNOWN_COMMAND], f"command.failed only for the unknown command "
                     f"({failed_inputs})")
        downloads = [r for r in records if r.get("eventid") == "cowrie.session.file_download"]
        ok_downloads = [e for e in ic.of_type(events, "honeypot.download") if e.get("outcome") == "ok"]
        checks.check(sorted(r.get("shasum") for r in downloads) == sorted(e.get("sha256") for e in ok_downloads)
                     and len(downloads) >= 1, "file_download records match the downloads, shasum = sha256",
                     f"{downloads}\nvs {ok_downloads}")
        wget = hl.sha256_of(server.files["/bins/cowrie.mips"])
        url_ok = any(r.get("shasum") == wget and r.get("url", "").endswith("/bins/cowrie.mips") for r in downloads)
        checks.check(url_ok, "the wget download has the URL fetched and the file's SHA-256")
        connects = [r for r in records if r.get("eventid") == "cowrie.session.connect"]
        checks.check(len(connects) == 1 and connects[0].get("dst_port") == lab.ports["telnet"] and
                     connects[0].get("dst_ip") == "127.0.0.1", "session.connect has the honeypot's address and port",
                     str(connects))
        closed = [r for r in records if r.get("eventid") == "cowrie.session.closed"]
        # A URL download finishes in the background (the honeypot's wget does not block the shell), so its
        # file_download may follow session.closed when the client leaves at once; everything else precedes it.
        after = ids[ids.index("cowrie.session.closed") + 1:] if "cowrie.session.closed" in ids else []
        late = [r for r in records[len(ids) - len(after):] if not (r.get("eventid") == "cowrie.session.file_download"
                                                                  and str(r.get("url", "")).startswith("http"))]
        checks.check(len(connects) == 1 and len(closed) == 1 and ids[0] == "cowrie.session.connect" and not late,
                     "connect first, closed once, nothing but background URL downloads after it", str(ids))
        if after:
            print(f"      note: {len(after)} URL download record(s) after session.closed", flush=True)
    except (RuntimeError, OSError) as e:
        checks.check(False, "the session ran", str(e))
    finally:
        if lab is not None:
            lab.stop()
        server.stop()
        if keep is not None:
            ic.keep_files(work / "var", keep, "the honeypot's outputs")
            ic.keep_files(work, keep, "the config and logs")
        ic.remove_temp_dir(work)
    return checks.exit_code()


if __name__ == "__main__":
    started = time.monotonic()
    code = main()
    print(f"({time.monotonic() - started:.1f} s)", flush=True)
    sys.exit(code)
