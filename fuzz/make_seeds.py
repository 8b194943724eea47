#!/usr/bin/env python3
"""Writes the seed corpora for the fuzz targets (fuzz/README.md), reproducibly.

    fuzz/make_seeds.py [--kansoku build/kansoku] [--out fuzz/corpus]

corpus/decoder/*.bin    one byte naming the capture::LinkType in its low 3 bits (0 Ethernet, 1 Linux
                        SLL, 2 SLL2, 3 raw IP, 4 IPv4, 5 IPv6, 6 BSD NULL, 7 LOOP) and, in bit 3, the
                        analyzer's darknet (set: the documentation prefixes, as for every crafted
                        ICMP case; clear: everything), then one frame. Frames come
                        from `kansoku darknet generate` (one per distinct shape) and from crafted
                        cases aimed at the decoder's and classifier's rules.
corpus/pcap_file/*      whole small captures: pcap (both byte orders, micro/nanosecond, every link
                        type we decode and one we do not), pcapng (options, several interfaces,
                        odd blocks), truncated and otherwise broken files.
corpus/ip_packet/*      raw IPv4/IPv6 packets as a sample writes them to the fake network's TUN device:
                        TCP, UDP, ICMP, ICMPv6, extension chains, fragments, and broken lengths.
corpus/dns_message/*    DNS queries a sample sends the fake resolver: A/AAAA/TXT, compression
                        pointers (backwards, forwards, looping), odd label bytes, responses, cuts.
corpus/asn_csv/*        byte 0 = family (0 IPv4, 1 IPv6), then an ip-location-db ASN CSV: rows in the
                        published layout (quoted names, "" escapes, CRLF), overlapping and nested
                        ranges, and one broken row of each kind the loader refuses.
corpus/fuzzy_hash/*     inputs for the ssdeep/TLSH differential target: random, text, uniform bytes,
                        TLSH's 50-byte minimum, and zeros with windows where ssdeep pieces end at
                        many block sizes at once (plus ELF seeds copied from corpus/elf).

Only the standard library is used: frames are built with struct so every byte is deliberate.
Seeds written by earlier runs with the same name are overwritten; files merged in by libFuzzer
(40-hex-digit names) are left alone.
"""

import argparse
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile

# --- addresses (the project's plan: darknet 203.0.113.0/24, attackers 198.51.100.0/24, victims 192.0.2.0/24)

DARK = bytes([203, 0, 113, 7])
DARK2 = bytes([203, 0, 113, 200])
ATTACKER = bytes([198, 51, 100, 23])
VICTIM = bytes([192, 0, 2, 80])
OUTSIDE = bytes([192, 0, 2, 99])
DARK6 = bytes.fromhex("20010db8dead00000000000000000007")
ATTACKER6 = bytes.fromhex("20010db8bad000000000000000000023")
VICTIM6 = bytes.fromhex("20010db8000000800000000000000080")
MAPPED_DARK = bytes(10) + b"\xff\xff" + DARK
MAPPED_ATTACKER = bytes(10) + b"\xff\xff" + ATTACKER

# --- link types: index of capture::LinkType, and the file link type (LINKTYPE_*) for pcap

ETHERNET, SLL, SLL2, RAW, IPV4LINK, IPV6LINK, NULL, LOOP = range(8)
LINKTYPE = {ETHERNET: 1, SLL: 113, SLL2: 276, RAW: 101, IPV4LINK: 228, IPV6LINK: 229, NULL: 0, LOOP: 108}

TCP, UDP, ICMP, ICMP6 = 6, 17, 1, 58
SYN, ACK, RST, FIN, PSH = 0x02, 0x10, 0x04, 0x01, 0x08


def ipv4(src, dst, proto, payload, ihl=5, total_length=None, ident=0x1234, frag=0, ttl=64, options=b"",
         version=4):
    header_length = ihl * 4
    options = options.ljust(max(0, header_length - 20), b"\x00")[: max(0, header_length - 20)]
    if total_length is None:
        total_length = 20 + len(options) + len(payload)
    h = struct.pack("!BBHHHBBH4s4s", (version << 4) | (ihl & 0xF), 0, total_length & 0xFFFF, ident, frag, ttl,
                    proto, 0, src, dst)
    return h + options + payload


def ipv6(src, dst, next_header, payload, payload_length=None, hop_limit=64):
    if payload_length is None:
        payload_length = len(payload)
    return struct.pack("!IHBB16s16s", 0x60000000, payload_length & 0xFFFF, next_header, hop_limit, src,
                       dst) + payload


def ext(next_header, body_units=0, fill=0):
    """A generic IPv6 extension header (hop-by-hop, routing, destination options): 8 * (units + 1) bytes."""
    return bytes([next_header, body_units]) + bytes([fill]) * (6 + 8 * body_units)


def frag_ext(next_header, offset=0, more=False, ident=0xABCD):
    return struct.pack("!BBHI", next_header, 0, (offset << 3) | int(more), ident)


def ah_ext(next_header, length_field=4):
    """Authentication header: (length_field + 2) * 4 bytes."""
    size = (length_field + 2) * 4
    return bytes([next_header, length_field]) + bytes(size - 2)


def tcp(sport, dport, flags, seq=0x01020304, ack=0, data_offset=None, options=b"", window=1024, payload=b""):
    if data_offset is None:
        options = options + b"\x00" * (-len(options) % 4)
        data_offset = 5 + len(options) // 4
    return struct.pack("!HHIIBBHHH", sport, dport, seq, ack, (data_offset & 0xF) << 4, flags, window, 0,
                       0) + options + payload


def udp(sport, dport, payload=b""):
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload


def icmp(icmp_type, code, body=b"", rest=b"\x00\x00\x00\x00"):
    return struct.pack("!BBH", icmp_type, code, 0) + rest + body


# --- link-layer wrappers


def ethernet(ethertype, payload, vlans=()):
    """Ethernet II; `vlans` is a list of (TPID, TCI) tags, outermost first."""
    tpids = [tpid for tpid, _ in vlans] + [ethertype]
    frame = bytes.fromhex("020000000001") + bytes.fromhex("020000000002") + struct.pack("!H", tpids[0])
    for i, (_, tci) in enumerate(vlans):
        frame += struct.pack("!HH", tci, tpids[i + 1])
    return frame + payload


def wrap(link, packet, version=None):
    """Wraps an IP packet (or anything, for the NotIp cases) in a link-layer header."""
    if version is None:
        version = packet[0] >> 4 if packet else 4
    ethertype = 0x86DD if version == 6 else 0x0800
    if link == ETHERNET:
        return ethernet(ethertype, packet)
    if link == SLL:
        return struct.pack("!HHH8sH", 0, 1, 6, bytes.fromhex("0200000000020000"), ethertype) + packet
    if link == SLL2:
        return struct.pack("!HHIHBB8s", ethertype, 0, 2, 1, 0, 6, bytes.fromhex("0200000000020000")) + packet
    if link in (RAW, IPV4LINK, IPV6LINK):
        return packet
    if link == NULL:
        return struct.pack("<I", 10 if version == 6 else 2) + packet
    if link == LOOP:
        return struct.pack("!I", 30 if version == 6 else 2) + packet
    raise ValueError(link)


