#!/usr/bin/env python3
"""Outbreak early warning, live: a ramp of new sources on a quiet port gives one alert; steady background none.

Topology: scanner_lab.py's namespaces (only the attacker and darknet ones carry traffic). Every source below is
an address assigned to veth-atk in the attacker namespace; one scapy process there sends raw SYN frames to the
darknet namespace's MAC, which owns nothing in 203.0.113.0/24, does not forward and answers nothing.

`kansoku darknet capture` runs in the darknet namespace with [darknet.outbreak] interval = "60s" (the smallest
allowed), warmup_intervals = 2 and min_sources = 10. Time is packet time, and the capture is live, so the
detector's intervals are the wall clock's UTC minutes; the schedule is laid on them (I0 = the minute of the
first packet, usually partial):

    I0, I1   baseline: 12 background sources probe tcp/23, 80 and 443 (each source every 10 s, so 12 distinct
             sources per port per full minute, above min_sources: only the baseline can keep them quiet);
             one "quiet" source probes tcp/37215 (1 source a minute)
    I2       ramp: 40 new sources start probing tcp/37215 (41 source-minutes)  -> the alert, closed at I3
    I3       80 sources on tcp/37215 (still far above the threshold: without hysteresis a second alert)
    I4       100 sources for 8 s, then the capture's --duration ends (a partial interval, flushed at exit)

Why warmup_intervals = 2: a live capture starts mid-minute, so I0 may hold a few seconds of background (down to
2 sources a port); with warm-up 1 the baseline would be that fragment alone. Two intervals give one full minute
of baseline whatever the start phase. Interval 60 s is the config's minimum.

Checks: exactly one `alert` (kind darknet.outbreak, subject tcp/37215, interval I2, not partial, rule jump,
source_minutes > baseline_mean and equal to tcpdump's distinct sources on 37215 in I2, severity high,
darknet_v4_size 256, min_detectable_pps = 2^32 / (256 * 60)); no alert for tcp/23, 80, 443; the scenario
really happened (darknet.port_stats: background 12 per port in every full minute, 37215 quiet in I1, 41 then 81
sources in I2 and I3, I3 above the alert's threshold); `kansoku darknet analyze` of tcpdump's pcap gives the
same alert.

Needs root, `ip netns`, tcpdump, python3-scapy (/usr/bin/python3); otherwise exits 77 (skipped).
About 3.5-4.5 minutes, most of it waiting for the minutes to pass.
Usage: outbreak_ramp.py PATH/TO/kansoku [--keep DIR]   (--keep: copy the pcap, events and logs)
"""

import argparse
import json
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import integ_common as ic  # noqa: E402
import scanner_lab as sl  # noqa: E402

INTERVAL_S = 60
WARMUP_INTERVALS = 2
MIN_SOURCES = 10
OUTBREAK_CONFIG = f"""\
[darknet.outbreak]
interval = "{INTERVAL_S}s"
warmup_intervals = {WARMUP_INTERVALS}
min_sources = {MIN_SOURCES}
"""
DARKNET_SIZE = 256

BACKGROUND_PORTS = (23, 80, 443)
BACKGROUND_SOURCES = [f"198.51.100.{i}" for i in range(20, 32)]  # 12: above MIN_SOURCES
RAMP_PORT = 37215
QUIET_SOURCE = "198.51.100.60"  # the ramp port's baseline: one source a minute
RAMP_SOURCES = [f"198.51.100.{i}" for i in range(100, 200)]
# Sources probing the ramp port in each interval after the warm-up (I2, I3, and the partial I4).
RAMP_STEPS = (40, 80, 100)
PERIOD_S = 10  # every source sends one probe per port every PERIOD_S seconds
# The first packet must come early enough in I0 that the schedule is known before the capture starts;
# later than this in the minute, I0 is the next minute.
LATEST_START_S = 50
TAIL_SEND_S = 8  # traffic in the last (partial) interval
TAIL_CAPTURE_S = 12  # the capture ends this long after the last interval starts

