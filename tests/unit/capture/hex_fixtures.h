#pragma once

// Hex fixtures for the decoder tests. Each was generated with Debian's python3-scapy 2.5
// (`bytes(<expression>).hex()`); the expression is in the comment above it. IP-layer packets are
// kept without a link header so each link type's tests can put its own header in front.

#include <string_view>

namespace kansoku::capture::testing {

/// Ethernet II header: dst 02:00:00:00:00:01, src 02:00:00:00:00:02, EtherType IPv4.
inline constexpr std::string_view kEthIpv4 = "02 00 00 00 00 01 02 00 00 00 00 02 08 00";
/// The same with EtherType IPv6.
inline constexpr std::string_view kEthIpv6 = "02 00 00 00 00 01 02 00 00 00 00 02 86 dd";
/// Ethernet addresses only, for frames that add their own EtherType and tags.
inline constexpr std::string_view kEthMacs = "02 00 00 00 00 01 02 00 00 00 00 02";

/// IP(src="198.51.100.7", dst="203.0.113.10", ttl=243, id=0xbeef) / TCP(sport=54321, dport=23, seq=0xcb00710a,
/// flags="S", window=14600, options=[("MSS", 1460)]) (44 bytes)
inline constexpr std::string_view kIpv4TcpSynMss = "45 00 00 2c be ef 00 00 f3 06 a2 96 c6 33 64 07 "
                                                   "cb 00 71 0a d4 31 00 17 cb 00 71 0a 00 00 00 00 "
                                                   "60 02 39 08 e8 84 00 00 02 04 05 b4";

/// IP(src="198.51.100.8", dst="203.0.113.20", ttl=50, id=0x1234) / UDP(sport=40000, dport=53) / b"\x12\x34abcd" (34
/// bytes)
inline constexpr std::string_view kIpv4Udp = "45 00 00 22 12 34 00 00 32 11 10 47 c6 33 64 08 "
                                             "cb 00 71 14 9c 40 00 35 00 0e 26 11 12 34 61 62 "
                                             "63 64";

/// IP(src="198.51.100.9", dst="203.0.113.30", ttl=64, id=7) / ICMP(type=8, id=0x42, seq=1) / b"ping" (32 bytes)
inline constexpr std::string_view kIpv4IcmpEcho = "45 00 00 20 00 07 00 00 40 01 14 7b c6 33 64 09 "
                                                  "cb 00 71 1e 08 00 18 ec 00 42 00 01 70 69 6e 67";

/// IP(src="192.0.2.5", dst="203.0.113.40", ttl=60, id=0x0101) / ICMP(type=3, code=3) / IP(src="203.0.113.40",
/// dst="192.0.2.5", ttl=51, id=0x0202) / TCP(sport=80, dport=44444, flags="SA", seq=1, ack=2, window=8192,
/// options=[("MSS", 1400)]) (72 bytes)
inline constexpr std::string_view kIpv4IcmpUnreachTcp = "45 00 00 48 01 01 00 00 3c 01 7f 86 c0 00 02 05 "
                                                        "cb 00 71 28 03 03 fb 49 00 00 00 00 45 00 00 2c "
                                                        "02 02 00 00 33 06 87 9c cb 00 71 28 c0 00 02 05 "
                                                        "00 50 ad 9c 00 00 00 01 00 00 00 02 60 12 20 00 "
                                                        "cc 34 00 00 02 04 05 78";

/// IP(src="192.0.2.6", dst="203.0.113.41", ttl=250) / ICMP(type=11, code=0) / IP(src="203.0.113.41", dst="192.0.2.99",
/// ttl=1) / UDP(sport=33434, dport=33435) / b"xxxx" (60 bytes)
inline constexpr std::string_view kIpv4IcmpTtlUdp = "45 00 00 3c 00 01 00 00 fa 01 c2 8f c0 00 02 06 "
                                                    "cb 00 71 29 0b 00 f3 aa 00 00 00 00 45 00 00 20 "
                                                    "00 01 00 00 01 11 bb 3f cb 00 71 29 c0 00 02 63 "
                                                    "82 9a 82 9b 00 0c 0b 22 78 78 78 78";

/// IP(src="192.0.2.7", dst="203.0.113.42") / ICMP(type=3, code=1) / IP(src="203.0.113.42", dst="192.0.2.77") /
/// ICMP(type=8, id=5, seq=6) (56 bytes)
inline constexpr std::string_view kIpv4IcmpUnreachIcmp = "45 00 00 38 00 01 00 00 40 01 7c 92 c0 00 02 07 "
                                                         "cb 00 71 2a 03 01 fc fe 00 00 00 00 45 00 00 1c "
                                                         "00 01 00 00 40 01 7c 68 cb 00 71 2a c0 00 02 4d "
                                                         "08 00 f7 f4 00 05 00 06";

/// IP(src="198.51.100.11", dst="203.0.113.11", id=0x7777, frag=100, proto=6) / (b"\0" * 24) (44 bytes)
inline constexpr std::string_view kIpv4FragLater = "45 00 00 2c 77 77 00 64 40 06 9c a6 c6 33 64 0b "
                                                   "cb 00 71 0b 00 00 00 00 00 00 00 00 00 00 00 00 "
                                                   "00 00 00 00 00 00 00 00 00 00 00 00";

/// IP(src="198.51.100.12", dst="203.0.113.12", id=0x7778, flags="MF") / TCP(sport=1, dport=2, flags="S") (40 bytes)
inline constexpr std::string_view kIpv4FragFirst = "45 00 00 28 77 78 20 00 40 06 7d 0b c6 33 64 0c "
                                                   "cb 00 71 0c 00 01 00 02 00 00 00 00 00 00 00 00 "
                                                   "50 02 20 00 29 93 00 00";

/// IP(src="198.51.100.13", dst="203.0.113.13", options=[IPOption_RR(routers=["0.0.0.0"])]) / TCP(sport=3, dport=4,
/// flags="S"): IHL 7 (48 bytes)
inline constexpr std::string_view kIpv4OptionsTcp = "47 00 00 30 00 01 00 00 40 06 07 72 c6 33 64 0d "
                                                    "cb 00 71 0d 07 07 04 00 00 00 00 00 00 03 00 04 "
                                                    "00 00 00 00 00 00 00 00 50 02 20 00 29 8d 00 00";

/// IPv6(src="2001:db8::1", dst="2001:db8:ffff::2", hlim=57) / TCP(sport=443, dport=51000, flags="RA", seq=0x01020304,
/// ack=0x0a0b0c0d, window=0) (60 bytes)
inline constexpr std::string_view kIpv6TcpRstAck = "60 00 00 00 00 14 06 39 20 01 0d b8 00 00 00 00 "
                                                   "00 00 00 00 00 00 00 01 20 01 0d b8 ff ff 00 00 "
                                                   "00 00 00 00 00 00 00 02 01 bb c7 38 01 02 03 04 "
                                                   "0a 0b 0c 0d 50 14 00 00 71 4a 00 00";

/// IPv6(src="2001:db8::10", dst="2001:db8::20") / IPv6ExtHdrHopByHop() / IPv6ExtHdrRouting() / IPv6ExtHdrDestOpt() /
/// UDP(sport=5000, dport=5001) (72 bytes)
inline constexpr std::string_view kIpv6ExtChainUdp = "60 00 00 00 00 20 00 40 20 01 0d b8 00 00 00 00 "
                                                     "00 00 00 00 00 00 00 10 20 01 0d b8 00 00 00 00 "
                                                     "00 00 00 00 00 00 00 20 2b 00 01 04 00 00 00 00 "
                                                     "3c 00 00 00 00 00 00 00 11 00 01 04 00 00 00 00 "
                                                     "13 88 13 89 00 08 7d 2b";

/// IPv6(src="2001:db8::30", dst="2001:db8::40") / IPv6ExtHdrFragment(offset=0, m=1, id=0xabcd) / UDP(sport=6000,
/// dport=6001) / b"12345678" (64 bytes)
inline constexpr std::string_view kIpv6Frag0Udp = "60 00 00 00 00 18 2c 40 20 01 0d b8 00 00 00 00 "
                                                  "00 00 00 00 00 00 00 30 20 01 0d b8 00 00 00 00 "
                                                  "00 00 00 00 00 00 00 40 11 00 00 01 00 00 ab cd "
                                                  "17 70 17 71 00 10 a4 36 31 32 33 34 35 36 37 38";

/// IPv6(src="2001:db8::30", dst="2001:db8::40") / IPv6ExtHdrFragment(offset=2, id=0xabcd, nh=17) / b"abcdefgh" (56
/// bytes)
inline constexpr std::string_view kIpv6FragLater = "60 00 00 00 00 10 2c 40 20 01 0d b8 00 00 00 00 "
                                                   "00 00 00 00 00 00 00 30 20 01 0d b8 00 00 00 00 "
                                                   "00 00 00 00 00 00 00 40 11 00 00 10 00 00 ab cd "
                                                   "61 62 63 64 65 66 67 68";

/// IPv6(src="2001:db8::50", dst="2001:db8::60", hlim=64) / ICMPv6EchoRequest(id=1, seq=2) (48 bytes)
inline constexpr std::string_view kIpv6Icmpv6Echo = "60 00 00 00 00 08 3a 40 20 01 0d b8 00 00 00 00 "
                                                    "00 00 00 00 00 00 00 50 20 01 0d b8 00 00 00 00 "
                                                    "00 00 00 00 00 00 00 60 80 00 23 98 00 01 00 02";

/// IPv6(src="2001:db8::70", dst="2001:db8::80") / ICMPv6DestUnreach(code=4) / IPv6(src="2001:db8::80",
/// dst="2001:db8::99") / UDP(sport=12345, dport=53) (96 bytes)
inline constexpr std::string_view kIpv6Icmpv6UnreachUdp = "60 00 00 00 00 38 3a 40 20 01 0d b8 00 00 00 00 "
                                                          "00 00 00 00 00 00 00 70 20 01 0d b8 00 00 00 00 "
                                                          "00 00 00 00 00 00 00 80 01 04 30 f8 00 00 00 00 "
                                                          "60 00 00 00 00 08 11 40 20 01 0d b8 00 00 00 00 "
                                                          "00 00 00 00 00 00 00 80 20 01 0d b8 00 00 00 00 "
                                                          "00 00 00 00 00 00 00 99 30 39 00 35 00 08 72 e5";

/// IPv6(src="2001:db8::71", dst="2001:db8::81") / ICMPv6PacketTooBig(mtu=1280) / IPv6(src="2001:db8::81",
/// dst="2001:db8::98") / TCP(sport=2222, dport=443, flags="S") (108 bytes)
inline constexpr std::string_view kIpv6Icmpv6TooBigTcp = "60 00 00 00 00 44 3a 40 20 01 0d b8 00 00 00 00 "
                                                         "00 00 00 00 00 00 00 71 20 01 0d b8 00 00 00 00 "
                                                         "00 00 00 00 00 00 00 81 02 00 35 e3 00 00 05 00 "
                                                         "60 00 00 00 00 14 06 40 20 01 0d b8 00 00 00 00 "
                                                         "00 00 00 00 00 00 00 81 20 01 0d b8 00 00 00 00 "
                                                         "00 00 00 00 00 00 00 98 08 ae 01 bb 00 00 00 00 "
                                                         "00 00 00 00 50 02 20 00 28 ef 00 00";

/// Ether(dst="02:00:00:00:00:01", src="02:00:00:00:00:02") / ARP(psrc="192.0.2.1", pdst="192.0.2.2") (42 bytes)
inline constexpr std::string_view kEthArp = "02 00 00 00 00 01 02 00 00 00 00 02 08 06 00 01 "
                                            "08 00 06 04 00 01 00 00 00 00 00 00 c0 00 02 01 "
                                            "00 00 00 00 00 00 c0 00 02 02";

} // namespace kansoku::capture::testing
