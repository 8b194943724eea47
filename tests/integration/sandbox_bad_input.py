#!/usr/bin/env python3
"""Bad input for the sandbox on every CPU (issue 16, "Bad input").

    sandbox_bad_input.py KANSOKU ARCH

For one ARCH of tests/samples (x86_64 runs natively, the others under qemu-user):
- `hog` writes a huge file (killed by the file-size limit), floods the trace with 20,000 opens, forks until fork
  fails and sleeps past the time limit: the analysis ends within its limit plus a margin, with a report that says
  why (`timed_out`, `limits_hit` timeout, file_size and observation_events), a trace bounded at the tracer's
  10,000 events with the rest counted (`events_dropped`), and the huge file's write and the fork loop in it;
- for a foreign ARCH, a copy of `idle` whose program headers point past the end of the file, which the emulator
  refuses to load (an emulator crash at start): still one report, with the emulator's non-zero exit, at once.

Safety: re-executes itself inside a network namespace with only loopback; the programs run only inside the
sandbox jail. Needs root (skipped with code 77 otherwise).
"""

import json
import os
import struct
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import integ_common as ic  # noqa: E402

TIMEOUT = 10        # the analysis' time limit, seconds
MARGIN = 20         # what jail set-up, qemu start-up and tear-down may add
MAX_EVENTS = 10000  # ObservationLimits::max_events


def analyze(binary: str, sample: Path):
    started = time.monotonic()
    result = ic.run([binary, "sandbox", "analyze", str(sample), "--report", "--timeout", str(TIMEOUT)],
                    timeout=TIMEOUT + MARGIN + 60)
    elapsed = time.monotonic() - started
    report = json.loads(result.stdout) if result.returncode == 0 and result.stdout.startswith("{") else None
    return result, report, elapsed


def check_hog(binary: str, sample: Path, arch: str, checks: ic.Checks) -> None:
    result, report, elapsed = analyze(binary, sample)
    if not checks.check(report is not None, f"{arch}/hog: one report", result.stderr.strip()[-800:]):
        return
    checks.check(elapsed < TIMEOUT + MARGIN, f"{arch}/hog: the analysis ended within its limit ({elapsed:.1f} s)")
    limits = report["limits_hit"]
    checks.check(report["timed_out"] and {"timeout", "file_size", "observation_events"} <= set(limits),
                 f"{arch}/hog: says why it ended: timed out, limits hit {limits}")
    counters = report["behaviour"]["counters"]
    events = (len(report["files"]) + len(report["network"]["socket_calls"]) + len(report["behaviour"]["signals"]) +
              len(report["behaviour"]["renames"]) + len(report["behaviour"]["persistence"]))
    checks.check(events <= MAX_EVENTS and counters["events_dropped"] > 0 and
                 events + counters["events_dropped"] >= 20000,
                 f"{arch}/hog: trace bounded ({events} events kept, {counters['events_dropped']} counted as dropped)")
    huge = [f for f in report["files"] if f["path"] == "/tmp/.hog.bin"]
    written = huge[0].get("bytes_written", 0) if huge else 0
    checks.check(bool(huge) and written >= 15 << 20, f"{arch}/hog: the huge file's write seen ({written} bytes)",
                 json.dumps(huge)[:400])
    writer_signals = [p.get("exit_signal") for p in report["processes"][1:2]]
    checks.check(writer_signals == [25], f"{arch}/hog: the writer died of SIGXFSZ ({writer_signals})")
    forks = [p for p in report["processes"] if p["origin"] == "fork"]
    checks.check(len(forks) >= 10, f"{arch}/hog: the fork loop is in the process tree ({len(forks)} forks)")


def corrupt_copy(sample: Path, work: Path) -> Path:
    """`sample` (a 32-bit ELF) with e_phoff past the end of the file."""
    data = bytearray(sample.read_bytes())
    order = ">" if data[5] == 2 else "<"
    struct.pack_into(order + "I", data, 28, len(data) + 4096)
    out = work / "broken"
    out.write_bytes(bytes(data))
    return out


def check_emulator_refuses(binary: str, sample: Path, arch: str, checks: ic.Checks) -> None:
    work = ic.make_temp_dir("kansoku-bad-input-")
    os.chmod(work, 0o755)
    try:
        result, report, elapsed = analyze(binary, corrupt_copy(sample, work))
        if not checks.check(report is not None, f"{arch}/broken ELF: one report", result.stderr.strip()[-800:]):
            return
        exit_info = report["exit"]
        checks.check(report["emulated"] and exit_info["exited"] and exit_info["exit_code"] != 0 and
                     not report["timed_out"] and elapsed < MARGIN,
                     f"{arch}/broken ELF: the emulator's exit {exit_info['exit_code']} is reported at once "
                     f"({elapsed:.1f} s)", json.dumps(exit_info))
    finally:
        ic.remove_temp_dir(work)


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    arch = sys.argv[2]
    binary = ic.kansoku_binary()
    if os.geteuid() != 0:
        ic.skip("needs root (namespaces, id maps, ptrace)")
    ic.reexec_in_outer_netns()
    samples = Path(binary).resolve().parent / "tests" / "samples" / "bin" / arch
    checks = ic.Checks()
    if not checks.check((samples / "hog").exists(), f"{arch}/hog is built", str(samples)):
        return checks.exit_code()
    check_hog(binary, samples / "hog", arch, checks)
    if arch != "x86_64":
        check_emulator_refuses(binary, samples / "idle", arch, checks)
    return checks.exit_code()


if __name__ == "__main__":
    sys.exit(main())