def natural_links(packet):
    """Link types that can carry this packet: everything but the wrong fixed-family one."""
    version = packet[0] >> 4
    return [l for l in range(8) if not (l == IPV4LINK and version == 6) and not (l == IPV6LINK and version == 4)]


# --- crafted decoder cases: (name, link, frame)


def crafted_decoder_cases():
    cases = []

    def add(name, packet, links=None):
        for link in links if links is not None else [ETHERNET]:
            cases.append((f"{name}-l{link}", link, wrap(link, packet)))

    syn = tcp(40000, 23, SYN, options=struct.pack("!BBH", 2, 4, 1460))
    quoted_syn = ipv4(DARK, VICTIM, TCP, tcp(23, 80, SYN))  # what the spoofer sent in the darknet's name
    quoted_udp = ipv4(DARK, VICTIM, UDP, udp(53, 53, b"x" * 12))
    quoted_icmp = ipv4(DARK, VICTIM, ICMP, icmp(8, 0, b"ping"))

    # Probes and backscatter, in every link type that can carry them.
    add("tcp-syn-mss", ipv4(ATTACKER, DARK, TCP, syn), natural_links(b"\x45"))
    add("tcp-synack", ipv4(VICTIM, DARK, TCP, tcp(80, 40000, SYN | ACK)), natural_links(b"\x45"))
    add("tcp-rst", ipv4(VICTIM, DARK, TCP, tcp(80, 40000, RST)))
    add("tcp-rstack", ipv4(VICTIM, DARK, TCP, tcp(80, 40000, RST | ACK)))
    add("tcp-fin", ipv4(ATTACKER, DARK, TCP, tcp(40000, 80, FIN)))
    add("udp-probe", ipv4(ATTACKER, DARK, UDP, udp(5353, 1900, b"M-SEARCH")), natural_links(b"\x45"))
    add("icmp-echo", ipv4(ATTACKER, DARK, ICMP, icmp(8, 0, b"abcd")))
    add("icmp-echo-reply", ipv4(VICTIM, DARK, ICMP, icmp(0, 0, b"abcd")))
    add("not-darknet", ipv4(ATTACKER, OUTSIDE, TCP, syn))
    add("tcp6-syn", ipv6(ATTACKER6, DARK6, TCP, syn), natural_links(b"\x60"))
    add("udp6-probe", ipv6(ATTACKER6, DARK6, UDP, udp(1234, 161, b"public")), natural_links(b"\x60"))
    add("icmp6-echo", ipv6(ATTACKER6, DARK6, ICMP6, icmp(128, 0, b"abcd")), natural_links(b"\x60"))
    add("icmp6-echo-reply", ipv6(VICTIM6, DARK6, ICMP6, icmp(129, 0, b"abcd")))

    # TCP options and data offsets.
    opts = struct.pack("!BBH", 2, 4, 1360) + b"\x01" + struct.pack("!BBB", 3, 3, 7) + b"\x01\x01" + \
        struct.pack("!BB", 4, 2) + struct.pack("!BBII", 8, 10, 1, 0) + b"\x00\x00"
    add("tcp-options-all", ipv4(ATTACKER, DARK, TCP, tcp(1, 22, SYN, options=opts)))
    add("tcp-option-len0", ipv4(ATTACKER, DARK, TCP, tcp(1, 22, SYN, options=b"\x02\x00\x05\xb4")))
    add("tcp-option-len1", ipv4(ATTACKER, DARK, TCP, tcp(1, 22, SYN, options=b"\x01\x01\x01\x08")))
    add("tcp-option-overrun", ipv4(ATTACKER, DARK, TCP, tcp(1, 22, SYN, options=b"\x08\x28\x00\x00")))
    add("tcp-doff4", ipv4(ATTACKER, DARK, TCP, tcp(1, 22, SYN, data_offset=4)))
    add("tcp-doff15-cut", ipv4(ATTACKER, DARK, TCP, tcp(1, 22, SYN, data_offset=15)))
    add("tcp-doff15", ipv4(ATTACKER, DARK, TCP, tcp(1, 22, SYN, data_offset=15, options=b"\x01" * 40)))
    add("tcp-truncated", ipv4(ATTACKER, DARK, TCP, tcp(1, 22, SYN)[:13]))
    add("udp-truncated", ipv4(ATTACKER, DARK, UDP, udp(1, 53)[:6]))
    add("icmp-truncated", ipv4(ATTACKER, DARK, ICMP, icmp(8, 0)[:5]))
    add("tcp-payload-mirai", ipv4(ATTACKER, DARK, TCP, tcp(51234, 23, SYN, seq=0xCB00710D, window=14600)))

    # IPv4 header rules.
    add("ipv4-ihl4", ipv4(ATTACKER, DARK, TCP, syn, ihl=4))
    add("ipv4-ihl15-outside", ipv4(ATTACKER, DARK, TCP, syn[:8], ihl=15, options=b"")[:28])
    add("ipv4-ihl15-options", ipv4(ATTACKER, DARK, TCP, syn, ihl=15, options=b"\x01" * 40))
    add("ipv4-total-short", ipv4(ATTACKER, DARK, TCP, syn, total_length=16))
    add("ipv4-total-cuts-tcp", ipv4(ATTACKER, DARK, TCP, syn, total_length=30))
    add("ipv4-total-long", ipv4(ATTACKER, DARK, TCP, syn, total_length=1500))
    add("ipv4-padded", ipv4(ATTACKER, DARK, UDP, udp(1, 2)) + b"\x00" * 18)
    add("ipv4-fragment", ipv4(ATTACKER, DARK, TCP, syn, frag=185))
    add("ipv4-first-fragment", ipv4(ATTACKER, DARK, UDP, udp(1, 2, b"x" * 16), frag=0x2000))
    add("ipv4-version6", ipv4(ATTACKER, DARK, TCP, syn, version=6), [ETHERNET, IPV4LINK])
    add("ipv4-version5", ipv4(ATTACKER, DARK, TCP, syn, version=5), [ETHERNET, RAW])
    add("ipv4-short", ipv4(ATTACKER, DARK, TCP, syn)[:19], [ETHERNET, RAW, NULL])
    add("icmp-in-ipv6", ipv6(ATTACKER6, DARK6, ICMP, icmp(3, 1, quoted_syn)))
    add("icmp6-in-ipv4", ipv4(ATTACKER, DARK, ICMP6, icmp(1, 0, quoted_syn)))
    add("other-proto-gre", ipv4(ATTACKER, DARK, 47, b"\x00\x00\x08\x00" + quoted_syn))

    # ICMPv4 errors and their quotes: the classifier takes the victim from the quote.
    add("icmp-unreach-quote-syn", ipv4(VICTIM, DARK, ICMP, icmp(3, 3, quoted_syn)), natural_links(b"\x45"))
    add("icmp-unreach-quote-udp", ipv4(VICTIM, DARK, ICMP, icmp(3, 3, quoted_udp)))
    add("icmp-timex-quote-icmp", ipv4(VICTIM, DARK, ICMP, icmp(11, 0, quoted_icmp)))
    add("icmp-quench-quote-gre", ipv4(VICTIM, DARK, ICMP, icmp(4, 0, ipv4(DARK, VICTIM, 47, b"\x00" * 8))))
    add("icmp-redirect-quote", ipv4(VICTIM, DARK, ICMP, icmp(5, 1, quoted_syn, rest=VICTIM)))
    add("icmp-paramprob-quote", ipv4(VICTIM, DARK, ICMP, icmp(12, 0, quoted_syn, rest=b"\x14\x00\x00\x00")))
    add("icmp-quote-28", ipv4(VICTIM, DARK, ICMP, icmp(3, 1, quoted_syn[:28])))  # RFC 792 minimum
    add("icmp-quote-24", ipv4(VICTIM, DARK, ICMP, icmp(3, 1, quoted_syn[:24])))  # ports only
    add("icmp-quote-22", ipv4(VICTIM, DARK, ICMP, icmp(3, 1, quoted_syn[:22])))  # no full ports
    add("icmp-quote-20", ipv4(VICTIM, DARK, ICMP, icmp(3, 1, quoted_syn[:20])))  # header only
    add("icmp-quote-19", ipv4(VICTIM, DARK, ICMP, icmp(3, 1, quoted_syn[:19])))  # cut inside the header
    add("icmp-quote-10", ipv4(VICTIM, DARK, ICMP, icmp(3, 1, quoted_syn[:10])))
    add("icmp-quote-empty", ipv4(VICTIM, DARK, ICMP, icmp(3, 1)))
    add("icmp-quote-ihl4", ipv4(VICTIM, DARK, ICMP, icmp(3, 1, ipv4(DARK, VICTIM, TCP, tcp(1, 80, SYN), ihl=4))))
    add("icmp-quote-ihl15", ipv4(VICTIM, DARK, ICMP, icmp(3, 1, ipv4(DARK, VICTIM, TCP, tcp(1, 80, SYN), ihl=15,
                                                                     options=b"")[:28])))
    add("icmp-quote-ihl6-ports", ipv4(VICTIM, DARK, ICMP, icmp(3, 1, ipv4(DARK, VICTIM, TCP, tcp(1, 80, SYN), ihl=6,
                                                                          options=b"\x01\x01\x01\x00"))))
    add("icmp-quote-total-short", ipv4(VICTIM, DARK, ICMP, icmp(3, 1, ipv4(DARK, VICTIM, TCP, tcp(1, 80, SYN),
                                                                           total_length=12))))
    add("icmp-quote-total-20", ipv4(VICTIM, DARK, ICMP, icmp(3, 1, ipv4(DARK, VICTIM, TCP, tcp(1, 80, SYN),
                                                                        total_length=20))))
    add("icmp-quote-fragment", ipv4(VICTIM, DARK, ICMP, icmp(3, 4, ipv4(DARK, VICTIM, UDP, udp(1, 53), frag=100))))
    add("icmp-quote-version6", ipv4(VICTIM, DARK, ICMP, icmp(3, 1, ipv6(DARK6, VICTIM6, TCP, tcp(1, 80, SYN)))))
    add("icmp-quote-forged-src", ipv4(VICTIM, DARK, ICMP, icmp(3, 3, ipv4(DARK2, VICTIM, TCP, tcp(1, 80, SYN)))))
    add("icmp-quote-dst-darknet", ipv4(VICTIM, DARK, ICMP, icmp(3, 3, ipv4(DARK, DARK2, TCP, tcp(1, 80, SYN)))))
    add("icmp-quote-outer-total-cuts", ipv4(VICTIM, DARK, ICMP, icmp(3, 3, quoted_syn), total_length=20 + 8 + 22))
    add("icmp-quote-nested-error", ipv4(VICTIM, DARK, ICMP, icmp(3, 3, ipv4(DARK, VICTIM, ICMP,
                                                                            icmp(3, 3, quoted_syn)))))
    add("icmp-unknown-type", ipv4(VICTIM, DARK, ICMP, icmp(42, 0, quoted_syn)))

    # ICMPv6 errors quoting IPv6, through extension headers.
    q6_syn = ipv6(DARK6, VICTIM6, TCP, tcp(1, 443, SYN))
    add("icmp6-unreach-quote-syn", ipv6(VICTIM6, DARK6, ICMP6, icmp(1, 4, q6_syn)), natural_links(b"\x60"))
    add("icmp6-toobig-quote-udp", ipv6(VICTIM6, DARK6, ICMP6, icmp(2, 0, ipv6(DARK6, VICTIM6, UDP, udp(1, 53)),
                                                                  rest=struct.pack("!I", 1280))))
    add("icmp6-timex-quote-icmp6", ipv6(VICTIM6, DARK6, ICMP6, icmp(3, 0, ipv6(DARK6, VICTIM6, ICMP6,
                                                                               icmp(128, 0, b"ab")))))
    add("icmp6-paramprob-quote-ext", ipv6(VICTIM6, DARK6, ICMP6, icmp(4, 1, ipv6(DARK6, VICTIM6, 0, ext(
        60, 0) + ext(TCP, 1) + tcp(1, 443, SYN)))))
    add("icmp6-quote-frag", ipv6(VICTIM6, DARK6, ICMP6, icmp(1, 0, ipv6(DARK6, VICTIM6, 44, frag_ext(
        UDP, offset=10) + udp(1, 53)))))
    add("icmp6-quote-ext-cut", ipv6(VICTIM6, DARK6, ICMP6, icmp(1, 0, ipv6(DARK6, VICTIM6, 0, ext(TCP, 4))[:52])))
    add("icmp6-quote-cut-header", ipv6(VICTIM6, DARK6, ICMP6, icmp(1, 0, q6_syn[:39])))
    add("icmp6-quote-40", ipv6(VICTIM6, DARK6, ICMP6, icmp(1, 0, q6_syn[:40])))
    add("icmp6-quote-44", ipv6(VICTIM6, DARK6, ICMP6, icmp(1, 0, q6_syn[:44])))
    add("icmp6-quote-version4", ipv6(VICTIM6, DARK6, ICMP6, icmp(1, 0, quoted_syn + bytes(20))))
    add("icmp6-quote-forged", ipv6(VICTIM6, DARK6, ICMP6, icmp(1, 0, ipv6(ATTACKER6, VICTIM6, TCP,
                                                                          tcp(1, 443, SYN)))))
    add("icmp6-informational-quote", ipv6(VICTIM6, DARK6, ICMP6, icmp(135, 0, q6_syn)))

    # IPv6 extension chains.
    add("ipv6-hbh-dst-tcp", ipv6(ATTACKER6, DARK6, 0, ext(60, 0) + ext(TCP, 1) + syn))
    add("ipv6-routing-udp", ipv6(ATTACKER6, DARK6, 43, ext(UDP, 2) + udp(1, 53)))
    add("ipv6-ah-tcp", ipv6(ATTACKER6, DARK6, 51, ah_ext(TCP) + syn))
    add("ipv6-ah-cut", ipv6(ATTACKER6, DARK6, 51, ah_ext(TCP, 200)[:16]))
    add("ipv6-mobility-hip-shim6", ipv6(ATTACKER6, DARK6, 135, ext(139) + ext(140) + ext(59)))
    add("ipv6-first-fragment", ipv6(ATTACKER6, DARK6, 44, frag_ext(TCP, more=True) + syn))
    add("ipv6-fragment", ipv6(ATTACKER6, DARK6, 44, frag_ext(TCP, offset=100) + syn))
    chain8 = b"".join(ext(60) for _ in range(7)) + ext(TCP)
    add("ipv6-ext-8", ipv6(ATTACKER6, DARK6, 60, chain8 + syn))
    chain9 = b"".join(ext(60) for _ in range(9)) + ext(TCP)
    add("ipv6-ext-9", ipv6(ATTACKER6, DARK6, 60, chain9 + syn))
    add("ipv6-ext-9-frag", ipv6(ATTACKER6, DARK6, 60, b"".join(ext(60) for _ in range(7)) + ext(44) +
                                frag_ext(TCP, offset=8) + syn))
    add("ipv6-ext-len255", ipv6(ATTACKER6, DARK6, 0, bytes([TCP, 255]) + bytes(30)))
    add("ipv6-ext-7bytes", ipv6(ATTACKER6, DARK6, 0, b"\x06\x00\x00\x00\x00\x00\x00"))
    add("ipv6-payload-len-short", ipv6(ATTACKER6, DARK6, TCP, syn, payload_length=10))
    add("ipv6-payload-len-cuts-ext", ipv6(ATTACKER6, DARK6, 0, ext(TCP, 1) + syn, payload_length=8))
    add("ipv6-jumbogram", ipv6(ATTACKER6, DARK6, 0, bytes([TCP, 0, 0xC2, 4, 0, 0, 0x01, 0]) + syn,
                                payload_length=0))
    add("ipv6-no-next", ipv6(ATTACKER6, DARK6, 59, b"junk"))
    add("ipv6-short", ipv6(ATTACKER6, DARK6, TCP, syn)[:39], [ETHERNET, RAW, IPV6LINK])
    add("ipv6-version4", b"\x45" + ipv6(ATTACKER6, DARK6, TCP, syn)[1:], [ETHERNET, IPV6LINK])
    add("ipv6-mapped", ipv6(MAPPED_ATTACKER, MAPPED_DARK, TCP, syn))
    add("ipv6-mapped-icmp6-quote", ipv6(VICTIM6, MAPPED_DARK, ICMP6, icmp(1, 0, ipv6(MAPPED_DARK, VICTIM6, TCP,
                                                                                     tcp(1, 80, SYN)))))

    # Link layers: VLAN stacks, cooked headers, BSD loopback families, non-IP.
    p4 = ipv4(ATTACKER, DARK, TCP, syn)
    p6 = ipv6(ATTACKER6, DARK6, TCP, syn)
    cases.append(("vlan1", ETHERNET, ethernet(0x0800, p4, [(0x8100, 10)])))
    cases.append(("vlan-qinq", ETHERNET, ethernet(0x86DD, p6, [(0x88A8, 100), (0x8100, 10)])))
    cases.append(("vlan-9100", ETHERNET, ethernet(0x0800, p4, [(0x9100, 5)])))
    cases.append(("vlan4", ETHERNET, ethernet(0x0800, p4, [(0x88A8, 1), (0x8100, 2), (0x8100, 3), (0x8100, 4)])))
    cases.append(("vlan5", ETHERNET, ethernet(0x0800, p4, [(0x8100, i) for i in range(5)])))
    cases.append(("vlan-cut", ETHERNET, ethernet(0x0800, p4, [(0x8100, 10), (0x8100, 11)])[:16]))
    cases.append(("vlan-arp", ETHERNET, ethernet(0x0806, bytes(28), [(0x8100, 10)])))
    cases.append(("sll-vlan", SLL, struct.pack("!HHH8sH", 0, 1, 6, bytes(8), 0x8100) + struct.pack("!HH", 7, 0x0800)
                  + p4))
    cases.append(("sll2-vlan", SLL2, struct.pack("!HHIHBB8s", 0x8100, 0, 2, 1, 0, 6, bytes(8)) +
                  struct.pack("!HH", 7, 0x86DD) + p6))
    cases.append(("eth-arp", ETHERNET, ethernet(0x0806, bytes.fromhex("0001080006040001") + bytes(20))))
    cases.append(("eth-lldp", ETHERNET, ethernet(0x88CC, bytes(30))))
    cases.append(("eth-ipv4-ethertype-ipv6", ETHERNET, ethernet(0x0800, p6)))
    cases.append(("eth-truncated", ETHERNET, ethernet(0x0800, p4)[:13]))
    cases.append(("sll-truncated", SLL, wrap(SLL, p4)[:15]))
    cases.append(("sll-arp", SLL, struct.pack("!HHH8sH", 0, 1, 6, bytes(8), 0x0806) + bytes(28)))
    cases.append(("sll2-truncated", SLL2, wrap(SLL2, p4)[:19]))
    cases.append(("sll2-lldp", SLL2, struct.pack("!HHIHBB8s", 0x88CC, 0, 2, 1, 0, 6, bytes(8)) + bytes(20)))
    cases.append(("raw-empty", RAW, b""))
    cases.append(("raw-version0", RAW, b"\x05" + p4[1:]))
    for family in (2, 10, 24, 28, 30, 7):
        packet = p4 if family == 2 else p6
        cases.append((f"null-af{family}", NULL, struct.pack("<I", family) + packet))
        cases.append((f"loop-af{family}", LOOP, struct.pack("!I", family) + packet))
    # Probes built to confuse the scanner fingerprints and the untrusted-source filters: a
    # sequence number equal to the destination by accident, ZMap's IP ID with options, masscan's
    # IP ID formula one off, nmap's windows without MSS, TTL 255 with and without a fingerprint,
    # port 0, SYN+URG/PSH, impossible sources.
    dark_int = struct.unpack("!I", DARK)[0]
    add("fp-mirai-seq", ipv4(ATTACKER, DARK, TCP, tcp(40000, 23, SYN, seq=dark_int, window=5840)))
    add("fp-mirai-seq-off-by-one", ipv4(ATTACKER, DARK, TCP, tcp(40000, 23, SYN, seq=dark_int + 1)))
    add("fp-zmap", ipv4(ATTACKER, DARK, TCP, tcp(40000, 443, SYN, window=65535), ident=54321, ttl=255))
    add("fp-zmap-with-mss", ipv4(ATTACKER, DARK, TCP, tcp(40000, 443, SYN, window=65535,
                                                             options=struct.pack("!BBH", 2, 4, 1460)),
                                  ident=54321, ttl=255))
    masscan_id = (dark_int ^ 80 ^ 0x01020304) & 0xFFFF
    add("fp-masscan", ipv4(ATTACKER, DARK, TCP, tcp(61000, 80, SYN, window=1024), ident=masscan_id, ttl=255))
    add("fp-masscan-off-by-one", ipv4(ATTACKER, DARK, TCP, tcp(61000, 80, SYN, window=1024),
                                       ident=(masscan_id + 1) & 0xFFFF, ttl=255))
    add("fp-nmap-no-mss", ipv4(ATTACKER, DARK, TCP, tcp(41234, 80, SYN, window=3072)))
    add("fp-ttl255-unknown", ipv4(ATTACKER, DARK, TCP, tcp(40000, 23, SYN, window=5840), ttl=255))
    add("fp-port-zero", ipv4(ATTACKER, DARK, TCP, tcp(0, 23, SYN)))
    add("fp-syn-urg-psh", ipv4(ATTACKER, DARK, TCP, tcp(40000, 23, SYN | PSH | 0x20)))
    for name, src in (("zero", bytes([0, 1, 2, 3])), ("loopback", bytes([127, 0, 0, 1])),
                      ("multicast", bytes([224, 0, 0, 1])), ("broadcast", bytes([255] * 4)), ("self", DARK)):
        add(f"fp-source-{name}", ipv4(src, DARK, TCP, tcp(40000, 23, SYN)))
    cases.append(("null-be-af2", NULL, struct.pack("!I", 2) + p4))
    cases.append(("null-truncated", NULL, b"\x02\x00\x00"))
    cases.append(("ipv4link-empty", IPV4LINK, b""))
    cases.append(("ipv6link-empty", IPV6LINK, b""))
    return cases


