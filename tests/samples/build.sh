#!/bin/sh
# build.sh OUTDIR - builds the team's test "malware" programs statically for every architecture whose cross
# compiler is installed: OUTDIR/<arch>/<name> for arch x86_64 (gcc), arm (arm-linux-gnueabi-gcc, EABI little-endian),
# mips (mips-linux-gnu-gcc, big-endian), mipsel, aarch64, powerpc (big-endian) and i686 (<arch>-linux-gnu-gcc).
# An arch whose compiler is missing is skipped with a message; a real compile error makes the script exit
# non-zero. Set CC_<arch> (CC_x86_64, CC_arm, ...) to override a compiler.
# The built programs must only ever run inside the sandbox jail or a throwaway network namespace (README.md).
set -eu

if [ $# -ne 1 ]; then
    echo "usage: $0 OUTDIR" >&2
    exit 2
fi
outdir=$1
srcdir=$(cd "$(dirname "$0")" && pwd)
programs="syn_scanner c2_beacon daemon_renamer killer udp_flooder escape idle crasher iot_bot"
cflags="-static -O1 -std=gnu11 -Wall -Wextra -Werror"

built=0
for arch in x86_64 arm mips mipsel aarch64 powerpc i686; do
    case $arch in
        x86_64) cc=${CC_x86_64:-gcc} ;;
        arm) cc=${CC_arm:-arm-linux-gnueabi-gcc} ;;
        mips) cc=${CC_mips:-mips-linux-gnu-gcc} ;;
        mipsel) cc=${CC_mipsel:-mipsel-linux-gnu-gcc} ;;
        aarch64) cc=${CC_aarch64:-aarch64-linux-gnu-gcc} ;;
        powerpc) cc=${CC_powerpc:-powerpc-linux-gnu-gcc} ;;
        i686) cc=${CC_i686:-i686-linux-gnu-gcc} ;;
    esac
    if ! command -v "$cc" >/dev/null 2>&1; then
        echo "build.sh: skipping $arch: compiler $cc not found" >&2
        continue
    fi
    mkdir -p "$outdir/$arch"
    for name in $programs; do
        # Write to a temporary name first so a failed build never leaves a stale program behind.
        if ! $cc $cflags -o "$outdir/$arch/$name.tmp" "$srcdir/$name.c"; then
            rm -f "$outdir/$arch/$name.tmp"
            echo "build.sh: FAILED to build $name for $arch with $cc" >&2
            exit 1
        fi
        mv "$outdir/$arch/$name.tmp" "$outdir/$arch/$name"
        built=$((built + 1))
    done
    echo "build.sh: built $(echo $programs | wc -w) programs for $arch with $cc"
done
if [ "$built" -eq 0 ]; then
    echo "build.sh: no compiler found for any architecture" >&2
    exit 1
fi
