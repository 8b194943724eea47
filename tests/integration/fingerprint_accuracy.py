#!/usr/bin/env python3
"""Precision and recall of each scanner fingerprint rule on labelled traffic made by the real tools.

Ground truth is the source address: in the namespaces of scanner_lab.py nmap, zmap, masscan, a Mirai-style
scapy scanner and the kernel's connect() (the control, `unknown`) each scan 203.0.113.0/24 from their own
address, and tcpdump records what reaches the darknet. `kansoku darknet analyze --jsonl` of that pcap gives
scan records with `tool` (the majority label) and `tool_packets` (packets per label). For each rule X:

  packet level   TP = packets of X's source labelled X     FP = packets of other sources labelled X
                 FN = SYNs of X's source on the wire (counted here from the pcap) not labelled X
  record level   TP = X's source's records with tool X     FP = other sources' records with tool X
                 FN = X's source's records with another tool (or none at all)

It prints the tool versions and a markdown table (for docs/), then the same rules as the issue states them
evaluated directly on the pcap by this script ("reference": is the rule itself right for these tool
versions?), and the wire features per source (TTL, IP ID, window, options, sequence and port reuse).

  fingerprint_accuracy.py PATH/TO/kansoku              make the traffic (needs root; else exit 77), report
  fingerprint_accuracy.py PATH/TO/kansoku --from DIR   use scanners.pcap + labels.json kept by
                                                       `scanner_tools.py --keep DIR` (no root needed)
  --check   exit 1 if any rule's precision or recall (packet or record level) is below 0.99
  --keep DIR  keep the generated pcap and labels.json
"""

import argparse
import json
import os
import shutil
import signal
import socket
import struct
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import integ_common as ic  # noqa: E402
import scanner_lab as sl  # noqa: E402

RULES = ("mirai", "zmap", "masscan", "nmap")
TARGET = 0.99


# --- pcap reading (standard library; Ethernet, Linux cooked v1/v2) ------------------------------------------------
def read_pcap(path: Path):
    """Yields (link header length, frame bytes) for every record of a classic pcap file."""
    data = path.read_bytes()
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        endian = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        endian = ">"
    else:
        raise ValueError(f"{path}: not a classic pcap file")
    linktype = struct.unpack(endian + "I", data[20:24])[0] & 0x0FFFFFFF
    offset = 24
    while offset + 16 <= len(data):
        incl = struct.unpack(endian + "I", data[offset + 8:offset + 12])[0]
        frame = data[offset + 16:offset + 16 + incl]
        offset += 16 + incl
        yield linktype, frame


def syn_probes(path: Path):
    """Decoded IPv4 TCP SYN (no ACK) probes: dicts of the header fields the fingerprints use."""
    for linktype, frame in read_pcap(path):
        if linktype == 1:
            ethertype, ip = struct.unpack("!H", frame[12:14])[0], 14
        elif linktype == 113:
            ethertype, ip = struct.unpack("!H", frame[14:16])[0], 16
        elif linktype == 276:
            ethertype, ip = struct.unpack("!H", frame[0:2])[0], 20
        else:
            raise ValueError(f"{path}: link type {linktype} not handled")
        if ethertype != 0x0800 or len(frame) < ip + 20 or frame[ip] >> 4 != 4 or frame[ip + 9] != 6:
            continue
        ihl = (frame[ip] & 0x0F) * 4
        tcp = ip + ihl
        if len(frame) < tcp + 20:
            continue
        flags = frame[tcp + 13]
        if flags & 0x12 != 0x02:
            continue
        doff = (frame[tcp + 12] >> 4) * 4
        yield {
            "src": socket.inet_ntoa(frame[ip + 12:ip + 16]),
            "dst": socket.inet_ntoa(frame[ip + 16:ip + 20]),
            "dst_int": struct.unpack("!I", frame[ip + 16:ip + 20])[0],
            "ttl": frame[ip + 8],
            "ip_id": struct.unpack("!H", frame[ip + 4:ip + 6])[0],
            "df": bool(frame[ip + 6] & 0x40),
            "sport": struct.unpack("!H", frame[tcp:tcp + 2])[0],
            "dport": struct.unpack("!H", frame[tcp + 2:tcp + 4])[0],
            "seq": struct.unpack("!I", frame[tcp + 4:tcp + 8])[0],
            "window": struct.unpack("!H", frame[tcp + 14:tcp + 16])[0],
            "options": parse_options(frame[tcp + 20:tcp + doff]),
        }


def parse_options(raw: bytes):
    """TCP option kinds with lengths, e.g. (('mss', 4),); ('truncated',) if the snap cut them."""
    names = {2: "mss", 3: "wscale", 4: "sackOK", 8: "ts"}
    out, i = [], 0
    while i < len(raw):
        kind = raw[i]
        if kind == 0:
            break
        if kind == 1:
            out.append(("nop", 1))
            i += 1
            continue
        if i + 1 >= len(raw) or raw[i + 1] < 2:
            out.append(("truncated", 0))
            break
        out.append((names.get(kind, f"opt{kind}"), raw[i + 1]))
        i += raw[i + 1]
    return tuple(out)


