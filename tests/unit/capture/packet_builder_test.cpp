// PacketBuilder: byte-exact against the scapy fixtures, checksums verified independently (RFC 1071
// with the RFC 768 / RFC 9293 / RFC 8200 8.1 pseudo-headers), and decoder round trips.

#include <gtest/gtest.h>

#include "capture/packet_builder.h"
#include "capture/packet_decoder.h"
#include "capture_test_support.h"
#include "hex_fixtures.h"

namespace kansoku::capture {
namespace {

using testing::Bytes;
using testing::concat;
using testing::decodeWith;
using testing::fromHex;
using testing::InternetChecksum;
using testing::ip;

uint16_t get16(const Bytes& b, size_t at) {
    return static_cast<uint16_t>((b[at] << 8) | b[at + 1]);
}

/// Checks the IPv4 header checksum and the transport checksum of an IP packet (no link header).
void expectChecksumsValid(const Bytes& packet) {
    ASSERT_GE(packet.size(), 20U);
    const int version = packet[0] >> 4;
    uint8_t protocol = 0;
    size_t transport_at = 0;
    InternetChecksum pseudo;
    if (version == 4) {
        const size_t header_length = (packet[0] & 0x0fU) * 4;
        InternetChecksum header;
        header.add(std::span(packet).first(header_length));
        EXPECT_EQ(header.folded(), 0xffff) << "IPv4 header checksum";
        EXPECT_NE(get16(packet, 10), 0) << "IPv4 header checksum not filled in";
        protocol = packet[9];
        transport_at = header_length;
        ASSERT_EQ(get16(packet, 2), packet.size()) << "IPv4 total length";
        pseudo.add(std::span(packet).subspan(12, 8)); // source and destination
        pseudo.add16(protocol);
        pseudo.add16(static_cast<uint16_t>(packet.size() - transport_at));
    } else {
        ASSERT_EQ(version, 6);
        protocol = packet[6];
        transport_at = 40;
        ASSERT_EQ(get16(packet, 4), packet.size() - 40) << "IPv6 payload length";
        pseudo.add(std::span(packet).subspan(8, 32));
        pseudo.add32(static_cast<uint32_t>(packet.size() - transport_at));
        pseudo.add32(protocol);
    }
    const auto transport = std::span(packet).subspan(transport_at);
    InternetChecksum sum;
    if (!(version == 4 && protocol == ip_proto::kIcmp)) { // ICMPv4 has no pseudo-header
        sum = pseudo;
    }
    sum.add(transport);
    EXPECT_EQ(sum.folded(), 0xffff) << "transport checksum, protocol " << int{protocol};
    if (protocol == ip_proto::kUdp) {
        EXPECT_NE(get16(packet, transport_at + 6), 0) << "UDP checksum 0 means 'none'";
    }
}

TEST(PacketBuilderTest, TcpMatchesScapyByteForByte) {
    PacketBuilder builder;
    const Bytes frame = testing::toBytes(builder.tcp({ip("198.51.100.7"), ip("203.0.113.10"), 243, 0xbeef},
                                                     {54321, 23, 0xcb00710a, 0, tcp_flag::kSyn, 14600, 1460}));
    EXPECT_EQ(frame, concat({fromHex(testing::kEthIpv4), fromHex(testing::kIpv4TcpSynMss)}));
    EXPECT_EQ(builder.lastIpPacket(), fromHex(testing::kIpv4TcpSynMss));
    expectChecksumsValid(builder.lastIpPacket());
}

TEST(PacketBuilderTest, UdpMatchesScapyByteForByte) {
    PacketBuilder builder;
    const uint8_t payload[] = {0x12, 0x34, 'a', 'b', 'c', 'd'};
    const Bytes frame =
        testing::toBytes(builder.udp({ip("198.51.100.8"), ip("203.0.113.20"), 50, 0x1234}, 40000, 53, payload));
    EXPECT_EQ(frame, concat({fromHex(testing::kEthIpv4), fromHex(testing::kIpv4Udp)}));
    expectChecksumsValid(builder.lastIpPacket());
}

TEST(PacketBuilderTest, IcmpEchoMatchesScapyByteForByte) {
    PacketBuilder builder;
    const uint8_t body[] = {'p', 'i', 'n', 'g'};
    const Bytes frame =
        testing::toBytes(builder.icmp({ip("198.51.100.9"), ip("203.0.113.30"), 64, 7}, 8, 0, 0x00420001, body));
    EXPECT_EQ(frame, concat({fromHex(testing::kEthIpv4), fromHex(testing::kIpv4IcmpEcho)}));
    expectChecksumsValid(builder.lastIpPacket());
}

TEST(PacketBuilderTest, IcmpErrorMatchesScapyByteForByte) {
    PacketBuilder builder;
    builder.tcp({ip("203.0.113.40"), ip("192.0.2.5"), 51, 0x0202},
                {80, 44444, 1, 2, tcp_flag::kSyn | tcp_flag::kAck, 8192, 1400});
    const Bytes quoted = builder.lastIpPacket();
    expectChecksumsValid(quoted);
    const Bytes frame =
        testing::toBytes(builder.icmpError({ip("192.0.2.5"), ip("203.0.113.40"), 60, 0x0101}, 3, 3, quoted));
    EXPECT_EQ(frame, concat({fromHex(testing::kEthIpv4), fromHex(testing::kIpv4IcmpUnreachTcp)}));
    expectChecksumsValid(builder.lastIpPacket());
}

TEST(PacketBuilderTest, Ipv6MatchesScapyByteForByte) {
    PacketBuilder builder;
    Bytes frame =
        testing::toBytes(builder.tcp({ip("2001:db8::1"), ip("2001:db8:ffff::2"), 57},
                                     {443, 51000, 0x01020304, 0x0a0b0c0d, tcp_flag::kRst | tcp_flag::kAck, 0, 0}));
    EXPECT_EQ(frame, concat({fromHex(testing::kEthIpv6), fromHex(testing::kIpv6TcpRstAck)}));
    expectChecksumsValid(builder.lastIpPacket());

    frame = testing::toBytes(builder.icmp({ip("2001:db8::50"), ip("2001:db8::60"), 64}, 128, 0, 0x00010002));
    EXPECT_EQ(frame, concat({fromHex(testing::kEthIpv6), fromHex(testing::kIpv6Icmpv6Echo)}));
    expectChecksumsValid(builder.lastIpPacket());

    builder.udp({ip("2001:db8::80"), ip("2001:db8::99")}, 12345, 53);
    const Bytes quoted = builder.lastIpPacket();
    frame = testing::toBytes(builder.icmpError({ip("2001:db8::70"), ip("2001:db8::80")}, 1, 4, quoted));
    EXPECT_EQ(frame, concat({fromHex(testing::kEthIpv6), fromHex(testing::kIpv6Icmpv6UnreachUdp)}));
    expectChecksumsValid(builder.lastIpPacket());
}

TEST(PacketBuilderTest, ChecksumsOverManyFrames) {
    // Vary addresses, ports, payload lengths (odd and even) and families; every checksum verifies.
    PacketBuilder builder;
    int checked = 0;
    for (int i = 0; i < 64; ++i) {
        const auto last = static_cast<uint8_t>(i * 37 + 1);
        const IpFields v4{IpAddress::fromV4(0xc6336400U | last), IpAddress::fromV4(0xcb007100U | (255 - last)),
                          static_cast<uint8_t>(i + 1), static_cast<uint16_t>(i * 1031)};
        uint8_t v6_src[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, static_cast<uint8_t>(i), last};
        uint8_t v6_dst[16] = {0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff, 0, 0,
                              0,    0,    0,    0,    0,    0,    0, static_cast<uint8_t>(~last)};
        const IpFields v6{IpAddress::fromV6(v6_src), IpAddress::fromV6(v6_dst), 64, 0};
        Bytes payload(static_cast<size_t>(i), 0);
        for (size_t k = 0; k < payload.size(); ++k) {
            payload[k] = static_cast<uint8_t>(k * 13 + i);
        }
        for (const IpFields& fields : {v4, v6}) {
            const TcpFields tcp{static_cast<uint16_t>(1024 + i * 977),
                                static_cast<uint16_t>(i * 331),
                                0x9e3779b9U * static_cast<uint32_t>(i),
                                static_cast<uint32_t>(i) << 20,
                                static_cast<uint8_t>(i),
                                static_cast<uint16_t>(i * 1000),
                                static_cast<uint16_t>(i % 2 == 0 ? 0 : 536 + i)};
            builder.tcp(fields, tcp);
            expectChecksumsValid(builder.lastIpPacket());
            builder.udp(fields, static_cast<uint16_t>(i * 511), 53, payload);
            expectChecksumsValid(builder.lastIpPacket());
            builder.icmp(fields, fields.src.isV4() ? 8 : 128, 0, static_cast<uint32_t>(i), payload);
            expectChecksumsValid(builder.lastIpPacket());
            const Bytes quoted = builder.lastIpPacket();
            builder.icmpError(fields, fields.src.isV4() ? 3 : 1, 3, quoted);
            expectChecksumsValid(builder.lastIpPacket());
            checked += 4;
        }
    }
    EXPECT_EQ(checked, 64 * 2 * 4);
}

TEST(PacketBuilderTest, UdpChecksumThatComputesToZeroIsSentAsAllOnes) {
    // RFC 768: a computed checksum of zero is transmitted as all ones (zero means "no checksum").
    // Stepping the source port steps the sum through every ones'-complement value, so some port hits it.
    PacketBuilder builder(false);
    int found = 0;
    for (uint32_t port = 0; port <= 0xffff; ++port) {
        const Bytes packet =
            testing::toBytes(builder.udp({ip("198.51.100.1"), ip("203.0.113.1")}, static_cast<uint16_t>(port), 53));
        const uint16_t checksum = get16(packet, 26);
        ASSERT_NE(checksum, 0) << port;
        if (checksum == 0xffff) {
            ++found;
            expectChecksumsValid(packet);
        }
    }
    EXPECT_GE(found, 1);
}

TEST(PacketBuilderTest, RawFramesHaveNoLinkHeader) {
    PacketBuilder raw(false);
    const Bytes frame = testing::toBytes(raw.tcp({ip("198.51.100.7"), ip("203.0.113.10"), 243, 0xbeef},
                                                 {54321, 23, 0xcb00710a, 0, tcp_flag::kSyn, 14600, 1460}));
    EXPECT_EQ(frame, fromHex(testing::kIpv4TcpSynMss));
    EXPECT_EQ(frame, raw.lastIpPacket());
}

TEST(PacketBuilderTest, DecodeRoundTripIpv4AndIpv6) {
    for (const bool ethernet : {true, false}) {
        const LinkType link_type = ethernet ? LinkType::Ethernet : LinkType::RawIp;
        PacketBuilder builder(ethernet);
        for (const auto& [src, dst] :
             {std::pair{"198.51.100.200", "203.0.113.77"}, std::pair{"2001:db8::7", "2001:db8::8"}}) {
            const IpFields fields{ip(src), ip(dst), 99, 0x1357};
            const bool v4 = fields.src.isV4();
            DecodedPacket p;

            ASSERT_EQ(decodeWith(link_type,
                                 builder.tcp(fields, {2323, 23, 0xdeadbeef, 0x01020304,
                                                      tcp_flag::kSyn | tcp_flag::kEce | tcp_flag::kCwr, 65535, 1400}),
                                 p),
                      DecodeAnomaly::None);
            EXPECT_EQ(p.ip_version, v4 ? 4 : 6);
            EXPECT_EQ(p.src, fields.src);
            EXPECT_EQ(p.dst, fields.dst);
            EXPECT_EQ(p.ttl, 99);
            EXPECT_EQ(p.ip_id, v4 ? 0x1357 : 0);
            EXPECT_TRUE(p.isTcp());
            EXPECT_EQ(p.src_port, 2323);
            EXPECT_EQ(p.dst_port, 23);
            EXPECT_EQ(p.seq, 0xdeadbeefU);
            EXPECT_EQ(p.ack, 0x01020304U);
            EXPECT_EQ(p.tcp_flags, tcp_flag::kSyn | tcp_flag::kEce | tcp_flag::kCwr);
            EXPECT_EQ(p.window, 65535);
            EXPECT_EQ(p.mss, 1400);
            EXPECT_EQ(p.tcp_options_length, 4);
            EXPECT_EQ(p.tcp_option_count, 1);

            ASSERT_EQ(decodeWith(link_type, builder.tcp(fields, {1, 2, 3, 4, tcp_flag::kAck, 5, 0}), p),
                      DecodeAnomaly::None);
            EXPECT_EQ(p.mss, 0);
            EXPECT_EQ(p.tcp_options_length, 0);

            const uint8_t payload[] = {0xde, 0xad};
            ASSERT_EQ(decodeWith(link_type, builder.udp(fields, 5353, 5353, payload), p), DecodeAnomaly::None);
            EXPECT_TRUE(p.isUdp());
            EXPECT_EQ(p.src_port, 5353);

            const uint8_t echo_type = v4 ? 8 : 128;
            ASSERT_EQ(decodeWith(link_type, builder.icmp(fields, echo_type, 0, 0x00010001), p), DecodeAnomaly::None);
            EXPECT_TRUE(p.isIcmp());
            EXPECT_EQ(p.protocol, v4 ? ip_proto::kIcmp : ip_proto::kIcmpv6);
            EXPECT_EQ(p.icmp_type, echo_type);
            EXPECT_FALSE(p.has_quote);

            // An error about the UDP datagram above, sent back to its source.
            builder.udp({fields.dst, fields.src}, 40001, 161);
            const Bytes quoted = builder.lastIpPacket();
            const uint8_t error_type = v4 ? 3 : 1;
            ASSERT_EQ(decodeWith(link_type, builder.icmpError(fields, error_type, 3, quoted), p), DecodeAnomaly::None);
            EXPECT_EQ(p.icmp_type, error_type);
            EXPECT_EQ(p.icmp_code, 3);
            ASSERT_TRUE(p.has_quote);
            EXPECT_EQ(p.quote.src, fields.dst);
            EXPECT_EQ(p.quote.dst, fields.src);
            EXPECT_EQ(p.quote.protocol, ip_proto::kUdp);
            ASSERT_TRUE(p.quote.has_ports);
            EXPECT_EQ(p.quote.src_port, 40001);
            EXPECT_EQ(p.quote.dst_port, 161);
        }
    }
}

} // namespace
} // namespace kansoku::capture
