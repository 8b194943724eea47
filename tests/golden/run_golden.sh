#!/usr/bin/env bash
# Golden tests: captures made by the project's generator (and, when present, the shared real
# captures) are analysed; the JSON lines must equal the baselines in tests/data/golden/.
#
#   tests/golden/run_golden.sh BUILD/kansoku            # compare
#   tests/golden/run_golden.sh BUILD/kansoku --update   # rewrite the baselines after a reviewed change
#
# One worker (-j 1): the baselines' capture.stats.state_bytes is one worker's table memory; N
# workers give the same events otherwise (tests/integration/darknet_workers.py checks).
# Event timestamps come from the packets, so no canonicalisation is needed; the capture's
# "source" field names the file as given on the command line, so the script runs in a temp dir.
set -euo pipefail

kansoku=$(realpath "$1")
update=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
golden="$here/../data/golden"
shared=${KANSOKU_SHARED:-$here/../../../shared}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

failures=0
checked=0

# check NAME COMMAND...: runs COMMAND (stdout = JSON lines) and compares with golden/NAME.jsonl
check() {
    local name=$1
    shift
    if ! "$@" > "$name.jsonl" 2> "$name.stderr"; then
        echo "FAIL $name: command failed: $*"
        cat "$name.stderr"
        failures=$((failures + 1))
        return
    fi
    checked=$((checked + 1))
    if [[ $update == --update ]]; then
        cp "$name.jsonl" "$golden/$name.jsonl"
        echo "updated $name ($(wc -l < "$name.jsonl") events)"
    elif diff -u "$golden/$name.jsonl" "$name.jsonl" > "$name.diff"; then
        echo "ok   $name ($(wc -l < "$name.jsonl") events)"
    else
        echo "FAIL $name: output differs from tests/data/golden/$name.jsonl:"
        head -40 "$name.diff"
        failures=$((failures + 1))
    fi
}

# 1. The demo scenario (every actor kind; see src/darknet/traffic_generator.h).
"$kansoku" darknet generate -o demo.pcap 2> /dev/null
check demo "$kansoku" darknet analyze -j 1 --darknet 203.0.113.0/24 --darknet 2001:db8:dead::/48 --jsonl demo.pcap

# 2. The same capture with a 2-minute stats interval and stricter thresholds from a config file.
cat > strict.toml << 'TOML'
[sensor]
name = "golden"
[darknet]
prefixes = ["203.0.113.0/24"]
stats_interval = "120s"
[darknet.scan]
min_packets = 10
many_ports = 3
[darknet.backscatter]
min_packets = 100
TOML
check demo_strict "$kansoku" darknet analyze -j 1 --config strict.toml --jsonl demo.pcap

# 3. Bulk traffic: many sources, backscatter victims, UDP and ICMP.
"$kansoku" darknet generate --profile bulk --packets 4000 --sources 120 --duration 240 --seed 7 -o bulk.pcap 2> /dev/null
check bulk "$kansoku" darknet analyze -j 1 --darknet 203.0.113.0/24 --jsonl bulk.pcap

# 4. Real captures from ../shared (skipped when absent).
if [[ -d $shared/data/pcaps ]]; then
    cp "$shared/data/pcaps/nmap-synscan.pcapng" "$shared/data/pcaps/nmap-version-scan.pcap" .
    check nmap_synscan "$kansoku" darknet analyze -j 1 --darknet 64.13.134.52 --jsonl nmap-synscan.pcapng
    check nmap_version_scan "$kansoku" darknet analyze -j 1 --darknet 192.168.1.0/24 --jsonl nmap-version-scan.pcap
else
    echo "skip real captures: $shared/data/pcaps not found (set KANSOKU_SHARED)"
fi

echo "$checked passed, $failures failed"
[[ $failures -eq 0 ]]
