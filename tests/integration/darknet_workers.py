#!/usr/bin/env python3
"""`kansoku darknet analyze -j N` gives the events `-j 1` gives, in the same order.

Captures: the generated demo scenario, bulk traffic (many sources, backscatter, UDP, ICMP) analysed
with the default config and with short timeouts and windows (records closing by idleness, campaign
windows and outbreak intervals turning over, frequent stats), and the real captures in
$KANSOKU_SHARED/data/pcaps when present. Every JSON line must be equal, except
capture.stats.state_bytes (the memory of the record tables, which depends on how they are split).
Bad input with several workers: garbage, truncated and empty captures give one line on stderr and
a non-zero exit, as with one.

Usage: darknet_workers.py PATH/TO/kansoku
"""

import json
import os
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import integ_common as ic  # noqa: E402

WORKERS = (2, 3)

SHORT_WINDOWS = """
[darknet]
stats_interval = "20s"
[darknet.scan]
idle_timeout = "90s"
[darknet.backscatter]
idle_timeout = "60s"
[darknet.campaign]
window = "2m"
[darknet.outbreak]
interval = "1m"
warmup_intervals = 3
"""


def comparable(stdout: str):
    """The JSON lines with capture.stats.state_bytes removed, re-serialised the same way."""
    lines = []
    for event in ic.parse_jsonl(stdout):
        if event.get("type") == "capture.stats":
            event.pop("state_bytes", None)
        lines.append(json.dumps(event, sort_keys=False))
    return lines


def first_difference(a, b) -> str:
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return f"line {i + 1}:\n  -j 1: {x[:400]}\n  -j N: {y[:400]}"
    return f"{len(a)} lines with -j 1, {len(b)} with -j N"


def compare(kansoku, checks, name, capture: Path, args) -> None:
    base = ic.run([kansoku, "darknet", "analyze", "-j", "1", "--jsonl", "-q", *args, capture], timeout=300)
    if not checks.check(base.returncode == 0, f"{name}: -j 1 runs", base.stderr):
        return
    one = comparable(base.stdout)
    types = sorted({json.loads(line)["type"] for line in one})
    for workers in WORKERS:
        run = ic.run([kansoku, "darknet", "analyze", "-j", str(workers), "--jsonl", "-q", *args, capture],
                     timeout=300)
        if not checks.check(run.returncode == 0, f"{name}: -j {workers} runs", run.stderr):
            continue
        many = comparable(run.stdout)
        checks.check(many == one, f"{name}: -j {workers} gives the {len(one)} events of -j 1 ({', '.join(types)})",
                     first_difference(one, many))


def main() -> int:
    kansoku = ic.kansoku_binary()
    checks = ic.Checks()
    work = ic.make_temp_dir("ks-workers-")
    try:
        os.chdir(work)  # capture.stats names the file as given
        demo = Path("demo.pcap")
        ic.run([kansoku, "darknet", "generate", "-o", demo], timeout=120)
        compare(kansoku, checks, "demo", demo, ["--darknet", "203.0.113.0/24", "--darknet", "2001:db8:dead::/48"])

        bulk = Path("bulk.pcap")
        ic.run([kansoku, "darknet", "generate", "--profile", "bulk", "--packets", "300000", "--sources", "5000",
                "--duration", "1800", "--seed", "5", "-o", bulk], timeout=120)
        compare(kansoku, checks, "bulk", bulk, ["--darknet", "203.0.113.0/24"])
        short = Path("short.toml")
        short.write_text(SHORT_WINDOWS)
        compare(kansoku, checks, "bulk, short windows", bulk, ["--config", short, "--darknet", "203.0.113.0/24"])

        pcaps = ic.shared_dir() / "data" / "pcaps"
        real = {"nmap-synscan.pcapng": "64.13.134.52", "nmap-version-scan.pcap": "192.168.1.0/24",
                "ssh-password-guessing.pcap": "0.0.0.0/0", "telnet-session.pcap": "0.0.0.0/0"}
        for name, darknet in real.items():
            if (pcaps / name).exists():
                local = Path(name)
                local.write_bytes((pcaps / name).read_bytes())
                compare(kansoku, checks, name, local, ["--darknet", darknet])
            else:
                print(f"      no {pcaps / name}: skipped", flush=True)

        data = bulk.read_bytes()
        bad = {"garbage": b"\x17\x03\x03 this is not a capture " * 64, "truncated": data[: len(data) // 2 + 7],
               "empty": b""}
        for what, content in bad.items():
            path = Path(f"{what}.pcap")
            path.write_bytes(content)
            for workers in WORKERS:
                result = ic.run([kansoku, "darknet", "analyze", "-j", str(workers), "--darknet", "203.0.113.0/24",
                                 path], timeout=120)
                ic.one_line_error(result, f"{what} capture with -j {workers}", checks, path.name)
    finally:
        ic.remove_temp_dir(work)
    return checks.exit_code()


if __name__ == "__main__":
    sys.exit(main())