# Runs in the attacker namespace (python3-scapy). Ticks at every half second of the wall clock; a source
# with index i sends in the ticks whose second is i mod PERIOD_S. A tick found more than 0.4 s late is
# skipped, so a packet is never sent in another minute than the one its tick belongs to.
SENDER_SCRIPT = r"""
import json, math, random, sys, time
import logging
logging.getLogger("scapy.runtime").setLevel(logging.ERROR)  # "no default route": none is wanted
from scapy.all import Ether, IP, TCP, conf
mac, iface, plan = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
t0, end, period = plan["t0"], plan["end"], plan["period"]
rng = random.Random(plan["seed"])
sock = conf.L2socket(iface=iface)
second = max(0, math.ceil(time.time() - t0 - 0.5))
first = t0 + 0.5 + second
if first > t0 + plan["latest_start"] + 5:
    print(json.dumps({"error": "started %.1f s into the first interval" % (first - t0)}), flush=True)
    sys.exit(3)
sent, skipped = 0, 0
while True:
    tick = t0 + 0.5 + second
    if tick > end:
        break
    delay = tick - time.time()
    if delay > 0:
        time.sleep(delay)
    if time.time() - tick > 0.4:
        skipped += 1
        second += 1
        continue
    slot = second % period
    probes = []
    for i, src in enumerate(plan["background_sources"]):
        if i % period == slot:
            probes += [(src, port) for port in plan["background_ports"]]
    if slot == 0:
        probes.append((plan["quiet_source"], plan["ramp_port"]))
    active = 0
    for start, count in plan["ramp_steps"]:
        if tick >= start:
            active = count
    for i, src in enumerate(plan["ramp_sources"][:active]):
        if i % period == slot:
            probes.append((src, plan["ramp_port"]))
    for src, port in probes:
        sock.send(Ether(dst=mac) / IP(src=src, dst="203.0.113.%d" % rng.randrange(1, 255), ttl=64,
                                      id=rng.randrange(65536)) /
                  TCP(sport=rng.randrange(1024, 65536), dport=port, flags="S", seq=rng.randrange(1 << 32),
                      window=29200))
    sent += len(probes)
    second += 1
sock.close()
print(json.dumps({"sent": sent, "skipped_ticks": skipped, "first_tick": first}), flush=True)
"""

_TCPDUMP_TIMED = re.compile(r"^(\d+\.\d+) IP (\S+)\.(\d+) > (\S+)\.(\d+): ")


def skip_unless_ready() -> None:
    if os.geteuid() != 0:
        ic.skip("needs root to create network namespaces (ip netns)")
    for tool in ("ip", "tcpdump"):
        if shutil.which(tool) is None:
            ic.skip(f"{tool} is not installed (scripts/setup installs it)")
    probe = ic.run([sl.SCAPY_PYTHON, "-c", "import scapy.all"], timeout=60)
    if probe.returncode != 0:
        ic.skip("python3-scapy is not installed (scripts/setup installs it)")


def epoch(rfc3339: str) -> float:
    return datetime.fromisoformat(rfc3339.replace("Z", "+00:00")).timestamp()


