#!/bin/sh
# build.sh OUTDIR - builds the team's test "malware" programs statically for every architecture whose cross
# compiler is installed: OUTDIR/<arch>/<name> for arch x86_64 (gcc), arm (arm-linux-gnueabi-gcc, EABI little-endian),
# mips (mips-linux-gnu-gcc, big-endian), mipsel, aarch64, powerpc (big-endian) and i686 (<arch>-linux-gnu-gcc), and
# armeb (ARM EABI big-endian, BE8): Debian has no armeb cross compiler or C library, so clang compiles for it against
# the armel glibc headers, the programs are linked with our own minilibc/ by GNU ld -EB --be8 (binutils for
# arm-linux-gnueabi; lld 14 mislinks big-endian ARM). An arch whose compiler is missing is skipped with a message; a
# real compile error makes the script exit non-zero. Set CC_<arch> (CC_x86_64, CC_arm, ..., CC_armeb) to override a
# compiler, LD_armeb and ARMEB_HEADERS for armeb's linker and headers.
# The built programs must only ever run inside the sandbox jail or a throwaway network namespace (README.md).
set -eu

if [ $# -ne 1 ]; then
    echo "usage: $0 OUTDIR" >&2
    exit 2
fi
outdir=$1
srcdir=$(cd "$(dirname "$0")" && pwd)
programs="syn_scanner c2_beacon daemon_renamer killer udp_flooder escape idle crasher iot_bot hog"
cflags="-O1 -std=gnu11 -Wall -Wextra -Werror"

# armeb: ARMv7 with VFP (soft-float calling convention, so the armel headers fit), no libgcc: minilibc has the
# run-time ABI helpers the programs need.
armeb_ld=${LD_armeb:-arm-linux-gnueabi-ld}
armeb_headers=${ARMEB_HEADERS:-/usr/arm-linux-gnueabi/include}
armeb_cflags="--target=armeb-linux-gnueabi -march=armv7ve -mfloat-abi=softfp -mfpu=vfpv3-d16 -nostdinc
    -isystem $armeb_headers -fno-pic -fno-unwind-tables -fno-asynchronous-unwind-tables -fno-stack-protector
    -ffunction-sections -fdata-sections"
armeb_objs=""

# Compiles minilibc into a temporary directory (removed on exit); fails (with a message) when the linker or headers
# are missing.
build_minilibc() {
    if ! command -v "$armeb_ld" >/dev/null 2>&1 || [ ! -f "$armeb_headers/stdio.h" ]; then
        echo "build.sh: skipping armeb: needs $armeb_ld and the armel headers in $armeb_headers" >&2
        return 1
    fi
    armeb_cflags="$armeb_cflags -isystem $($1 -print-resource-dir)/include"
    lib=$(mktemp -d)
    trap 'rm -rf "$lib"' EXIT
    armeb_objs=$lib/start.o
    for source in "$srcdir"/minilibc/*.c "$srcdir"/minilibc/*.S; do
        object=$lib/$(basename "${source%.*}").o
        $1 $cflags $armeb_cflags -ffreestanding -c -o "$object" "$source" || return 1
        [ "$object" = "$lib/start.o" ] || armeb_objs="$armeb_objs $object"
    done
}

# build_program ARCH CC SOURCE OUT
build_program() {
    if [ "$1" != armeb ]; then
        $2 -static $cflags -o "$4" "$3"
        return
    fi
    $2 $cflags $armeb_cflags -c -o "$4.o" "$3" &&
        $armeb_ld -EB --be8 -static --gc-sections -o "$4" $armeb_objs "$4.o"
    status=$?
    rm -f "$4.o"
    return $status
}

built=0
for arch in x86_64 arm mips mipsel aarch64 powerpc i686 armeb; do
    case $arch in
        x86_64) cc=${CC_x86_64:-gcc} ;;
        arm) cc=${CC_arm:-arm-linux-gnueabi-gcc} ;;
        mips) cc=${CC_mips:-mips-linux-gnu-gcc} ;;
        mipsel) cc=${CC_mipsel:-mipsel-linux-gnu-gcc} ;;
        aarch64) cc=${CC_aarch64:-aarch64-linux-gnu-gcc} ;;
        powerpc) cc=${CC_powerpc:-powerpc-linux-gnu-gcc} ;;
        i686) cc=${CC_i686:-i686-linux-gnu-gcc} ;;
        armeb) cc=${CC_armeb:-clang} ;;
    esac
    if ! command -v "$cc" >/dev/null 2>&1; then
        echo "build.sh: skipping $arch: compiler $cc not found" >&2
        continue
    fi
    if [ "$arch" = armeb ] && ! build_minilibc "$cc"; then
        [ -n "$armeb_objs" ] && exit 1 # a compile error in minilibc, not a missing tool
        continue
    fi
    mkdir -p "$outdir/$arch"
    for name in $programs; do
        # Write to a temporary name first so a failed build never leaves a stale program behind.
        if ! build_program "$arch" "$cc" "$srcdir/$name.c" "$outdir/$arch/$name.tmp"; then
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