# --- frames from the project's own generator


def read_pcap(path):
    """(link type, [(sec, usec, caplen, len, frame)]) from a classic little- or big-endian pcap."""
    data = open(path, "rb").read()
    magic = data[:4]
    endian = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    linktype = struct.unpack(endian + "I", data[20:24])[0]
    packets = []
    offset = 24
    while offset + 16 <= len(data):
        sec, usec, caplen, length = struct.unpack(endian + "IIII", data[offset:offset + 16])
        packets.append((sec, usec, caplen, length, data[offset + 16:offset + 16 + caplen]))
        offset += 16 + caplen
    return linktype, packets


def shape(frame):
    """A coarse signature of a frame, to keep one generated frame per distinct shape."""
    ethertype = frame[12:14]
    rest = frame[14:]
    key = [len(frame), ethertype]
    if ethertype == b"\x08\x00" and len(rest) >= 20:
        ihl = (rest[0] & 15) * 4
        key += [rest[9], rest[6] & 0x3F]
        transport = rest[ihl:]
        if rest[9] == TCP and len(transport) >= 14:
            key.append(transport[13])
        elif rest[9] == ICMP and len(transport) >= 1:
            key.append(transport[0])
    elif ethertype == b"\x86\xdd" and len(rest) >= 41:
        key += [rest[6], rest[40] if rest[6] in (ICMP6, TCP) else 0]
    return tuple(key)


