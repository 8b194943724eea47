#!/bin/sh
# smoke_test.sh BINDIR - runs the x86-64 test programs from BINDIR (build.sh's OUTDIR/x86_64) and checks that each
# did what it imitates. Every program runs inside a throwaway network namespace (unshare -n) with no route out;
# packets only reach a veth pair inside that namespace. daemon_renamer runs on a copy in a temp dir, in a private
# mount namespace with tmpfs over /etc/init.d and /var/spool; escape runs as nobody with process and memory limits.
# Exits 77 (CTest SKIP_RETURN_CODE) when namespaces cannot be created (not root / no unshare).
set -u
bindir=$1
tmp=$(mktemp -d /tmp/kansoku-samples.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
failures=0

if ! unshare -n -m -p -f --mount-proc true 2>/dev/null; then
    echo "SKIP: cannot create network/mount/PID namespaces (needs root and unshare)"
    exit 77
fi

expect() { # expect NAME OUTPUTFILE PATTERN...
    name=$1 out=$2
    shift 2
    for pattern in "$@"; do
        if ! grep -qE -- "$pattern" "$out"; then
            echo "FAIL: $name: output lacks /$pattern/"
            failures=$((failures + 1))
        fi
    done
}

# A namespace with a veth pair and a default route into it, so sends succeed and stay inside.
netns_with_route='ip link set lo up; ip link add v0 type veth peer name v1 && ip addr add 10.99.0.1/24 dev v0 &&
    ip link set v0 up && ip link set v1 up && ip route add default via 10.99.0.2 dev v0 &&
    ip neigh add 10.99.0.2 lladdr 02:00:00:00:00:02 dev v0'

KANSOKU_SAMPLE_RATE=100 unshare -n sh -c "$netns_with_route; exec '$bindir/syn_scanner' 1" >"$tmp/syn" 2>&1
expect syn_scanner "$tmp/syn" 'raw socket: opened' 'seq=0xcb0071' 'scan: done sent=100 failed=0'
KANSOKU_SAMPLE_RATE=100 unshare -n sh -c "$netns_with_route; exec '$bindir/udp_flooder' 1" >"$tmp/udp" 2>&1
expect udp_flooder "$tmp/udp" 'victim=192.0.2.20' 'flood: done sent=100 failed=0 bytes=51200'
setpriv --reuid=nobody --regid=nogroup --clear-groups "$bindir/syn_scanner" 1 >"$tmp/syn_noraw" 2>&1
expect "syn_scanner without CAP_NET_RAW" "$tmp/syn_noraw" 'raw socket: failed'

unshare -n "$bindir/c2_beacon" 1 >"$tmp/c2" 2>&1
expect c2_beacon "$tmp/c2" 'dns: query cnc.example.test A to 192.0.2.53:53' 'fallback 198.51.100.66' \
    'c2: connect 198.51.100.66:23 failed'

unshare -n -p -f --mount-proc "$bindir/killer" 1 >"$tmp/killer" 2>&1
expect killer "$tmp/killer" 'rival child [0-9]+ named dvrHelper' 'comm="dvrHelper".*SIGKILL -> ok' 'killed=1'

cp "$bindir/daemon_renamer" "$tmp/bot"
unshare -n -m -p -f --mount-proc sh -c "ip link set lo up; mount -t tmpfs none /etc/init.d && mount -t tmpfs none /var/spool &&
    '$tmp/bot' 1 && sleep 0.3 && cat /proc/*/comm | grep -x dropbear && sleep 1.2 && ls /etc/init.d/S95bot" \
    >"$tmp/daemon" 2>&1
expect daemon_renamer "$tmp/daemon" "unlink $tmp/bot -> ok" 'bound 127.0.0.1:48101' 'PR_SET_NAME, "dropbear"\) -> ok' \
    'setsid -> ok' 'write /etc/init.d/S95bot -> 61 bytes' '^dropbear$' '^/etc/init.d/S95bot$'
[ -e "$tmp/bot" ] && { echo "FAIL: daemon_renamer did not delete its file"; failures=$((failures + 1)); }

chmod 755 "$tmp"
(cd "$tmp" && KANSOKU_SAMPLE_SLEEP=1 timeout 60 unshare -n -p -f --mount-proc setpriv --reuid=nobody --regid=nogroup \
    --clear-groups prlimit --nproc=64 --as=268435456 "$bindir/escape" 1) >"$tmp/escape" 2>&1
expect escape "$tmp/escape" 'passwd-kansoku -> FAILED' 'chroot-break: .*FAILED' 'connect 127.0.0.1:47999 -> FAILED' \
    'fork-bomb: killed and reaped' 'memory: allocation failed after' 'timeout: woke up'
grep -q SUCCEEDED "$tmp/escape" && { echo "FAIL: an escape attempt succeeded"; failures=$((failures + 1)); }
rmdir /tmp/.kansoku-break 2>/dev/null

"$bindir/idle" >"$tmp/idle" 2>&1
rc=$?
[ $rc -eq 0 ] && [ ! -s "$tmp/idle" ] || { echo "FAIL: idle rc=$rc"; failures=$((failures + 1)); }
(cd "$tmp" && ulimit -c 0 && exec "$bindir/crasher") >"$tmp/crasher" 2>&1
rc=$?
[ $rc -eq 139 ] || { echo "FAIL: crasher rc=$rc, expected 139 (SIGSEGV)"; failures=$((failures + 1)); }

for f in syn udp syn_noraw c2 killer daemon escape; do sed "s/^/  /" "$tmp/$f"; done | grep -v 'MiB touched'
if [ $failures -ne 0 ]; then
    echo "smoke_test: $failures failure(s)"
    exit 1
fi
echo "smoke_test: all programs behaved as expected"