def reference_label(p) -> str:
    """The issue's rules, verbatim, as an oracle independent of kansoku's implementation."""
    if p["seq"] == p["dst_int"]:
        return "mirai"
    if p["window"] == 1024 and p["ip_id"] == (p["dst_int"] ^ p["dport"] ^ p["seq"]) & 0xFFFF:
        return "masscan"
    if p["ip_id"] == 54321 and p["window"] == 65535 and not p["options"]:
        return "zmap"
    if p["window"] == 1024 and [o[0] for o in p["options"]] == ["mss"]:
        return "nmap"
    return "unknown"


# --- scoring ------------------------------------------------------------------------------------------------------
def ratio(numerator: int, denominator: int):
    return numerator / denominator if denominator else None


def fmt(value) -> str:
    return "n/a" if value is None else f"{value:.4f}"


def score(sources: dict, wire_counts: Counter, scans) -> tuple:
    """(rows, warnings): one row per rule with packet- and record-level TP/FP/FN, precision, recall."""
    warnings = []
    label_of_src = {src: label for label, src in sources.items()}
    per_src = defaultdict(list)
    for scan in scans:
        if scan.get("proto") != "tcp":
            continue
        counts = scan.get("tool_packets")
        if not isinstance(counts, dict):
            warnings.append(f"scan from {scan.get('src')} has no tool_packets: all {scan.get('packets')} packets "
                            f"counted as its tool '{scan.get('tool')}'")
            counts = {scan.get("tool", "unknown"): scan.get("packets", 0)}
        per_src[scan.get("src")].append((scan.get("tool"), counts))
    rows = []
    for rule in RULES + ("unknown",):
        mine = sources.get(rule)
        tp = sum(c.get(rule, 0) for _, c in per_src.get(mine, []))
        fp = sum(c.get(rule, 0) for src, recs in per_src.items() if src != mine for _, c in recs)
        fn = max(wire_counts.get(mine, 0) - tp, 0)
        r_tp = sum(1 for tool, _ in per_src.get(mine, []) if tool == rule)
        r_fp = sum(1 for src, recs in per_src.items() if src != mine for tool, _ in recs if tool == rule)
        r_fn = max(len(per_src.get(mine, [])), 1) - r_tp
        rows.append({"rule": rule, "source": mine, "wire": wire_counts.get(mine, 0), "tp": tp, "fp": fp, "fn": fn,
                     "precision": ratio(tp, tp + fp), "recall": ratio(tp, tp + fn), "r_tp": r_tp, "r_fp": r_fp,
                     "r_fn": r_fn, "r_precision": ratio(r_tp, r_tp + r_fp), "r_recall": ratio(r_tp, r_tp + r_fn)})
    strays = sorted(src for src in per_src if src not in label_of_src)
    if strays:
        warnings.append(f"scan records from sources that are not in the ground truth: {strays}")
    return rows, warnings