def generated_decoder_cases(demo_pcap):
    linktype, packets = read_pcap(demo_pcap)
    assert linktype == 1, "the generator writes Ethernet captures"
    cases = []
    seen = set()
    for _, _, _, _, frame in packets:
        key = shape(frame)
        if key in seen:
            continue
        seen.add(key)
        cases.append((f"gen-{len(cases):03d}", ETHERNET, frame))
        # The same IP packet under the other link types, where it is an IP packet at all.
        if frame[12:14] in (b"\x08\x00", b"\x86\xdd") and len(cases) % 3 == 1:
            ip = frame[14:]
            for link in natural_links(ip) if ip else []:
                if link != ETHERNET:
                    cases.append((f"gen-{len(cases):03d}-l{link}", link, wrap(link, ip)))
    return cases


# --- capture files for the pcap_file target


def pcap_file(linktype, packets, endian="<", nanosecond=False, snaplen=262144, magic=None, version=(2, 4)):
    if magic is None:
        magic = 0xA1B23C4D if nanosecond else 0xA1B2C3D4
    out = struct.pack(endian + "IHHiIII", magic, version[0], version[1], 0, 0, snaplen, linktype)
    for sec, frac, frame, *wire in packets:
        wire_length = wire[0] if wire else len(frame)
        out += struct.pack(endian + "IIII", sec, frac, len(frame), wire_length) + frame
    return out


