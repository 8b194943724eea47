#!/usr/bin/env python3
"""The sandbox report of a program must not depend on the CPU it was built for (issue 16, items 1 and 5).

    sandbox_arch_compare.py KANSOKU ARCH [ARCH...] [--table]

Runs `kansoku sandbox analyze --report` on the test programs (tests/samples: iot_bot, the issue's bot; c2_beacon;
crasher) built for x86-64 and for each ARCH (arm, mips, mipsel, aarch64, powerpc, i686, armeb), turns each report into
its comparable fields (pids become positions in the process tree; digests, arch, timings and counters are left
out) and compares them field by field with the x86-64 report of the same program. Every field must match; a
difference fails the test and is printed. `--table` prints the per-arch match table of docs/sandbox.md.

Safety: the test re-executes itself inside a network namespace with only loopback (`unshare -n`); the programs
run only inside the sandbox jail. Needs root (skipped with code 77 otherwise).
"""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import integ_common as ic  # noqa: E402

PROGRAMS = ["iot_bot", "c2_beacon", "crasher"]
ARCH_NAMES = {"x86_64": "x86-64", "arm": "ARM", "mips": "MIPS", "mipsel": "MIPSEL", "aarch64": "AArch64",
              "powerpc": "PowerPC", "i686": "x86", "armeb": "ARMEB"}
FIELDS = ["processes", "exec", "renames", "files", "self_deletion", "persistence", "network", "sends", "signals",
          "denied_syscalls", "dns", "connections", "dropped", "signatures", "verdict"]


def analyze(binary: str, sample: Path) -> dict:
    # Run as "bot" from /tmp (the jail's defaults put the copy at /tmp/bot): iot_bot unlinks argv[0], a relative path.
    result = ic.run([binary, "sandbox", "analyze", str(sample), "--report", "--timeout", "15", "--name", "bot",
                     "--argv0", "bot"], timeout=120)
    if result.returncode != 0:
        raise RuntimeError(f"analyze {sample}: exit {result.returncode}: {result.stderr.strip()[-400:]}")
    return json.loads(result.stdout)


def without_pids(value, who):
    """`value` with every "pid"/"target" number replaced by the process's position in the tree."""
    if isinstance(value, dict):
        return {k: who(v) if k in ("pid", "target") and isinstance(v, int) and v > 0 else without_pids(v, who)
                for k, v in value.items()}
    if isinstance(value, list):
        return [without_pids(v, who) for v in value]
    return value


def comparable(report: dict) -> dict:
    """The fields that describe behaviour, with run-specific values (pids, times) replaced."""
    b = report["behaviour"]
    order = {p["pid"]: i for i, p in enumerate(b["processes"])}

    def who(pid):
        return order.get(pid, "other")

    files = [(f["op"], f["path"], f.get("target", ""), f["result"], f.get("bytes_written", 0))
             for f in b["files"]]
    net = report["network"]
    return {
        "processes": [(p["origin"], who(p["parent"]) if p["parent"] else None, p.get("name", ""),
                       p.get("exit_code"), p.get("exit_signal")) for p in b["processes"]],
        "exec": [(who(p["pid"]), [(e["path"], e.get("argv", []), e["result"]) for e in p["execs"]])
                 for p in b["processes"]],
        "renames": [(who(r["pid"]), r["kind"], r["from"], r["to"]) for r in b["renames"]],
        "files": files,
        "self_deletion": (b["self_deleted"], [f["path"] for f in b["files"] if f.get("self_delete")]),
        "persistence": [(p["kind"], p["path"], p["op"], p["result"]) for p in b["persistence"]],
        "network": [(n["op"], n["domain"], n["type"], n.get("address", ""), n["port"], n["result"])
                    for n in b["network"]],
        "sends": sorted((s["address"], s["port"], s["calls"], s["bytes"]) for s in b["sends"]),
        "signals": [(who(s["pid"]), s["call"], who(s["target"]), s["signal"], s["target_kind"], s["result"])
                    for s in b["signals"]],
        "denied_syscalls": [(who(d["pid"]), d["name"], d["args"], d["result"]) for d in b.get("denied_syscalls", [])],
        "dns": [(d["resolver"], d["qname"], d["qtype"]) for d in net.get("dns", [])],
        "connections": [(c["dst"], c["dst_port"], c.get("first_bytes_hex", "")) for c in net.get("connections", [])],
        "dropped": sorted((d["path"], d.get("sha256", "")) for d in report.get("dropped_files", []) if not d["is_sample"]),
        "signatures": [(s["id"], s["severity"], s["mitre"], without_pids(s["evidence"], who))
                       for s in report["signatures"]],
        "verdict": (report["verdict"], report["score"]),
    }


def main() -> int:
    args = [a for a in sys.argv[2:] if not a.startswith("--")]
    table = "--table" in sys.argv
    binary = ic.kansoku_binary()
    if os.geteuid() != 0:
        ic.skip("needs root (namespaces, id maps, ptrace)")
    ic.reexec_in_outer_netns()
    samples = Path(binary).resolve().parent / "tests" / "samples" / "bin"
    checks = ic.Checks()
    baseline = {}
    for program in PROGRAMS:
        baseline[program] = comparable(analyze(binary, samples / "x86_64" / program))
    rows = []
    for arch in args:
        matched = {field: True for field in FIELDS}
        for program in PROGRAMS:
            sample = samples / arch / program
            if not checks.check(sample.exists(), f"{arch}/{program} is built", f"{sample} missing"):
                continue
            report = analyze(binary, sample)
            checks.check(report["arch"] == ARCH_NAMES[arch] and report["emulated"], f"{arch}/{program} ran emulated",
                         f"arch {report['arch']} emulated {report['emulated']}")
            got = comparable(report)
            for field in FIELDS:
                same = got[field] == baseline[program][field]
                matched[field] = matched[field] and same
                checks.check(same, f"{arch}/{program}: {field} as on x86-64",
                             f"x86-64: {json.dumps(baseline[program][field])}\n{arch}: {json.dumps(got[field])}")
        rows.append((arch, matched))
    if table:
        print("| arch | " + " | ".join(FIELDS) + " |")
        print("|---|" + "---|" * len(FIELDS))
        for arch, matched in rows:
            print(f"| {ARCH_NAMES[arch]} | " + " | ".join("yes" if matched[f] else "**no**" for f in FIELDS) + " |")
    return checks.exit_code()


if __name__ == "__main__":
    sys.exit(main())
