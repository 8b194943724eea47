// TCP (RFC 9293), UDP (RFC 768), ICMP (RFC 792) and ICMPv6 (RFC 4443) decoding, including the
// packet quoted by an ICMP error.

#include <gtest/gtest.h>

#include "capture/packet_decoder.h"
#include "capture_test_support.h"
#include "hex_fixtures.h"

namespace kansoku::capture {
namespace {

using testing::Bytes;
using testing::concat;
using testing::decodeWith;
using testing::fromHex;
using testing::ip;
using testing::set16;

/// An IPv4 header 198.51.100.1 -> 203.0.113.1 carrying `transport`; total length from its size
/// unless given.
Bytes ipv4Packet(uint8_t protocol, const Bytes& transport, int total_length = -1) {
    Bytes packet = fromHex("45 00 00 00 00 01 00 00 40 00 00 00 c6 33 64 01 cb 00 71 01");
    set16(packet, 2, static_cast<uint16_t>(total_length < 0 ? 20 + transport.size() : total_length));
    packet[9] = protocol;
    packet.insert(packet.end(), transport.begin(), transport.end());
    return packet;
}

/// A TCP header 1234 -> 80 with the given data offset (in 32-bit words), flags and options
/// (padded with zero bytes to the data offset).
Bytes tcpHeader(int data_offset, uint8_t flags, const Bytes& options = {}) {
    Bytes header = fromHex("04 d2 00 50 11 22 33 44 55 66 77 88 00 00 ff ff 00 00 00 00");
    header[12] = static_cast<uint8_t>(data_offset << 4);
    header[13] = flags;
    header.insert(header.end(), options.begin(), options.end());
    if (data_offset >= 5) {
        header.resize(std::max(header.size(), static_cast<size_t>(data_offset) * 4), 0);
    }
    return header;
}

DecodeAnomaly decodeTcp(const Bytes& tcp, DecodedPacket& p) {
    return decodeWith(LinkType::Ipv4, ipv4Packet(ip_proto::kTcp, tcp), p);
}

// ---- TCP -------------------------------------------------------------------------------------

TEST(TcpTest, FieldsFromFixture) {
    DecodedPacket p;
    ASSERT_EQ(decodeWith(LinkType::Ipv4, fromHex(testing::kIpv4TcpSynMss), p), DecodeAnomaly::None);
    EXPECT_TRUE(p.isTcp());
    EXPECT_EQ(p.src_port, 54321);
    EXPECT_EQ(p.dst_port, 23);
    EXPECT_EQ(p.seq, 0xcb00710aU);
    EXPECT_EQ(p.ack, 0U);
    EXPECT_EQ(p.tcp_flags, tcp_flag::kSyn);
    EXPECT_EQ(p.window, 14600);
    EXPECT_EQ(p.mss, 1460);
    EXPECT_EQ(p.tcp_options_length, 4);
    EXPECT_EQ(p.tcp_option_count, 1);

    ASSERT_EQ(decodeWith(LinkType::Ipv6, fromHex(testing::kIpv6TcpRstAck), p), DecodeAnomaly::None);
    EXPECT_EQ(p.seq, 0x01020304U);
    EXPECT_EQ(p.ack, 0x0a0b0c0dU);
    EXPECT_EQ(p.tcp_flags, tcp_flag::kRst | tcp_flag::kAck);
    EXPECT_EQ(p.window, 0);
    EXPECT_EQ(p.mss, 0);
    EXPECT_EQ(p.tcp_options_length, 0);
    EXPECT_EQ(p.tcp_option_count, 0);
}

TEST(TcpTest, SeqAckWindowAreBigEndian) {
    DecodedPacket p;
    ASSERT_EQ(decodeTcp(tcpHeader(5, tcp_flag::kAck), p), DecodeAnomaly::None);
    EXPECT_EQ(p.src_port, 1234);
    EXPECT_EQ(p.dst_port, 80);
    EXPECT_EQ(p.seq, 0x11223344U);
    EXPECT_EQ(p.ack, 0x55667788U);
    EXPECT_EQ(p.window, 0xffff);
}

TEST(TcpTest, EveryFlagBit) {
    for (int bit = 0; bit < 8; ++bit) {
        const auto flags = static_cast<uint8_t>(1U << bit);
        DecodedPacket p;
        ASSERT_EQ(decodeTcp(tcpHeader(5, flags), p), DecodeAnomaly::None);
        EXPECT_EQ(p.tcp_flags, flags) << bit;
    }
    const uint8_t xmas = tcp_flag::kFin | tcp_flag::kPsh | tcp_flag::kUrg;
    const uint8_t all = 0xff;
    for (uint8_t flags : {uint8_t{0}, xmas, all, uint8_t(tcp_flag::kSyn | tcp_flag::kEce | tcp_flag::kCwr)}) {
        DecodedPacket p;
        ASSERT_EQ(decodeTcp(tcpHeader(5, flags), p), DecodeAnomaly::None);
        EXPECT_EQ(p.tcp_flags, flags);
    }
    // The reserved bits in byte 12 are not flags.
    Bytes header = tcpHeader(5, tcp_flag::kSyn);
    header[12] |= 0x0f;
    DecodedPacket p;
    ASSERT_EQ(decodeTcp(header, p), DecodeAnomaly::None);
    EXPECT_EQ(p.tcp_flags, tcp_flag::kSyn);
}

TEST(TcpTest, LinuxSynOptions) {
    // MSS 1460, SACK permitted, timestamps, NOP, window scale 7: the usual Linux SYN.
    const Bytes options = fromHex("02 04 05 b4 04 02 08 0a 00 00 00 01 00 00 00 00 01 03 03 07");
    DecodedPacket p;
    ASSERT_EQ(decodeTcp(tcpHeader(10, tcp_flag::kSyn, options), p), DecodeAnomaly::None);
    EXPECT_EQ(p.mss, 1460);
    EXPECT_EQ(p.tcp_options_length, 20);
    EXPECT_EQ(p.tcp_option_count, 4);
}

TEST(TcpTest, NopsAreSkippedAndNotCounted) {
    const Bytes options = fromHex("01 01 01 02 04 05 78 01 01 01 01 01");
    DecodedPacket p;
    ASSERT_EQ(decodeTcp(tcpHeader(8, tcp_flag::kSyn, options), p), DecodeAnomaly::None);
    EXPECT_EQ(p.mss, 1400);
    EXPECT_EQ(p.tcp_options_length, 12);
    EXPECT_EQ(p.tcp_option_count, 1);

    const Bytes only_nops(40, 0x01);
    ASSERT_EQ(decodeTcp(tcpHeader(15, tcp_flag::kSyn, only_nops), p), DecodeAnomaly::None);
    EXPECT_EQ(p.tcp_options_length, 40);
    EXPECT_EQ(p.tcp_option_count, 0);
    EXPECT_EQ(p.mss, 0);
}

TEST(TcpTest, EndOfOptionListStopsParsing) {
    DecodedPacket p;
    ASSERT_EQ(decodeTcp(tcpHeader(7, tcp_flag::kSyn, fromHex("00 02 04 05 b4 00 00 00")), p), DecodeAnomaly::None);
    EXPECT_EQ(p.mss, 0);
    EXPECT_EQ(p.tcp_option_count, 0);
    EXPECT_EQ(p.tcp_options_length, 8);

    ASSERT_EQ(decodeTcp(tcpHeader(8, tcp_flag::kSyn, fromHex("02 04 05 b4 00 03 03 07 02 04 01 00")), p),
              DecodeAnomaly::None);
    EXPECT_EQ(p.mss, 1460);
    EXPECT_EQ(p.tcp_option_count, 1);
}

TEST(TcpTest, MssWithWrongLengthIsCountedButNotRead) {
    DecodedPacket p;
    ASSERT_EQ(decodeTcp(tcpHeader(7, tcp_flag::kSyn, fromHex("02 06 05 b4 00 00 01 00")), p), DecodeAnomaly::None);
    EXPECT_EQ(p.mss, 0);
    EXPECT_EQ(p.tcp_option_count, 1);
}

TEST(TcpTest, MalformedOptionLengthsStopQuietly) {
    struct Case {
        const char* name;
        const char* options;
        uint8_t count;
        uint16_t mss;
    };
    const Case cases[] = {
        {"length 0", "03 00 02 04 05 b4 00 00", 0, 0},
        {"length 1", "08 01 02 04 05 b4 00 00", 0, 0},
        {"length 0 after MSS", "02 04 05 b4 03 00 01 01", 1, 1460},
        {"length 1 after MSS", "02 04 05 b4 04 01 01 01", 1, 1460},
        {"runs past the header", "02 04 05 b4 08 0a 00 00", 1, 1460},
        {"MSS runs past the header", "01 01 01 01 01 01 02 04", 0, 0},
        {"kind in the last byte", "01 01 01 01 01 01 01 02", 0, 0},
        {"length 255", "fe ff 02 04 05 b4 00 00", 0, 0},
    };
    for (const Case& c : cases) {
        DecodedPacket p;
        ASSERT_EQ(decodeTcp(tcpHeader(7, tcp_flag::kSyn, fromHex(c.options)), p), DecodeAnomaly::None) << c.name;
        EXPECT_TRUE(p.isTcp()) << c.name;
        EXPECT_EQ(p.tcp_option_count, c.count) << c.name;
        EXPECT_EQ(p.mss, c.mss) << c.name;
        EXPECT_EQ(p.tcp_options_length, 8) << c.name;
    }
}

TEST(TcpTest, DataOffsetBelowFiveIsBad) {
    for (int offset = 0; offset < 5; ++offset) {
        DecodedPacket p;
        EXPECT_EQ(decodeTcp(tcpHeader(offset, tcp_flag::kSyn), p), DecodeAnomaly::BadTcpDataOffset) << offset;
        EXPECT_TRUE(p.hasIp());
        EXPECT_FALSE(p.transport_valid);
        EXPECT_FALSE(p.isTcp());
    }
}

TEST(TcpTest, OptionsCutByCaptureLength) {
    // Data offset 8 (32 bytes); the IP header claims all of it but the capture (snaplen) stops
    // inside the options: the header is incomplete, so nothing from it is reported.
    const Bytes full = ipv4Packet(ip_proto::kTcp, tcpHeader(8, tcp_flag::kSyn, fromHex("02 04 05 b4")));
    ASSERT_EQ(full.size(), 52U);
    PacketDecoder decoder(LinkType::Ipv4);
    for (size_t length = 40; length < full.size(); ++length) {
        DecodedPacket p;
        EXPECT_EQ(testing::decodeExact(decoder, full, length, p), DecodeAnomaly::TruncatedTcp) << length;
        EXPECT_FALSE(p.transport_valid);
        EXPECT_EQ(p.src_port, 0);
        EXPECT_EQ(p.mss, 0);
    }
    DecodedPacket p;
    EXPECT_EQ(testing::decodeExact(decoder, full, full.size(), p), DecodeAnomaly::None);
    EXPECT_EQ(p.mss, 1460);
}

TEST(TcpTest, OptionsCutByIpTotalLength) {
    // Everything captured, but the IP total length ends the segment inside the options.
    const Bytes tcp = tcpHeader(8, tcp_flag::kSyn, fromHex("02 04 05 b4"));
    for (int total = 40; total < 52; ++total) {
        DecodedPacket p;
        EXPECT_EQ(decodeWith(LinkType::Ipv4, ipv4Packet(ip_proto::kTcp, tcp, total), p), DecodeAnomaly::TruncatedTcp)
            << total;
        EXPECT_FALSE(p.transport_valid);
    }
}

TEST(TcpTest, ShorterThanMinimumHeader) {
    const Bytes tcp = tcpHeader(5, tcp_flag::kSyn);
    for (size_t length = 0; length < 20; ++length) {
        const Bytes cut(tcp.begin(), tcp.begin() + static_cast<std::ptrdiff_t>(length));
        DecodedPacket p;
        EXPECT_EQ(decodeTcp(cut, p), DecodeAnomaly::TruncatedTcp) << length;
        EXPECT_FALSE(p.transport_valid);
    }
}

// ---- UDP -------------------------------------------------------------------------------------

TEST(UdpTest, Fields) {
    DecodedPacket p;
    ASSERT_EQ(decodeWith(LinkType::Ipv4, fromHex(testing::kIpv4Udp), p), DecodeAnomaly::None);
    EXPECT_TRUE(p.isUdp());
    EXPECT_FALSE(p.isTcp());
    EXPECT_FALSE(p.isIcmp());
    EXPECT_EQ(p.src_port, 40000);
    EXPECT_EQ(p.dst_port, 53);
    EXPECT_EQ(p.tcp_flags, 0);
}

TEST(UdpTest, HeaderOnlyAndTruncated) {
    const Bytes udp = fromHex("00 35 c3 50 00 08 00 00");
    DecodedPacket p;
    ASSERT_EQ(decodeWith(LinkType::Ipv4, ipv4Packet(ip_proto::kUdp, udp), p), DecodeAnomaly::None);
    EXPECT_EQ(p.src_port, 53);
    EXPECT_EQ(p.dst_port, 50000);
    for (size_t length = 0; length < 8; ++length) {
        const Bytes cut(udp.begin(), udp.begin() + static_cast<std::ptrdiff_t>(length));
        EXPECT_EQ(decodeWith(LinkType::Ipv4, ipv4Packet(ip_proto::kUdp, cut), p), DecodeAnomaly::TruncatedUdp)
            << length;
        EXPECT_FALSE(p.transport_valid);
    }
}

// ---- ICMP ------------------------------------------------------------------------------------

TEST(IcmpTest, Echo) {
    DecodedPacket p;
    ASSERT_EQ(decodeWith(LinkType::Ipv4, fromHex(testing::kIpv4IcmpEcho), p), DecodeAnomaly::None);
    EXPECT_TRUE(p.isIcmp());
    EXPECT_EQ(p.protocol, ip_proto::kIcmp);
    EXPECT_EQ(p.icmp_type, 8);
    EXPECT_EQ(p.icmp_code, 0);
    EXPECT_FALSE(p.has_quote);
    EXPECT_EQ(p.src_port, 0);

    Bytes reply = fromHex(testing::kIpv4IcmpEcho);
    reply[20] = 0;
    ASSERT_EQ(decodeWith(LinkType::Ipv4, reply, p), DecodeAnomaly::None);
    EXPECT_EQ(p.icmp_type, 0);
    EXPECT_FALSE(p.has_quote);
}

TEST(IcmpTest, TruncatedHeader) {
    const Bytes icmp = fromHex("08 00 f7 ff 00 00 00 00");
    for (size_t length = 0; length < 8; ++length) {
        const Bytes cut(icmp.begin(), icmp.begin() + static_cast<std::ptrdiff_t>(length));
        DecodedPacket p;
        EXPECT_EQ(decodeWith(LinkType::Ipv4, ipv4Packet(ip_proto::kIcmp, cut), p), DecodeAnomaly::TruncatedIcmp)
            << length;
        EXPECT_FALSE(p.transport_valid);
    }
}

TEST(IcmpTest, UnreachableQuotingTcp) {
    DecodedPacket p;
    ASSERT_EQ(decodeWith(LinkType::Ipv4, fromHex(testing::kIpv4IcmpUnreachTcp), p), DecodeAnomaly::None);
    EXPECT_TRUE(p.isIcmp());
    EXPECT_EQ(p.src, ip("192.0.2.5"));
    EXPECT_EQ(p.dst, ip("203.0.113.40"));
    EXPECT_EQ(p.icmp_type, 3);
    EXPECT_EQ(p.icmp_code, 3);
    ASSERT_TRUE(p.has_quote);
    EXPECT_EQ(p.quote.src, ip("203.0.113.40"));
    EXPECT_EQ(p.quote.dst, ip("192.0.2.5"));
    EXPECT_EQ(p.quote.protocol, ip_proto::kTcp);
    ASSERT_TRUE(p.quote.has_ports);
    EXPECT_EQ(p.quote.src_port, 80);
    EXPECT_EQ(p.quote.dst_port, 44444);
    // The outer packet's own transport fields are not the quote's.
    EXPECT_EQ(p.src_port, 0);
    EXPECT_EQ(p.tcp_flags, 0);
}

TEST(IcmpTest, TimeExceededQuotingUdp) {
    DecodedPacket p;
    ASSERT_EQ(decodeWith(LinkType::Ipv4, fromHex(testing::kIpv4IcmpTtlUdp), p), DecodeAnomaly::None);
    EXPECT_EQ(p.icmp_type, 11);
    EXPECT_EQ(p.icmp_code, 0);
    ASSERT_TRUE(p.has_quote);
    EXPECT_EQ(p.quote.src, ip("203.0.113.41"));
    EXPECT_EQ(p.quote.dst, ip("192.0.2.99"));
    EXPECT_EQ(p.quote.protocol, ip_proto::kUdp);
    ASSERT_TRUE(p.quote.has_ports);
    EXPECT_EQ(p.quote.src_port, 33434);
    EXPECT_EQ(p.quote.dst_port, 33435);
}

TEST(IcmpTest, UnreachableQuotingIcmpGivesTypeAndCode) {
    DecodedPacket p;
    ASSERT_EQ(decodeWith(LinkType::Ipv4, fromHex(testing::kIpv4IcmpUnreachIcmp), p), DecodeAnomaly::None);
    EXPECT_EQ(p.icmp_type, 3);
    EXPECT_EQ(p.icmp_code, 1);
    ASSERT_TRUE(p.has_quote);
    EXPECT_EQ(p.quote.src, ip("203.0.113.42"));
    EXPECT_EQ(p.quote.dst, ip("192.0.2.77"));
    EXPECT_EQ(p.quote.protocol, ip_proto::kIcmp);
    ASSERT_TRUE(p.quote.has_ports);
    EXPECT_EQ(p.quote.src_port, 8); // echo request
    EXPECT_EQ(p.quote.dst_port, 0);
}

TEST(IcmpTest, OtherErrorTypesQuoteToo) {
    for (uint8_t type : {4, 5, 12}) {
        Bytes packet = fromHex(testing::kIpv4IcmpUnreachTcp);
        packet[20] = type;
        DecodedPacket p;
        ASSERT_EQ(decodeWith(LinkType::Ipv4, packet, p), DecodeAnomaly::None) << int{type};
        EXPECT_TRUE(p.has_quote) << int{type};
        EXPECT_EQ(p.quote.dst_port, 44444);
    }
    // Informational types do not quote, whatever follows them.
    for (uint8_t type : {0, 8, 13, 14, 17}) {
        Bytes packet = fromHex(testing::kIpv4IcmpUnreachTcp);
        packet[20] = type;
        DecodedPacket p;
        ASSERT_EQ(decodeWith(LinkType::Ipv4, packet, p), DecodeAnomaly::None) << int{type};
        EXPECT_FALSE(p.has_quote) << int{type};
        EXPECT_FALSE(p.quote.has_ports);
    }
}

/// An ICMP destination unreachable (port) from 192.0.2.5 quoting `quoted`, with a consistent total length.
Bytes icmpErrorQuoting(const Bytes& quoted) {
    return ipv4Packet(ip_proto::kIcmp, concat({fromHex("03 03 00 00 00 00 00 00"), quoted}));
}

TEST(IcmpTest, QuoteCutAfterInnerIpHeader) {
    const Bytes full = fromHex(testing::kIpv4IcmpUnreachTcp);
    const Bytes quoted(full.begin() + 28, full.end());
    // 0..3 bytes of the quoted TCP header: addresses, but no ports.
    for (size_t transport = 0; transport < 4; ++transport) {
        const Bytes cut(quoted.begin(), quoted.begin() + 20 + static_cast<std::ptrdiff_t>(transport));
        DecodedPacket p;
        ASSERT_EQ(decodeWith(LinkType::Ipv4, icmpErrorQuoting(cut), p), DecodeAnomaly::None) << transport;
        EXPECT_TRUE(p.transport_valid);
        ASSERT_TRUE(p.has_quote);
        EXPECT_EQ(p.quote.src, ip("203.0.113.40"));
        EXPECT_EQ(p.quote.dst, ip("192.0.2.5"));
        EXPECT_EQ(p.quote.protocol, ip_proto::kTcp);
        EXPECT_FALSE(p.quote.has_ports);
        EXPECT_EQ(p.quote.src_port, 0);
    }
    // RFC 792's minimum: the IP header and 8 bytes of the original datagram.
    const Bytes rfc792(quoted.begin(), quoted.begin() + 28);
    DecodedPacket p;
    ASSERT_EQ(decodeWith(LinkType::Ipv4, icmpErrorQuoting(rfc792), p), DecodeAnomaly::None);
    EXPECT_TRUE(p.quote.has_ports);
    EXPECT_EQ(p.quote.src_port, 80);
}

TEST(IcmpTest, QuoteWithBadIhlIsBadQuoteButOuterPacketKept) {
    const Bytes full = fromHex(testing::kIpv4IcmpUnreachTcp);
    for (uint8_t first : {0x44, 0x40, 0x65, 0x00}) {
        Bytes packet = full;
        packet[28] = first;
        DecodedPacket p;
        EXPECT_EQ(decodeWith(LinkType::Ipv4, packet, p), DecodeAnomaly::BadIcmpQuote) << int{first};
        EXPECT_TRUE(p.transport_valid);
        EXPECT_TRUE(p.isIcmp());
        EXPECT_EQ(p.icmp_type, 3);
        EXPECT_EQ(p.icmp_code, 3);
        EXPECT_EQ(p.src, ip("192.0.2.5"));
        EXPECT_FALSE(p.has_quote);
        EXPECT_FALSE(p.quote.has_ports);
    }
}

TEST(IcmpTest, QuoteTooShortIsBadQuote) {
    const Bytes full = fromHex(testing::kIpv4IcmpUnreachTcp);
    for (size_t quoted = 0; quoted < 20; ++quoted) {
        const Bytes cut(full.begin() + 28, full.begin() + 28 + static_cast<std::ptrdiff_t>(quoted));
        DecodedPacket p;
        EXPECT_EQ(decodeWith(LinkType::Ipv4, icmpErrorQuoting(cut), p), DecodeAnomaly::BadIcmpQuote) << quoted;
        EXPECT_TRUE(p.transport_valid);
        EXPECT_FALSE(p.has_quote);
    }
}

TEST(IcmpTest, QuoteWithBadTotalLengthIsBadQuote) {
    Bytes packet = fromHex(testing::kIpv4IcmpUnreachTcp);
    packet[28 + 2] = 0;
    packet[28 + 3] = 19;
    DecodedPacket p;
    EXPECT_EQ(decodeWith(LinkType::Ipv4, packet, p), DecodeAnomaly::BadIcmpQuote);
    EXPECT_TRUE(p.transport_valid);
}

TEST(IcmpTest, QuotedFragmentHasAddressesButNoPorts) {
    Bytes packet = fromHex(testing::kIpv4IcmpUnreachTcp);
    packet[28 + 6] = 0x00;
    packet[28 + 7] = 0x10; // fragment offset 16
    DecodedPacket p;
    ASSERT_EQ(decodeWith(LinkType::Ipv4, packet, p), DecodeAnomaly::None);
    ASSERT_TRUE(p.has_quote);
    EXPECT_EQ(p.quote.src, ip("203.0.113.40"));
    EXPECT_EQ(p.quote.protocol, ip_proto::kTcp);
    EXPECT_FALSE(p.quote.has_ports);
}

TEST(IcmpTest, QuotedTotalLengthBoundsQuotedPorts) {
    // The quoted header says the original datagram was only its 20-byte header: no ports.
    Bytes packet = fromHex(testing::kIpv4IcmpUnreachTcp);
    packet[28 + 2] = 0;
    packet[28 + 3] = 20;
    DecodedPacket p;
    ASSERT_EQ(decodeWith(LinkType::Ipv4, packet, p), DecodeAnomaly::None);
    ASSERT_TRUE(p.has_quote);
    EXPECT_FALSE(p.quote.has_ports);
}

TEST(IcmpTest, QuoteBoundedByOuterTotalLength) {
    // The outer total length ends right after the quoted IP header; Ethernet padding follows.
    Bytes packet = fromHex(testing::kIpv4IcmpUnreachTcp);
    set16(packet, 2, 48);
    Bytes frame = concat({fromHex(testing::kEthIpv4), packet});
    DecodedPacket p;
    ASSERT_EQ(decodeWith(LinkType::Ethernet, frame, p), DecodeAnomaly::None);
    ASSERT_TRUE(p.has_quote);
    EXPECT_FALSE(p.quote.has_ports);
}

TEST(IcmpTest, Icmpv6InsideIpv4IsNotDecoded) {
    DecodedPacket p;
    EXPECT_EQ(decodeWith(LinkType::Ipv4, ipv4Packet(ip_proto::kIcmpv6, fromHex("80 00 00 00 00 01 00 02")), p),
              DecodeAnomaly::None);
    EXPECT_FALSE(p.transport_valid);
    EXPECT_EQ(p.icmp_type, 0);
}

// ---- ICMPv6 ----------------------------------------------------------------------------------

TEST(Icmpv6Test, Echo) {
    DecodedPacket p;
    ASSERT_EQ(decodeWith(LinkType::Ipv6, fromHex(testing::kIpv6Icmpv6Echo), p), DecodeAnomaly::None);
    EXPECT_TRUE(p.isIcmp());
    EXPECT_EQ(p.protocol, ip_proto::kIcmpv6);
    EXPECT_EQ(p.icmp_type, 128);
    EXPECT_EQ(p.icmp_code, 0);
    EXPECT_FALSE(p.has_quote);
}

TEST(Icmpv6Test, UnreachableQuotingUdp) {
    DecodedPacket p;
    ASSERT_EQ(decodeWith(LinkType::Ipv6, fromHex(testing::kIpv6Icmpv6UnreachUdp), p), DecodeAnomaly::None);
    EXPECT_EQ(p.icmp_type, 1);
    EXPECT_EQ(p.icmp_code, 4);
    ASSERT_TRUE(p.has_quote);
    EXPECT_EQ(p.quote.src, ip("2001:db8::80"));
    EXPECT_EQ(p.quote.dst, ip("2001:db8::99"));
    EXPECT_EQ(p.quote.protocol, ip_proto::kUdp);
    ASSERT_TRUE(p.quote.has_ports);
    EXPECT_EQ(p.quote.src_port, 12345);
    EXPECT_EQ(p.quote.dst_port, 53);
}

TEST(Icmpv6Test, PacketTooBigQuotingTcp) {
    DecodedPacket p;
    ASSERT_EQ(decodeWith(LinkType::Ipv6, fromHex(testing::kIpv6Icmpv6TooBigTcp), p), DecodeAnomaly::None);
    EXPECT_EQ(p.icmp_type, 2);
    ASSERT_TRUE(p.has_quote);
    EXPECT_EQ(p.quote.src, ip("2001:db8::81"));
    EXPECT_EQ(p.quote.protocol, ip_proto::kTcp);
    EXPECT_EQ(p.quote.src_port, 2222);
    EXPECT_EQ(p.quote.dst_port, 443);
}

TEST(Icmpv6Test, QuoteCutAfterInnerHeaderAndTooShort) {
    const Bytes full = fromHex(testing::kIpv6Icmpv6UnreachUdp);
    const size_t quote_at = 40 + 8;
    PacketDecoder decoder(LinkType::Ipv6);
    for (size_t length = quote_at; length < full.size(); ++length) {
        DecodedPacket p;
        const DecodeAnomaly a = testing::decodeExact(decoder, full, length, p);
        EXPECT_TRUE(p.transport_valid) << length;
        if (length < quote_at + 40) {
            EXPECT_EQ(a, DecodeAnomaly::BadIcmpQuote) << length;
            EXPECT_FALSE(p.has_quote) << length;
        } else {
            EXPECT_EQ(a, DecodeAnomaly::None) << length;
            ASSERT_TRUE(p.has_quote) << length;
            EXPECT_EQ(p.quote.dst, ip("2001:db8::99"));
            EXPECT_EQ(p.quote.has_ports, length >= quote_at + 44) << length;
        }
    }
}

TEST(Icmpv6Test, QuoteWithWrongVersionIsBadQuote) {
    Bytes packet = fromHex(testing::kIpv6Icmpv6UnreachUdp);
    packet[48] = 0x45;
    DecodedPacket p;
    EXPECT_EQ(decodeWith(LinkType::Ipv6, packet, p), DecodeAnomaly::BadIcmpQuote);
    EXPECT_TRUE(p.isIcmp());
    EXPECT_FALSE(p.has_quote);
}

TEST(Icmpv6Test, InformationalTypesDoNotQuote) {
    for (uint8_t type : {128, 129, 133, 135, 143}) {
        Bytes packet = fromHex(testing::kIpv6Icmpv6UnreachUdp);
        packet[40] = type;
        DecodedPacket p;
        ASSERT_EQ(decodeWith(LinkType::Ipv6, packet, p), DecodeAnomaly::None) << int{type};
        EXPECT_EQ(p.icmp_type, type);
        EXPECT_FALSE(p.has_quote);
    }
}

TEST(Icmpv6Test, TruncatedHeader) {
    const Bytes full = fromHex(testing::kIpv6Icmpv6Echo);
    PacketDecoder decoder(LinkType::Ipv6);
    for (size_t length = 40; length < 48; ++length) {
        DecodedPacket p;
        EXPECT_EQ(testing::decodeExact(decoder, full, length, p), DecodeAnomaly::TruncatedIcmp) << length;
        EXPECT_FALSE(p.transport_valid);
    }
}

} // namespace
} // namespace kansoku::capture