def pcapng_option(code, value):
    return struct.pack("<HH", code, len(value)) + value + b"\x00" * (-len(value) % 4)


def pcapng_block(block_type, body, endian="<"):
    body = body + b"\x00" * (-len(body) % 4)
    length = 12 + len(body)
    return struct.pack(endian + "II", block_type, length) + body + struct.pack(endian + "I", length)


def pcapng_shb(endian="<", options=b""):
    return pcapng_block(0x0A0D0D0A, struct.pack(endian + "IHHq", 0x1A2B3C4D, 1, 0, -1) + options, endian)


def pcapng_idb(linktype, snaplen=0, options=b"", endian="<"):
    return pcapng_block(1, struct.pack(endian + "HHI", linktype, 0, snaplen) + options, endian)


def pcapng_epb(interface, ts, frame, wire_length=None, endian="<", options=b"", caplen=None):
    wire_length = len(frame) if wire_length is None else wire_length
    caplen = len(frame) if caplen is None else caplen
    body = struct.pack(endian + "IIIII", interface, ts >> 32, ts & 0xFFFFFFFF, caplen, wire_length)
    body += frame + b"\x00" * (-len(frame) % 4) + options
    return pcapng_block(6, body, endian)


def pcapng_spb(frame, wire_length=None):
    return pcapng_block(3, struct.pack("<I", len(frame) if wire_length is None else wire_length) + frame)


def pcapng_legacy_pb(interface, ts, frame):
    return pcapng_block(2, struct.pack("<HHIIII", interface, 0, ts >> 32, ts & 0xFFFFFFFF, len(frame), len(frame))
                        + frame)