def markdown_table(rows) -> str:
    lines = ["| rule | source | SYNs on wire | TP | FP | FN | precision | recall | records TP/FP/FN | "
             "record precision | record recall |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        name = r["rule"] if r["rule"] != "unknown" else "unknown (control)"
        lines.append(f"| {name} | {r['source']} | {r['wire']} | {r['tp']} | {r['fp']} | {r['fn']} | "
                     f"{fmt(r['precision'])} | {fmt(r['recall'])} | {r['r_tp']}/{r['r_fp']}/{r['r_fn']} | "
                     f"{fmt(r['r_precision'])} | {fmt(r['r_recall'])} |")
    return "\n".join(lines)


def reference_table(sources: dict, probes) -> str:
    by_src = defaultdict(Counter)
    for p in probes:
        by_src[p["src"]][reference_label(p)] += 1
    lines = ["| source (truth) | SYNs | labels by the issue's rules, evaluated on the pcap |", "|---|---:|---|"]
    for label, src in sources.items():
        counts = by_src.get(src, Counter())
        detail = ", ".join(f"{k} {v}" for k, v in counts.most_common())
        lines.append(f"| {label} ({src}) | {sum(counts.values())} | {detail} |")
    return "\n".join(lines)


def features_table(sources: dict, probes) -> str:
    by_src = defaultdict(list)
    for p in probes:
        by_src[p["src"]].append(p)

    def summary(values, show=3):
        counts = Counter(values)
        if len(counts) <= show:
            return ", ".join(f"{k} ×{v}" for k, v in counts.most_common())
        return f"{len(counts)} distinct ({min(counts)}..{max(counts)})"

    lines = ["| source (truth) | TTL | IP ID | DF | window | TCP options | seq | sport |",
             "|---|---|---|---|---|---|---|---|"]
    for label, src in sources.items():
        ps = by_src.get(src, [])
        if not ps:
            lines.append(f"| {label} | (no SYNs) | | | | | | |")
            continue
        options = summary([" ".join(f"{k}" for k, _ in p["options"]) or "none" for p in ps])
        seq = summary([p["seq"] for p in ps], 1)
        seq_is_dst = sum(p["seq"] == p["dst_int"] for p in ps)
        lines.append(f"| {label} | {summary([p['ttl'] for p in ps])} | {summary([p['ip_id'] for p in ps], 2)} | "
                     f"{summary([p['df'] for p in ps])} | {summary([p['window'] for p in ps])} | {options} | "
                     f"{seq}; = dst in {seq_is_dst} | {summary([p['sport'] for p in ps], 2)} |")
    return "\n".join(lines)


# --- traffic ------------------------------------------------------------------------------------------------------
def make_traffic(out: Path) -> dict:
    """Runs the scanners in fresh namespaces; writes out/scanners.pcap and out/labels.json."""
    sl.skip_unless_ready()
    lab = sl.ScannerLab(out)
    try:
        versions = sl.tool_versions()
        lab.setup()
        tcpdump = lab.start_tcpdump("veth-dark", out / "scanners.pcap")
        lab.run_scanners()
        time.sleep(0.3)
        ic.stop_process(tcpdump, signal.SIGINT, timeout=10)
    finally:
        lab.teardown()
    sl.write_labels(out / "labels.json", versions)
    return versions


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kansoku")
    parser.add_argument("--from", dest="source_dir", type=Path,
                        help="directory with scanners.pcap and labels.json (from scanner_tools.py --keep)")
    parser.add_argument("--check", action="store_true", help=f"exit 1 if any rule scores below {TARGET}")
    parser.add_argument("--keep", type=Path, help="copy the generated pcap and labels.json here")
    args = parser.parse_args()
    kansoku = ic.kansoku_binary()
    ic.exit_on_signals()
    started = time.monotonic()
    work = ic.make_temp_dir("ks-fpacc-")
    try:
        if args.source_dir:
            data = args.source_dir
        else:
            data = work
            make_traffic(work)
            if args.keep:
                args.keep.mkdir(parents=True, exist_ok=True)
                for name in ("scanners.pcap", "labels.json"):
                    shutil.copy2(work / name, args.keep / name)
        pcap = data / "scanners.pcap"
        labels = json.loads((data / "labels.json").read_text())
        sources = labels["sources"]

        result = ic.run([kansoku, "darknet", "analyze", "--darknet", labels["darknet"], "--jsonl", "--quiet", pcap])
        if result.returncode != 0:
            print(f"kansoku darknet analyze failed: {result.stderr.strip()}", file=sys.stderr)
            return 1
        scans = ic.of_type(ic.parse_jsonl(result.stdout), "darknet.scan")
        probes = [p for p in syn_probes(pcap) if p["dst"].startswith(labels["darknet"].rsplit(".", 1)[0] + ".")]
        wire_counts = Counter(p["src"] for p in probes)
        rows, warnings = score(sources, wire_counts, scans)

        version = ic.run([kansoku, "--version"], timeout=30)
        print("## Scanner fingerprint accuracy\n")
        origin = f"pcap from {data}" if args.source_dir else "made in this run"
        print(f"Labelled traffic: tests/integration/fingerprint_accuracy.py ({origin}), "
              f"each tool from its own source into {labels['darknet']}; "
              f"`{(version.stdout or version.stderr).strip() or 'kansoku ?'}` (`darknet analyze`).\n")
        for tool, text in labels.get("versions", {}).items():
            print(f"- {tool}: {text}")
        print("\nPacket level from `tool_packets` (FN counts SYNs on the wire), record level from `tool`:\n")
        print(markdown_table(rows))
        print("\nReference: the issue's rules evaluated by this script on the same pcap:\n")
        print(reference_table(sources, probes))
        print("\nWire features per source:\n")
        print(features_table(sources, probes))
        if warnings:
            print("\nWarnings:\n")
            for warning in warnings:
                print(f"- {warning}")
        print(f"\n(took {time.monotonic() - started:.1f}s)", flush=True)

        if args.check:
            failed = [f"{r['rule']}: {k} {fmt(r[k])}" for r in rows if r["rule"] in RULES
                      for k in ("precision", "recall", "r_precision", "r_recall") if r[k] is None or r[k] < TARGET]
            if failed:
                print(f"FAIL  rules below {TARGET}: " + "; ".join(failed), flush=True)
                return 1
            print(f"ok    every rule has precision and recall >= {TARGET} (packet and record level)", flush=True)
        return 0
    finally:
        ic.remove_temp_dir(work)


if __name__ == "__main__":
    sys.exit(main())
