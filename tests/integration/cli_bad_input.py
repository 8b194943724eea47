#!/usr/bin/env python3
"""Bad input to the `kansoku` binary: one line on stderr naming the problem, a non-zero exit, no crash,
and a database that already holds a good run is left exactly as it was.

Also: `--help` exits 0 for every command. Usage: cli_bad_input.py PATH/TO/kansoku
"""

import hashlib
import os
import re
import sqlite3
import struct
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import integ_common as ic  # noqa: E402

PCAP_GLOBAL_HEADER = 24
PCAP_RECORD_HEADER = 16


def pcap_record_offsets(data: bytes):
    """(offset, captured length) of every record of a classic little-endian microsecond pcap."""
    magic = struct.unpack_from("<I", data, 0)[0]
    if magic != 0xA1B2C3D4:
        raise ValueError(f"unexpected pcap magic {magic:#x}")
    records = []
    offset = PCAP_GLOBAL_HEADER
    while offset + PCAP_RECORD_HEADER <= len(data):
        incl_len = struct.unpack_from("<I", data, offset + 8)[0]
        records.append((offset, incl_len))
        offset += PCAP_RECORD_HEADER + incl_len
    return records


def write_pcap_with_link_type(path: Path, link_type: int) -> None:
    """A well-formed pcap whose header declares `link_type`, holding one 60-byte packet."""
    header = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, link_type)
    packet = bytes(range(60))
    record = struct.pack("<IIII", 1_700_000_000, 0, len(packet), len(packet)) + packet
    path.write_bytes(header + record)


class DatabaseSnapshot:
    """What `kansoku query events --json` prints (hashed) and the events table's row count."""

    def __init__(self, kansoku: str, db: Path) -> None:
        query = ic.run([kansoku, "query", "events", "--db", db, "--json"], timeout=60)
        if query.returncode != 0:
            raise RuntimeError(f"query events --db {db} failed: {query.stderr.strip()}")
        self.query_sha256 = hashlib.sha256(query.stdout.encode()).hexdigest()
        self.query_lines = len(query.stdout.splitlines())
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
            self.rows = connection.execute("SELECT count(*) FROM events").fetchone()[0]

    def __eq__(self, other) -> bool:
        return (self.query_sha256, self.query_lines, self.rows) == (other.query_sha256, other.query_lines, other.rows)

    def __str__(self) -> str:
        return f"{self.rows} rows, query events: {self.query_lines} lines, sha256 {self.query_sha256[:16]}"


def main() -> int:
    kansoku = ic.kansoku_binary()
    ic.exit_on_signals()
    checks = ic.Checks()
    tmp = ic.make_temp_dir("ks-badinput-")
    try:
        run_checks(kansoku, tmp, checks)
    finally:
        ic.remove_temp_dir(tmp)
    return checks.exit_code()