def pcap_file_cases(demo_pcap, bulk_pcap, decoder_cases):
    _, demo = read_pcap(demo_pcap)
    _, bulk = read_pcap(bulk_pcap)
    demo_frames = [(sec, usec, frame) for sec, usec, _, _, frame in demo]
    bulk_frames = [(sec, usec, frame) for sec, usec, _, _, frame in bulk]
    by_name = {name: (link, frame) for name, link, frame in decoder_cases}

    def frames_for(link):
        return [frame for name, (l, frame) in sorted(by_name.items()) if l == link]

    t0 = 1735689600
    cases = {}
    # Classic pcap from the generator: a slice of the demo scenario, and a bulk run.
    cases["demo-head.pcap"] = pcap_file(1, demo_frames[:60])
    cases["demo-backscatter.pcap"] = pcap_file(1, [f for f in demo_frames if shape(f[2])[2:3] in ((ICMP,),)][:30]
                                               + [f for f in demo_frames if shape(f[2])[-1:] == (SYN | ACK,)][:30])
    cases["bulk-100.pcap"] = pcap_file(1, bulk_frames[:100])
    cases["bulk-be.pcap"] = pcap_file(1, bulk_frames[:40], endian=">")
    cases["bulk-nsec.pcap"] = pcap_file(1, [(s, u * 1000, f) for s, u, f in bulk_frames[:40]], nanosecond=True)
    cases["bulk-modified-format.pcap"] = pcap_file(1, bulk_frames[:10], magic=0xA1B2CD34)
    # Every link type we decode, with the crafted frames for it.
    for link, linktype in LINKTYPE.items():
        frames = frames_for(link)
        cases[f"link-{linktype}.pcap"] = pcap_file(linktype, [(t0 + i * 7, i, f) for i, f in enumerate(frames)])
    cases["link-12-dlt-raw.pcap"] = pcap_file(12, [(t0, 0, f) for f in frames_for(RAW)[:5]])
    cases["link-105-unsupported.pcap"] = pcap_file(105, [(t0, 0, b"\x00" * 24)])
    # Odd headers and records.
    eth = frames_for(ETHERNET)[:6]
    cases["snaplen-small.pcap"] = pcap_file(1, [(t0, 0, f) for f in eth], snaplen=40)
    cases["snaplen-zero.pcap"] = pcap_file(1, [(t0, 0, f) for f in eth], snaplen=0)
    cases["caplen-gt-len.pcap"] = pcap_file(1, [(t0, 0, f, 20) for f in eth])
    cases["caplen-huge.pcap"] = pcap_file(1, [(t0, 0, eth[0])])[:24] + struct.pack("<IIII", t0, 0, 0x7FFFFFFF, 60) \
        + eth[0]
    cases["zero-length-packets.pcap"] = pcap_file(1, [(t0, 0, b""), (t0 + 1, 0, b""), (t0 + 2, 0, eth[0])])
    cases["usec-overflow.pcap"] = pcap_file(1, [(t0, 1999999, eth[0]), (0xFFFFFFFF, 0xFFFFFFFF, eth[1])])
    cases["time-backwards.pcap"] = pcap_file(1, [(t0 + 600, 0, eth[0]), (t0, 0, eth[1]), (t0 + 3600, 0, eth[2]),
                                                 (1, 0, eth[3])])
    cases["version-2-2.pcap"] = pcap_file(1, [(t0, 0, eth[0])], version=(2, 2))
    cases["version-bad.pcap"] = pcap_file(1, [(t0, 0, eth[0])], version=(3, 0))
    cases["header-only.pcap"] = pcap_file(1, [])
    whole = cases["bulk-100.pcap"]
    cases["truncated-header.pcap"] = whole[:20]
    cases["truncated-record-header.pcap"] = whole[:24 + 10]
    cases["truncated-mid-packet.pcap"] = whole[:24 + 16 + 30]
    cases["truncated-late.pcap"] = whole[: len(whole) * 2 // 3]
    cases["not-a-capture.txt"] = b"this is not a capture file\n"
    cases["one-byte"] = b"\xd4"

    # pcapng.
    t_us = t0 * 1_000_000
    ng = pcapng_shb() + pcapng_idb(1, 65535)
    ng += b"".join(pcapng_epb(0, t_us + i * 1_000_000, f) for i, (_, _, f) in enumerate(demo_frames[:40]))
    cases["demo.pcapng"] = ng
    shb_opts = pcapng_option(2, b"x86_64") + pcapng_option(3, b"Linux") + pcapng_option(4, b"make_seeds.py") + \
        pcapng_option(0, b"")
    idb_opts = pcapng_option(2, b"eth0") + pcapng_option(9, b"\x09") + pcapng_option(14, struct.pack("<Q", 0)) + \
        pcapng_option(0, b"")
    ng = pcapng_shb(options=shb_opts) + pcapng_idb(1, 256, idb_opts)
    ng += b"".join(pcapng_epb(0, t0 * 10**9 + i * 10**8, f, options=pcapng_option(1, b"c") + pcapng_option(0, b""))
                   for i, f in enumerate(eth))
    cases["tsresol-nsec-options.pcapng"] = ng
    ng = pcapng_shb() + pcapng_idb(1, 0, pcapng_option(9, b"\x8a") + pcapng_option(0, b""))  # 2^-10 s
    ng += b"".join(pcapng_epb(0, t0 * 1024 + i, f) for i, f in enumerate(eth))
    cases["tsresol-pow2.pcapng"] = ng
    ng = pcapng_shb() + pcapng_idb(1, 0, pcapng_option(9, b"\x13") + pcapng_option(0, b""))  # 10^-19 s
    ng += pcapng_epb(0, 0xFFFFFFFFFFFFFFFF, eth[0])
    cases["tsresol-extreme.pcapng"] = ng
    ng = pcapng_shb() + pcapng_idb(1, 0)
    ng += pcapng_epb(0, 0xFFFFFFFFFFFFFFFF, eth[0]) + pcapng_epb(0, 0x8000000000000000, eth[1])
    cases["timestamp-max.pcapng"] = ng
    ng = pcapng_shb(">") + pcapng_idb(1, 0, endian=">")
    ng += b"".join(pcapng_epb(0, t_us + i, f, endian=">") for i, f in enumerate(eth))
    cases["big-endian.pcapng"] = ng
    ng = pcapng_shb() + pcapng_idb(1, 0) + pcapng_idb(1, 0) + pcapng_idb(101, 0)
    ng += pcapng_epb(0, t_us, eth[0]) + pcapng_epb(1, t_us + 1, eth[1]) + pcapng_epb(2, t_us + 2, frames_for(RAW)[0])
    ng += pcapng_epb(7, t_us + 3, eth[2])  # no such interface
    cases["interfaces-mixed.pcapng"] = ng
    ng = pcapng_shb() + pcapng_idb(1, 128) + b"".join(pcapng_spb(f) for f in eth) + pcapng_spb(eth[0], 1500)
    cases["simple-packets.pcapng"] = ng
    ng = pcapng_shb() + pcapng_idb(1, 0) + b"".join(pcapng_legacy_pb(0, t_us + i, f) for i, f in enumerate(eth))
    cases["legacy-packet-blocks.pcapng"] = ng
    nrb = pcapng_block(4, struct.pack("<HH", 1, 14) + DARK + b"dark.test\x00" + b"\x00\x00" + struct.pack("<HH", 0, 0))
    isb = pcapng_block(5, struct.pack("<III", 0, t_us >> 32, t_us & 0xFFFFFFFF) + pcapng_option(4, struct.pack(
        "<Q", 3)) + pcapng_option(0, b""))
    custom = pcapng_block(0x00000BAD, struct.pack("<I", 32473) + b"kansoku")
    dsb = pcapng_block(0x0000000A, struct.pack("<II", 0x544C534B, 4) + b"keys")
    ng = pcapng_shb() + pcapng_idb(1, 0) + nrb + pcapng_epb(0, t_us, eth[0]) + isb + custom + dsb + \
        pcapng_epb(0, t_us + 1, eth[1])
    cases["odd-blocks.pcapng"] = ng
    ng = pcapng_shb() + pcapng_idb(1, 0) + pcapng_epb(0, t_us, eth[0]) + pcapng_shb() + pcapng_idb(113, 0) + \
        pcapng_epb(0, t_us + 1, frames_for(SLL)[0])
    cases["two-sections.pcapng"] = ng
    for link, linktype in LINKTYPE.items():
        if link == ETHERNET:
            continue
        frames = frames_for(link)[:6]
        cases[f"link-{linktype}.pcapng"] = pcapng_shb() + pcapng_idb(linktype, 0) + b"".join(
            pcapng_epb(0, t_us + i, f) for i, f in enumerate(frames))
    cases["epb-caplen-past-block.pcapng"] = pcapng_shb() + pcapng_idb(1, 0) + pcapng_epb(0, t_us, eth[0], caplen=255)
    cases["block-length-odd.pcapng"] = pcapng_shb() + struct.pack("<II", 1, 21) + b"\x01\x00\x00\x00" * 3
    cases["block-length-huge.pcapng"] = pcapng_shb() + pcapng_idb(1, 0) + struct.pack("<II", 6, 0x7FFFFFF0) + \
        bytes(28)
    cases["epb-before-idb.pcapng"] = pcapng_shb() + pcapng_epb(0, t_us, eth[0])
    whole = cases["demo.pcapng"]
    cases["truncated-shb.pcapng"] = whole[:20]
    cases["truncated-idb.pcapng"] = whole[:28 + 10]
    cases["truncated-mid-block.pcapng"] = whole[: len(whole) // 2 + 3]
    return cases


def dns_query(qid, name_wire, qtype=1, flags=0x0100, qdcount=1, tail=b""):
    return struct.pack("!HHHHHH", qid, flags, qdcount, 0, 0, 0) + name_wire + struct.pack("!HH", qtype, 1) + tail


def dns_name(*labels):
    return b"".join(bytes([len(label)]) + label for label in labels) + b"\x00"


def dns_message_cases():
    """Seeds for the fake resolver's parser (sandbox/fakenet/dns_message.h)."""
    c2 = dns_name(b"c2", b"example", b"com")
    cases = {
        "a_query": dns_query(0x1234, c2),
        "aaaa_query": dns_query(0x1235, c2, qtype=28),
        "txt_query": dns_query(0x1236, dns_name(b"cmd", b"example", b"net"), qtype=16),
        "root_name": dns_query(1, b"\x00"),
        "upper_and_odd_bytes": dns_query(2, dns_name(b"MiXeD", b"a.b", b"\x00\xff ", b"_srv-x")),
        "edns_opt": dns_query(3, c2, tail=bytes([0, 0, 41, 0x10, 0, 0, 0, 0, 0, 0, 0])),
        # A second question whose name points back at the first (RFC 1035 4.1.4).
        "two_questions_pointer": dns_query(4, c2, qdcount=2) + b"\xc0\x0c" + struct.pack("!HH", 28, 1),
        # The first name itself is a pointer into the header: backwards, so followed.
        "pointer_into_header": struct.pack("!HHHHHH", 0x0300, 0x0100, 1, 0, 0, 0) + b"\xc0\x00"
                               + struct.pack("!HH", 1, 1),
        "pointer_forward": dns_query(5, b"\xc0\x20"),
        "pointer_to_self": dns_query(6, b"\xc0\x0c"),
        "label_type_01": dns_query(7, b"\x41abc\x00"),
        "name_too_long": dns_query(8, dns_name(*([b"a" * 63] * 5))),
        "response_not_query": dns_query(9, c2, flags=0x8180),
        "no_question": dns_query(10, b"", qdcount=0)[:12],
        "truncated_header": dns_query(11, c2)[:7],
        "truncated_label": dns_query(12, c2)[:17],
        "truncated_type": dns_query(13, c2)[:-3],
    }
    return cases


def ip_packet_cases():
    """Seeds for the fake network's IP parser (sandbox/fakenet/ip_packet.h): raw packets, no link header."""
    sample = bytes([10, 0, 0, 2])
    sample6 = bytes.fromhex("fd000000000000000000000000000002")
    syn = tcp(40000, 80, SYN, options=b"\x02\x04\x05\xb4")
    query = dns_query(0x4242, dns_name(b"c2", b"example", b"com"))
    cases = {
        "tcp_syn": ipv4(sample, DARK, TCP, syn),
        "tcp_data": ipv4(sample, DARK, TCP, tcp(40000, 80, PSH | ACK, payload=b"GET / HTTP/1.0\r\n\r\n")),
        "udp_dns": ipv4(sample, DARK, UDP, udp(5353, 53, query)),
        "icmp_echo": ipv4(sample, DARK, ICMP, icmp(8, 0, b"ping")),
        "ipv4_options": ipv4(sample, DARK, TCP, syn, ihl=7, options=b"\x01\x01\x01\x00"),
        "ipv4_fragment": ipv4(sample, DARK, UDP, udp(1, 2, b"x" * 16), frag=0x2000),
        "ipv4_padded": ipv4(sample, DARK, UDP, udp(1, 53, query)) + b"\x00" * 10,
        "ipv4_ihl_4": ipv4(sample, DARK, TCP, syn, ihl=4),
        "ipv4_total_short": ipv4(sample, DARK, TCP, syn, total_length=12),
        "ipv4_total_long": ipv4(sample, DARK, TCP, syn, total_length=1500),
        "ipv4_short_transport": ipv4(sample, DARK, TCP, b"\x01\x02\x03"),
        "tcp6_syn": ipv6(sample6, ATTACKER6, TCP, syn),
        "udp6_dns": ipv6(sample6, ATTACKER6, UDP, udp(5353, 53, query)),
        "icmp6_echo": ipv6(sample6, ATTACKER6, ICMP6, icmp(128, 0, b"ping")),
        "ipv6_ext_chain": ipv6(sample6, ATTACKER6, 0, ext(60) + ext(43) + ext(TCP) + syn),
        "ipv6_fragment": ipv6(sample6, ATTACKER6, 44, frag_ext(UDP, offset=0, more=True) + udp(1, 2, b"y" * 8)),
        "ipv6_too_many_ext": ipv6(sample6, ATTACKER6, 60, b"".join(ext(60) for _ in range(9)) + ext(TCP)),
        "ipv6_ext_cut": ipv6(sample6, ATTACKER6, 0, ext(TCP, 4)[:12]),
        "ipv6_payload_long": ipv6(sample6, ATTACKER6, TCP, syn, payload_length=4000),
        "ipv6_truncated": ipv6(sample6, ATTACKER6, TCP, syn)[:30],
        "bad_version": bytes([0x55]) + ipv4(sample, DARK, TCP, syn)[1:],
        "empty": b"",
    }
    return cases


def ssdeep_boundary(window):
    """ssdeep's rolling hash + 1 after the 7 bytes of `window` (ssdeep_hasher.h)."""
    h1 = h2 = h3 = 0
    for c in window:
        h2 = (h2 - h1 + 7 * c) & 0xFFFFFFFF
        h1 = (h1 + c) & 0xFFFFFFFF
        h3 = ((h3 << 5) ^ c) & 0xFFFFFFFF
    return (h1 + h2 + h3 + 1) & 0xFFFFFFFF


def fuzzy_hash_cases(rng):
    cases = {
        "random_4k": bytes(rng.randrange(256) for _ in range(4096)),
        "tlsh_minimum_50": bytes((i * 31 + 7) % 251 for i in range(50)),
        "text_20k": bytes(rng.choice(b"abcdefgh  \n\t:/") for _ in range(20000)),
        "uniform_1k": b"a" * 1024,
    }
    while True:
        window = bytes(rng.randrange(256) for _ in range(7))
        boundary = ssdeep_boundary(window)
        if boundary and boundary % (3 << 14) == 0:
            break
    deep = bytearray(300000)
    for at in (100, 50000, 200000):
        deep[at:at + 7] = window
    cases["deep_boundaries_in_zeros"] = bytes(deep)
    return cases


def asn_csv_cases():
    """Small CSVs in the layout of @ip-location-db/asn (first,last,asn,name; RFC 4180 quoting)."""
    v4 = (b'1.0.0.0,1.0.0.255,13335,"Cloudflare, Inc."\n'
          b"1.0.4.0,1.0.7.255,38803,Gtelecom Pty Ltd\n"
          b'2.26.200.0,2.26.215.255,201907,"LLC ""SPUTNIK"""\n'
          b"8.8.8.0,8.8.8.255,15169,Google LLC\r\n"
          b"45.70.144.0,45.70.147.255,267568,R. C. F. \xc2\xad TELECOM LTDA\n")
    v6 = (b"2001::,2001::ffff:ffff:ffff:ffff:ffff:ffff,6939,Hurricane Electric LLC\n"
          b"2001:4860::,2001:4860:ffff:ffff:ffff:ffff:ffff:ffff,15169,Google LLC\n"
          b"2c0f:fff0::,2c0f:fff0:ffff:ffff:ffff:ffff:ffff:ffff,37125,Layer3 Limited\n")
    cases = {
        "v4-published-layout": b"\x00" + v4,
        "v6-published-layout": b"\x01" + v6,
        "v4-overlap": b"\x00214.95.0.0,215.0.255.255,749,DoD\n215.0.0.0,215.1.3.255,721,DoD NIC\n",
        "v4-nested": b"\x000.0.0.0,255.255.255.255,1,A\n10.0.0.0,10.255.255.255,2,B\n10.1.0.0,10.1.0.255,3,C\n"
                     b"10.1.0.128,10.2.0.0,4,D\n",
        "v4-same-start": b"\x001.2.3.0,1.2.3.255,1,A\n1.2.3.0,1.2.3.15,2,B\n",
        "v6-whole-space": b"\x01::,ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff,1,All\n",
        "v4-truncated": b"\x00" + v4[:-9],
        "v4-unsorted": b"\x001.0.1.0,1.0.1.1,1,A\n1.0.0.0,1.0.0.1,2,B\n",
        "v4-bad-utf8": b"\x001.0.0.0,1.0.0.1,1,bad \xc3\x28\n",
        "v4-wrong-family": b"\x002001::,2001::1,1,A\n",
        "v4-bad-asn": b"\x001.0.0.0,1.0.0.1,4294967296,A\n",
        "v4-end-before-start": b"\x001.0.0.9,1.0.0.1,1,A\n",
    }
    return cases


def find_kansoku(explicit):
    if explicit:
        return explicit
    if os.environ.get("KANSOKU_BIN"):
        return os.environ["KANSOKU_BIN"]
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    for candidate in ("build/kansoku", "build-release/kansoku", "build-asan/kansoku"):
        path = os.path.join(root, candidate)
        if os.access(path, os.X_OK):
            return path
    return shutil.which("kansoku")


def write_dir(directory, files):
    os.makedirs(directory, exist_ok=True)
    for name, content in files.items():
        with open(os.path.join(directory, name), "wb") as f:
            f.write(content)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kansoku", help="the kansoku binary (default: build/kansoku, $KANSOKU_BIN, PATH)")
    parser.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus"))
    args = parser.parse_args()
    kansoku = find_kansoku(args.kansoku)
    if not kansoku:
        sys.exit("make_seeds.py: no kansoku binary: build it first or pass --kansoku")

    with tempfile.TemporaryDirectory() as tmp:
        demo = os.path.join(tmp, "demo.pcap")
        bulk = os.path.join(tmp, "bulk.pcap")
        for command in ([kansoku, "darknet", "generate", "-o", demo, "--seed", "1"],
                        [kansoku, "darknet", "generate", "-o", bulk, "--profile", "bulk", "--packets", "200",
                         "--sources", "20", "--duration", "120", "--seed", "7"]):
            run = subprocess.run(command, capture_output=True, text=True)
            if run.returncode != 0:
                sys.exit(f"make_seeds.py: {' '.join(command)} failed:\n{run.stderr}")
        crafted = crafted_decoder_cases()
        generated = generated_decoder_cases(demo)
        decoder = {f"{name}.bin": bytes([link | (8 if "icmp" in name else 0)]) + frame
                   for name, link, frame in crafted + generated}
        assert len(decoder) == len(crafted) + len(generated), "seed names must be unique"
        pcaps = pcap_file_cases(demo, bulk, crafted)

    write_dir(os.path.join(args.out, "decoder"), decoder)
    write_dir(os.path.join(args.out, "pcap_file"), pcaps)
    fuzzy = fuzzy_hash_cases(random.Random(1))
    for name in ("x86_64_static_stripped", "arm_static", "mips_static_stripped"):
        with open(os.path.join(args.out, "elf", name), "rb") as f:
            fuzzy[name] = f.read()
    write_dir(os.path.join(args.out, "fuzzy_hash"), fuzzy)
    write_dir(os.path.join(args.out, "ip_packet"), ip_packet_cases())
    write_dir(os.path.join(args.out, "dns_message"), dns_message_cases())
    write_dir(os.path.join(args.out, "asn_csv"), asn_csv_cases())
    total = sum(len(v) for v in decoder.values()) + sum(len(v) for v in pcaps.values())
    print(f"wrote {len(decoder)} decoder seeds and {len(pcaps)} capture files ({total} bytes) under {args.out}")


if __name__ == "__main__":
    main()