def wire_sources_per_minute(pcap: Path, port: int) -> dict:
    """{minute start (epoch s): set of sources} of the SYNs to `port` in tcpdump's pcap."""
    result = ic.run(["tcpdump", "-tt", "-nn", "-r", pcap, f"tcp[tcpflags] == tcp-syn and dst port {port}"],
                    timeout=120)
    if result.returncode != 0:
        raise RuntimeError(f"tcpdump -r {pcap} failed: {result.stderr.strip()}")
    minutes = defaultdict(set)
    for line in result.stdout.splitlines():
        m = _TCPDUMP_TIMED.match(line)
        if m is None:
            raise RuntimeError(f"cannot parse tcpdump line: {line}")
        ts = float(m.group(1))
        minutes[int(ts // 60) * 60].add(m.group(2))
    return minutes


def stats_sources(port_stats, port: int) -> dict:
    """{minute start (epoch s): sources} from the darknet.port_stats rows of tcp/`port`."""
    return {int(epoch(r["minute"])): r.get("sources") for r in port_stats
            if r.get("proto") == "tcp" and r.get("port") == port}


def check_scenario(checks: ic.Checks, port_stats, pcap: Path, t0: int) -> dict:
    """The traffic was what the plan says (so a missing or extra alert is the detector's doing). Returns the
    ramp port's {minute: sources}."""
    full_minutes = [t0 + k * INTERVAL_S for k in (1, 2, 3)]
    for port in BACKGROUND_PORTS:
        rows = stats_sources(port_stats, port)
        got = [rows.get(m) for m in full_minutes]
        checks.check(got == [len(BACKGROUND_SOURCES)] * 3,
                     f"background tcp/{port}: {len(BACKGROUND_SOURCES)} sources (>= min_sources {MIN_SOURCES}) in "
                     f"each full minute I1-I3 (got {got})")
    rows = stats_sources(port_stats, RAMP_PORT)
    wire = {m: len(s) for m, s in wire_sources_per_minute(pcap, RAMP_PORT).items()}
    checks.check(rows == wire, f"port_stats sources of tcp/{RAMP_PORT} per minute == tcpdump's distinct sources",
                 f"port_stats: {sorted(rows.items())}\ntcpdump:    {sorted(wire.items())}")
    got = [rows.get(t0 + k * INTERVAL_S) for k in (1, 2, 3)]
    expected = [1, RAMP_STEPS[0] + 1, RAMP_STEPS[1] + 1]
    checks.check(got == expected, f"tcp/{RAMP_PORT} quiet then ramping: sources in I1, I2, I3 == {expected} "
                                  f"(got {got})")
    return rows


def check_alerts(checks: ic.Checks, alerts, ramp_rows: dict, t0: int, where: str) -> None:
    subjects = [a.get("subject") for a in alerts]
    for port in BACKGROUND_PORTS:
        checks.check(f"tcp/{port}" not in subjects, f"{where}: no alert for steady background tcp/{port}")
    ours = [a for a in alerts if a.get("kind") == "darknet.outbreak" and a.get("subject") == f"tcp/{RAMP_PORT}"]
    checks.check(len(ours) == 1, f"{where}: exactly one darknet.outbreak alert for tcp/{RAMP_PORT} (got {len(ours)})",
                 "\n".join(map(json.dumps, ours)))
    checks.check(len(alerts) == len(ours), f"{where}: no other alert (got {subjects})")
    if len(ours) != 1:
        return
    alert = ours[0]
    d = alert.get("details", {})
    ramp_start = t0 + 2 * INTERVAL_S
    checks.check(epoch(d.get("interval_start", "1970-01-01T00:00:00Z")) == ramp_start and
                 d.get("interval_s") == INTERVAL_S and "partial" not in d,
                 f"{where}: the alert is for the ramp's first interval I2, a whole one "
                 f"(interval_start {d.get('interval_start')}, interval_s {d.get('interval_s')}, "
                 f"partial {d.get('partial')})")
    observed, baseline = d.get("source_minutes"), d.get("baseline_mean")
    checks.check(isinstance(observed, int) and observed == ramp_rows.get(ramp_start),
                 f"{where}: observed source_minutes {observed} == tcpdump's distinct sources on tcp/{RAMP_PORT} in I2 "
                 f"({ramp_rows.get(ramp_start)})")
    checks.check(isinstance(baseline, (int, float)) and isinstance(observed, int) and observed > baseline,
                 f"{where}: observed {observed} > baseline_mean {baseline}")
    checks.check(isinstance(baseline, (int, float)) and baseline <= 1.0,
                 f"{where}: the baseline is the quiet port's (baseline_mean {baseline} <= 1)")
    checks.check(d.get("rule") == "jump" and d.get("new_port") is False,
                 f"{where}: rule jump on a known port (rule {d.get('rule')}, new_port {d.get('new_port')})")
    checks.check(alert.get("severity") == "high", f"{where}: severity high (got {alert.get('severity')}, "
                                                  f"ratio {d.get('ratio')})")
    expected_pps = 2**32 / (DARKNET_SIZE * INTERVAL_S)
    pps = d.get("min_detectable_pps")
    checks.check(d.get("darknet_v4_size") == DARKNET_SIZE and isinstance(pps, (int, float)) and
                 abs(pps - expected_pps) <= 0.001,
                 f"{where}: darknet_v4_size {d.get('darknet_v4_size')}, min_detectable_pps {pps} == "
                 f"2^32/({DARKNET_SIZE}*{INTERVAL_S}) = {expected_pps:.3f}")
    # Without the re-arm hysteresis I3 would alert again: it is above the (frozen) threshold.
    next_sources = ramp_rows.get(ramp_start + INTERVAL_S)
    threshold = d.get("threshold")
    checks.check(isinstance(threshold, (int, float)) and next_sources is not None and next_sources >= threshold,
                 f"{where}: I3's {next_sources} source-minutes are above the alert's threshold {threshold}, "
                 f"yet no second alert")


def plan_schedule(now: float) -> dict:
    t0 = int(now // INTERVAL_S) * INTERVAL_S
    if now - t0 > LATEST_START_S:
        t0 += INTERVAL_S
    last = t0 + (WARMUP_INTERVALS + len(RAMP_STEPS) - 1) * INTERVAL_S  # start of the partial interval
    return {
        "t0": t0,
        "end": last + TAIL_SEND_S,
        "capture_end": last + TAIL_CAPTURE_S,
        "period": PERIOD_S,
        "latest_start": LATEST_START_S,
        "seed": 37215,
        "background_sources": BACKGROUND_SOURCES,
        "background_ports": list(BACKGROUND_PORTS),
        "quiet_source": QUIET_SOURCE,
        "ramp_port": RAMP_PORT,
        "ramp_sources": RAMP_SOURCES,
        "ramp_steps": [[t0 + (WARMUP_INTERVALS + k) * INTERVAL_S, n] for k, n in enumerate(RAMP_STEPS)],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kansoku")
    parser.add_argument("--keep", type=Path, help="copy the pcap, events and logs here")
    args = parser.parse_args()
    kansoku = ic.kansoku_binary()
    skip_unless_ready()
    ic.exit_on_signals()
    checks = ic.Checks()
    work = ic.make_temp_dir("ks-outbreak-")
    lab = sl.ScannerLab(work)
    started = time.monotonic()
    try:
        lab.setup()
        # Every source is an address of the attacker namespace (on the /24 that only joins it to the darknet one).
        batch = work / "addresses.ip"
        batch.write_text("".join(f"addr add {a}/24 dev veth-atk\n"
                                 for a in BACKGROUND_SOURCES + [QUIET_SOURCE] + RAMP_SOURCES))
        lab.ip("-n", lab.atk, "-batch", batch)
        config = work / "kansoku.toml"
        config.write_text(OUTBREAK_CONFIG)
        pcap = work / "darknet.pcap"
        tcpdump = lab.start_tcpdump("veth-dark", pcap)

        plan = plan_schedule(time.time())
        t0 = plan["t0"]
        duration = plan["capture_end"] - time.time()
        print(f"      I0 starts {datetime.fromtimestamp(t0, timezone.utc):%H:%M:%S}Z; ramp from I2; capture "
              f"{duration:.0f}s",
              flush=True)
        events_path, kansoku_err = work / "events.jsonl", work / "kansoku.err"
        with open(events_path, "w") as out, open(kansoku_err, "w") as err:
            capture = lab.start(lab.dark, [kansoku, "darknet", "capture", "--config", config, "--interface", "any",
                                           "--darknet", sl.DARKNET, "--jsonl", "--stats-interval", "5",
                                           "--duration", f"{duration:.3f}"], out, err)
        ready = ic.wait_for_text(kansoku_err, "capturing on", 15, capture)
        if not checks.check(ready, "kansoku darknet capture prints 'capturing on'", kansoku_err.read_text()):
            return checks.exit_code()

        sender_out = work / "sender.out"
        with open(sender_out, "w") as out:
            sender = lab.start(lab.atk, [sl.SCAPY_PYTHON, "-c", SENDER_SCRIPT, lab.dark_mac, "veth-atk",
                                         json.dumps(plan)], out, subprocess.STDOUT)
        try:
            sender.wait(timeout=plan["end"] - time.time() + 60)
        except subprocess.TimeoutExpired:
            ic.stop_process(sender, signal.SIGKILL)
        report = sender_out.read_text()
        checks.check(sender.returncode == 0 and '"sent"' in report, "scapy sender kept its schedule", report)
        checks.check(capture.poll() is None, "all traffic sent within the capture's --duration")
        try:
            rc = capture.wait(timeout=plan["capture_end"] - time.time() + 30)
        except subprocess.TimeoutExpired:
            rc = None
        checks.check(rc == 0, f"kansoku darknet capture exits 0 (got {rc})", kansoku_err.read_text())
        ic.stop_process(tcpdump, signal.SIGINT, timeout=10)

        try:
            events = ic.parse_jsonl(events_path.read_text())
        except ValueError as e:
            checks.check(False, "kansoku --jsonl output is JSON lines", str(e))
            return checks.exit_code()
        ramp_rows = check_scenario(checks, ic.of_type(events, "darknet.port_stats"), pcap, t0)
        live_alerts = ic.of_type(events, "alert")
        check_alerts(checks, live_alerts, ramp_rows, t0, "live")

        # The same packets offline: packet time makes the alerts independent of live capture.
        offline = ic.run([kansoku, "darknet", "analyze", "--config", config, "--darknet", sl.DARKNET, "--jsonl",
                          "--quiet", pcap], timeout=120)
        if checks.check(offline.returncode == 0, "kansoku darknet analyze of the tcpdump pcap exits 0",
                        offline.stderr):
            offline_alerts = ic.of_type(ic.parse_jsonl(offline.stdout), "alert")
            checks.check(offline_alerts == live_alerts, "offline analysis gives the same alerts",
                         f"live:    {live_alerts}\noffline: {offline_alerts}")

        if args.keep:
            ic.keep_files(work, args.keep, "pcap, events and logs")
    finally:
        lab.teardown()
        ic.remove_temp_dir(work)
        print(f"      took {time.monotonic() - started:.1f}s", flush=True)
    return checks.exit_code()


if __name__ == "__main__":
    sys.exit(main())