def run_checks(kansoku: str, tmp: Path, checks: ic.Checks) -> None:
    # --- Inputs ----------------------------------------------------------------------------------
    good = tmp / "good.pcap"
    generated = ic.run([kansoku, "darknet", "generate", "-o", good], timeout=60)
    if not checks.check(generated.returncode == 0 and good.stat().st_size > 0, "darknet generate writes a pcap",
                        generated.stderr):
        return
    data = good.read_bytes()
    records = pcap_record_offsets(data)
    middle_offset, middle_len = records[len(records) // 2]
    truncated = tmp / "truncated-mid-record.pcap"  # cut inside a packet's bytes
    truncated.write_bytes(data[:middle_offset + PCAP_RECORD_HEADER + middle_len // 2])
    truncated_header = tmp / "truncated-record-header.pcap"  # cut inside a record header
    truncated_header.write_bytes(data[:middle_offset + 7])
    short_header = tmp / "short-global-header.pcap"  # cut inside the file header
    short_header.write_bytes(data[:10])
    not_pcap = tmp / "notes.txt"
    not_pcap.write_text("this is not a capture file\n" * 20)
    link_147 = tmp / "linktype-147.pcap"
    write_pcap_with_link_type(link_147, 147)
    empty = tmp / "empty.pcap"
    empty.write_bytes(b"")
    missing = tmp / "does-not-exist.pcap"
    missing_dir_db = tmp / "no-such-dir" / "x.db"

    # --- A database holding a good run -------------------------------------------------------------
    db = tmp / "kept.db"
    stored = ic.run([kansoku, "darknet", "analyze", "--quiet", "--db", db, good], timeout=120)
    if not checks.check(stored.returncode == 0, "a good run is stored", stored.stderr):
        return
    before = DatabaseSnapshot(kansoku, db)
    checks.check(before.rows > 0 and before.rows == before.query_lines,
                 f"the stored run has events ({before})")

    # --- Bad input: (what, arguments, pattern the one stderr line must match, db passed in) --------
    analyze = [kansoku, "darknet", "analyze", "--db", db]
    cases = [
        ("truncated pcap (mid-record)", analyze + [truncated], rf"{truncated.name}.*truncat|truncat.*{truncated.name}"),
        ("truncated pcap (record header)", analyze + [truncated_header], rf"{truncated_header.name}.*truncat"),
        ("good file then truncated file", analyze + ["--jsonl", good, truncated], rf"{truncated.name}.*truncat"),
        ("truncated file header", analyze + [short_header], rf"{short_header.name}"),
        ("not a pcap file", analyze + [not_pcap], rf"{not_pcap.name}.*(format|not a)"),
        ("good file then a non-pcap file", analyze + [good, not_pcap], rf"{not_pcap.name}.*(format|not a)"),
        ("unknown link type 147", analyze + [link_147], rf"{link_147.name}.*link type.*147"),
        ("zero-length file", analyze + [empty], rf"{empty.name}.*empty"),
        ("missing file", analyze + [missing], rf"{missing.name}.*(no such file|not found|does not exist)"),
        ("prefix length 33", analyze + ["--darknet", "203.0.113.0/33", good], r"203\.0\.113\.0/33.*length"),
        ("prefix 'foo'", analyze + ["--darknet", "foo", good], r"'foo'.*(address|prefix)"),
        ("prefix with host bits set", analyze + ["--darknet", "203.0.113.1/24", good], r"203\.0\.113\.1/24.*host bits"),
        ("IPv6 prefix length 129", analyze + ["--darknet", "2001:db8::/129", good], r"2001:db8::/129.*length"),
        ("database under /proc", [kansoku, "darknet", "analyze", "--db", "/proc/nope/x.db", good],
         r"/proc/nope/x\.db"),
        ("database in a missing directory", [kansoku, "darknet", "analyze", "--db", missing_dir_db, good],
         re.escape(str(missing_dir_db))),
        ("capture: no such interface",
         [kansoku, "darknet", "capture", "--interface", "ks-nope0", "--darknet", "203.0.113.0/24", "--duration", "1",
          "--db", db], r"ks-nope0.*(no such|not found|doesn't exist|does not exist|permission)"),
        ("capture: prefix 'foo'",
         [kansoku, "darknet", "capture", "--interface", "lo", "--darknet", "foo", "--duration", "1", "--db", db],
         r"'foo'.*(address|prefix)"),
        ("query: database in a missing directory", [kansoku, "query", "scans", "--db", missing_dir_db],
         re.escape(str(missing_dir_db))),
    ]
    for what, args, pattern in cases:
        result = ic.run(args, timeout=60)
        lines = result.stderr.strip().splitlines()
        output = f"exit {result.returncode}\nstderr:\n{result.stderr}"
        checks.check(0 < result.returncode < 64,
                     f"{what}: non-zero exit without a crash or internal error (got {result.returncode})", output)
        checks.check(len(lines) == 1, f"{what}: exactly one line on stderr (got {len(lines)})", output)
        checks.check(bool(lines) and re.search(pattern, lines[0], re.IGNORECASE) is not None,
                     f"{what}: stderr names the problem", f"expected /{pattern}/\n{output}")
        if what == "good file then truncated file":
            # The good file produced events (streamed with --jsonl) before the failure; none were stored.
            streamed = len(result.stdout.splitlines())
            checks.check(streamed > 0, f"{what}: events were produced before the failure ({streamed} streamed)")
        after = DatabaseSnapshot(kansoku, db)
        checks.check(after == before, f"{what}: the existing database is unchanged", f"before: {before}\nafter: {after}")
    checks.check(not missing_dir_db.parent.exists(), "no directory was created for the database in a missing directory")

    config_checks(kansoku, tmp, checks)

    # --- --help ----------------------------------------------------------------------------------------
    for command in ([], ["darknet", "analyze"], ["darknet", "capture"], ["darknet", "generate"], ["query"], ["run"],
                    ["config", "show"], ["config", "check"], ["honeypot"]):
        result = ic.run([kansoku, *command, "--help"], timeout=30)
        name = " ".join(["kansoku", *command])
        checks.check(result.returncode == 0 and "--help" in result.stdout,
                     f"{name} --help exits 0 and prints the options", f"exit {result.returncode}\n{result.stderr}")


def config_checks(kansoku: str, tmp: Path, checks: ic.Checks) -> None:
    """`kansoku config check` on bad files: one line naming the key, exit 1; `config show` round-trips."""
    cases = [
        ("unknown key", "[darknet.scan]\nidle_timout = \"5m\"\n", r"unknown key darknet\.scan\.idle_timout \(line 2\)"),
        ("unknown table", "[wbe]\nport = 8470\n", r"unknown key wbe"),
        ("wrong type", "[honeypot.telnet]\nport = \"2323\"\n", r"honeypot\.telnet\.port must be an integer"),
        ("out of range", "[darknet]\nsnaplen = 10\n", r"darknet\.snaplen = 10 is out of range 64\.\.262144"),
        ("duration with a bad unit", "[sandbox]\ntimeout = \"30 secs\"\n", r"sandbox\.timeout: .*unknown unit"),
        ("duration without a unit", "[darknet.scan]\nidle_timeout = 600\n",
         r"darknet\.scan\.idle_timeout must be a duration with a unit"),
        ("size with a bad unit", "[darknet]\nbuffer = \"64MB\"\n", r"darknet\.buffer: .*unknown unit"),
        ("renamed key", "[honeypot.limits]\nidle_timeout_s = 180\n", r"idle_timeout_s was renamed: write idle_timeout"),
        ("TOML syntax", "[sensor\n", r"bad-syntax\.toml:1:"),
    ]
    for what, text, pattern in cases:
        path = tmp / ("bad-syntax.toml" if what == "TOML syntax" else "bad.toml")
        path.write_text(text)
        result = ic.run([kansoku, "config", "check", path], timeout=30)
        lines = result.stderr.strip().splitlines()
        output = f"exit {result.returncode}\nstderr:\n{result.stderr}"
        checks.check(result.returncode == 1 and len(lines) == 1 and re.search(pattern, lines[0]) is not None,
                     f"config check, {what}: exit 1 and one line naming the key", f"expected /{pattern}/\n{output}")
    shown = ic.run([kansoku, "config", "show"], timeout=30)
    checks.check(shown.returncode == 0 and "max_sessions = 1024  # default" in shown.stdout,
                 "config show prints every key with its default", shown.stderr)
    round_trip = tmp / "shown.toml"
    round_trip.write_text(shown.stdout)
    checked = ic.run([kansoku, "config", "check", round_trip], timeout=30)
    checks.check(checked.returncode == 0 and checked.stdout.strip() == f"{round_trip}: ok",
                 "what config show prints passes config check", checked.stdout + checked.stderr)
    again = ic.run([kansoku, "config", "show", "--config", round_trip], timeout=30)
    checks.check(again.returncode == 0 and "allow_loopback = true  # default: false" in again.stdout,
                 "config show --config FILE shows that file's values against the defaults", again.stderr)


if __name__ == "__main__":
    sys.exit(main())
