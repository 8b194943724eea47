// Link-layer decoding for every LinkType: Ethernet with 802.1Q/802.1ad tags, Linux SLL and SLL2,
// raw IP, DLT_IPV4/DLT_IPV6, BSD NULL/LOOP in both byte orders.

#include <string>
#include <tuple>

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

// Linux cooked v1 header: packet type 0 (to us), ARPHRD_ETHER, address length 6, address
// 02:00:00:00:00:02 padded to 8, then the protocol (EtherType) given separately.
constexpr std::string_view kSllPrefix = "00 00 00 01 00 06 02 00 00 00 00 02 00 00";
// Linux cooked v2 tail after protocol(2): reserved(2) ifindex(4)=2 ARPHRD(2)=1 pkttype(1)=0 addrlen(1)=6 addr(8).
constexpr std::string_view kSll2Tail = "00 00 00 00 00 02 00 01 00 06 02 00 00 00 00 02 00 00";

void expectIpv4SynMss(const DecodedPacket& p) {
    EXPECT_EQ(p.ip_version, 4);
    EXPECT_EQ(p.src, ip("198.51.100.7"));
    EXPECT_EQ(p.dst, ip("203.0.113.10"));
    EXPECT_TRUE(p.isTcp());
    EXPECT_EQ(p.src_port, 54321);
    EXPECT_EQ(p.dst_port, 23);
    EXPECT_EQ(p.mss, 1460);
}

void expectIpv6RstAck(const DecodedPacket& p) {
    EXPECT_EQ(p.ip_version, 6);
    EXPECT_EQ(p.src, ip("2001:db8::1"));
    EXPECT_EQ(p.dst, ip("2001:db8:ffff::2"));
    EXPECT_TRUE(p.isTcp());
    EXPECT_EQ(p.src_port, 443);
    EXPECT_EQ(p.dst_port, 51000);
}

TEST(LinkLayerTest, EthernetIpv4) {
    const Bytes frame = concat({fromHex(testing::kEthIpv4), fromHex(testing::kIpv4TcpSynMss)});
    DecodedPacket p;
    EXPECT_EQ(decodeWith(LinkType::Ethernet, frame, p), DecodeAnomaly::None);
    expectIpv4SynMss(p);
}

TEST(LinkLayerTest, EthernetIpv6) {
    const Bytes frame = concat({fromHex(testing::kEthIpv6), fromHex(testing::kIpv6TcpRstAck)});
    DecodedPacket p;
    EXPECT_EQ(decodeWith(LinkType::Ethernet, frame, p), DecodeAnomaly::None);
    expectIpv6RstAck(p);
}

TEST(LinkLayerTest, EthernetShorterThanHeaderIsTruncatedLink) {
    const Bytes frame = fromHex(testing::kEthIpv4);
    for (size_t length = 0; length < frame.size(); ++length) {
        DecodedPacket p;
        PacketDecoder decoder(LinkType::Ethernet);
        EXPECT_EQ(testing::decodeExact(decoder, frame, length, p), DecodeAnomaly::TruncatedLink) << length;
        EXPECT_FALSE(p.hasIp());
    }
    // The full 14-byte header with nothing after it: the IPv4 layer is what is missing.
    DecodedPacket p;
    EXPECT_EQ(decodeWith(LinkType::Ethernet, frame, p), DecodeAnomaly::TruncatedIpv4);
}

TEST(LinkLayerTest, SingleVlanTag) {
    // 802.1Q, PCP 0, VID 100, then IPv6: generated as Ether()/Dot1Q(vlan=100)/IPv6()/TCP().
    const Bytes frame =
        concat({fromHex(testing::kEthMacs), fromHex("81 00 00 64 86 dd"), fromHex(testing::kIpv6TcpRstAck)});
    DecodedPacket p;
    EXPECT_EQ(decodeWith(LinkType::Ethernet, frame, p), DecodeAnomaly::None);
    expectIpv6RstAck(p);
}

TEST(LinkLayerTest, StackedVlanTags8021ad) {
    // scapy: Ether(type=0x88a8)/Dot1AD(vlan=10)/Dot1Q(vlan=20)/IP(src="198.51.100.1", dst="203.0.113.1")/UDP(1900,
    // 1900)
    const Bytes frame = fromHex("02 00 00 00 00 01 02 00 00 00 00 02 88 a8 00 0a "
                                "81 00 00 14 08 00 45 00 00 1c 00 01 00 00 40 11 "
                                "14 9a c6 33 64 01 cb 00 71 01 07 6c 07 6c 00 08 "
                                "8a cf");
    DecodedPacket p;
    EXPECT_EQ(decodeWith(LinkType::Ethernet, frame, p), DecodeAnomaly::None);
    EXPECT_EQ(p.src, ip("198.51.100.1"));
    EXPECT_EQ(p.dst, ip("203.0.113.1"));
    EXPECT_TRUE(p.isUdp());
    EXPECT_EQ(p.src_port, 1900);
    EXPECT_EQ(p.dst_port, 1900);
}

TEST(LinkLayerTest, PreStandardQinQ9100) {
    const Bytes frame = concat(
        {fromHex(testing::kEthMacs), fromHex("91 00 00 0a 81 00 00 14 08 00"), fromHex(testing::kIpv4TcpSynMss)});
    DecodedPacket p;
    EXPECT_EQ(decodeWith(LinkType::Ethernet, frame, p), DecodeAnomaly::None);
    expectIpv4SynMss(p);
}

Bytes ethernetWithTags(int tags, std::string_view inner_ethertype, std::string_view ip_packet) {
    Bytes frame = fromHex(testing::kEthMacs);
    for (int i = 0; i < tags; ++i) {
        const Bytes tag = fromHex(i % 2 == 0 ? "88 a8 00 0a" : "81 00 00 14");
        frame.insert(frame.end(), tag.begin(), tag.end());
    }
    const Bytes tail = concat({fromHex(inner_ethertype), fromHex(ip_packet)});
    frame.insert(frame.end(), tail.begin(), tail.end());
    return frame;
}

TEST(LinkLayerTest, FourTagsAreFollowed) {
    const Bytes frame = ethernetWithTags(4, "08 00", testing::kIpv4TcpSynMss);
    DecodedPacket p;
    EXPECT_EQ(decodeWith(LinkType::Ethernet, frame, p), DecodeAnomaly::None);
    expectIpv4SynMss(p);
}

TEST(LinkLayerTest, TooManyVlanTags) {
    for (int tags : {5, 6, 12}) {
        const Bytes frame = ethernetWithTags(tags, "08 00", testing::kIpv4TcpSynMss);
        DecodedPacket p;
        EXPECT_EQ(decodeWith(LinkType::Ethernet, frame, p), DecodeAnomaly::TooManyVlanTags) << tags;
        EXPECT_FALSE(p.hasIp());
    }
}

TEST(LinkLayerTest, VlanTagCutShortIsTruncatedLink) {
    const Bytes frame = concat({fromHex(testing::kEthMacs), fromHex("81 00 00 64 08 00")});
    PacketDecoder decoder(LinkType::Ethernet);
    for (size_t length = 14; length < 18; ++length) {
        DecodedPacket p;
        EXPECT_EQ(testing::decodeExact(decoder, frame, length, p), DecodeAnomaly::TruncatedLink) << length;
    }
}

TEST(LinkLayerTest, ArpIsNotIp) {
    const Bytes frame = fromHex(testing::kEthArp);
    DecodedPacket p;
    EXPECT_EQ(decodeWith(LinkType::Ethernet, frame, p), DecodeAnomaly::NotIp);
    EXPECT_FALSE(p.hasIp());
    EXPECT_FALSE(p.transport_valid);
}

TEST(LinkLayerTest, VlanTaggedArpIsNotIp) {
    const Bytes arp = fromHex(testing::kEthArp);
    Bytes frame = concat({fromHex(testing::kEthMacs), fromHex("81 00 00 07")});
    frame.insert(frame.end(), arp.begin() + 12, arp.end()); // 08 06 and the ARP body
    DecodedPacket p;
    EXPECT_EQ(decodeWith(LinkType::Ethernet, frame, p), DecodeAnomaly::NotIp);
}

TEST(LinkLayerTest, LldpIsNotIp) {
    const Bytes frame =
        concat({fromHex(testing::kEthMacs), fromHex("88 cc 02 07 04 02 00 00 00 00 01 00 00 00 00 00 00 00")});
    DecodedPacket p;
    EXPECT_EQ(decodeWith(LinkType::Ethernet, frame, p), DecodeAnomaly::NotIp);
}

TEST(LinkLayerTest, Ipv4EthertypeWithIpv6PacketIsBadVersion) {
    const Bytes frame = concat({fromHex(testing::kEthIpv4), fromHex(testing::kIpv6TcpRstAck)});
    DecodedPacket p;
    EXPECT_EQ(decodeWith(LinkType::Ethernet, frame, p), DecodeAnomaly::BadIpVersion);
    EXPECT_FALSE(p.hasIp());
}

TEST(LinkLayerTest, Ipv6EthertypeWithIpv4PacketIsBadVersion) {
    // 44 bytes, so the IPv6 length check passes and the version nibble is what fails.
    const Bytes frame = concat({fromHex(testing::kEthIpv6), fromHex(testing::kIpv4TcpSynMss)});
    DecodedPacket p;
    EXPECT_EQ(decodeWith(LinkType::Ethernet, frame, p), DecodeAnomaly::BadIpVersion);
    EXPECT_FALSE(p.hasIp());
}

TEST(LinkLayerTest, LinuxSllIpv4AndIpv6) {
    DecodedPacket p;
    const Bytes v4 = concat({fromHex(kSllPrefix), fromHex("08 00"), fromHex(testing::kIpv4TcpSynMss)});
    EXPECT_EQ(decodeWith(LinkType::LinuxSll, v4, p), DecodeAnomaly::None);
    expectIpv4SynMss(p);

    const Bytes v6 = concat({fromHex(kSllPrefix), fromHex("86 dd"), fromHex(testing::kIpv6TcpRstAck)});
    EXPECT_EQ(decodeWith(LinkType::LinuxSll, v6, p), DecodeAnomaly::None);
    expectIpv6RstAck(p);
}

TEST(LinkLayerTest, LinuxSllVlanAndNotIp) {
    DecodedPacket p;
    const Bytes tagged = concat({fromHex(kSllPrefix), fromHex("81 00 00 64 08 00"), fromHex(testing::kIpv4TcpSynMss)});
    EXPECT_EQ(decodeWith(LinkType::LinuxSll, tagged, p), DecodeAnomaly::None);
    expectIpv4SynMss(p);

    const Bytes arp = fromHex(testing::kEthArp);
    Bytes sll_arp = concat({fromHex(kSllPrefix), fromHex("08 06")});
    sll_arp.insert(sll_arp.end(), arp.begin() + 14, arp.end());
    EXPECT_EQ(decodeWith(LinkType::LinuxSll, sll_arp, p), DecodeAnomaly::NotIp);

    const Bytes header = concat({fromHex(kSllPrefix), fromHex("08 00")});
    PacketDecoder decoder(LinkType::LinuxSll);
    for (size_t length = 0; length < 16; ++length) {
        EXPECT_EQ(testing::decodeExact(decoder, header, length, p), DecodeAnomaly::TruncatedLink) << length;
    }
}

TEST(LinkLayerTest, LinuxSll2Ipv4AndIpv6) {
    DecodedPacket p;
    const Bytes v4 = concat({fromHex("08 00"), fromHex(kSll2Tail), fromHex(testing::kIpv4TcpSynMss)});
    ASSERT_EQ(v4.size(), 20U + 44U);
    EXPECT_EQ(decodeWith(LinkType::LinuxSll2, v4, p), DecodeAnomaly::None);
    expectIpv4SynMss(p);

    const Bytes v6 = concat({fromHex("86 dd"), fromHex(kSll2Tail), fromHex(testing::kIpv6TcpRstAck)});
    EXPECT_EQ(decodeWith(LinkType::LinuxSll2, v6, p), DecodeAnomaly::None);
    expectIpv6RstAck(p);

    const Bytes arp = concat({fromHex("08 06"), fromHex(kSll2Tail), fromHex("00 01 08 00 06 04 00 01")});
    EXPECT_EQ(decodeWith(LinkType::LinuxSll2, arp, p), DecodeAnomaly::NotIp);

    PacketDecoder decoder(LinkType::LinuxSll2);
    for (size_t length = 0; length < 20; ++length) {
        EXPECT_EQ(testing::decodeExact(decoder, v4, length, p), DecodeAnomaly::TruncatedLink) << length;
    }
}

TEST(LinkLayerTest, RawIpPicksVersionFromNibble) {
    DecodedPacket p;
    EXPECT_EQ(decodeWith(LinkType::RawIp, fromHex(testing::kIpv4TcpSynMss), p), DecodeAnomaly::None);
    expectIpv4SynMss(p);
    EXPECT_EQ(decodeWith(LinkType::RawIp, fromHex(testing::kIpv6TcpRstAck), p), DecodeAnomaly::None);
    expectIpv6RstAck(p);
}

TEST(LinkLayerTest, RawIpBadVersionNibble) {
    for (uint8_t first : {0x00, 0x15, 0x55, 0x75, 0xf0}) {
        Bytes packet = fromHex(testing::kIpv4TcpSynMss);
        packet[0] = first;
        DecodedPacket p;
        EXPECT_EQ(decodeWith(LinkType::RawIp, packet, p), DecodeAnomaly::BadIpVersion) << int{first};
        EXPECT_FALSE(p.hasIp());
    }
}

TEST(LinkLayerTest, RawIpEmptyIsTruncatedLink) {
    DecodedPacket p;
    EXPECT_EQ(decodeWith(LinkType::RawIp, Bytes{}, p), DecodeAnomaly::TruncatedLink);
    // One byte says "IPv4" but there is no header behind it.
    EXPECT_EQ(decodeWith(LinkType::RawIp, fromHex("45"), p), DecodeAnomaly::TruncatedIpv4);
    EXPECT_EQ(decodeWith(LinkType::RawIp, fromHex("60"), p), DecodeAnomaly::TruncatedIpv6);
}

TEST(LinkLayerTest, DltIpv4AndIpv6) {
    DecodedPacket p;
    EXPECT_EQ(decodeWith(LinkType::Ipv4, fromHex(testing::kIpv4TcpSynMss), p), DecodeAnomaly::None);
    expectIpv4SynMss(p);
    EXPECT_EQ(decodeWith(LinkType::Ipv6, fromHex(testing::kIpv6TcpRstAck), p), DecodeAnomaly::None);
    expectIpv6RstAck(p);

    // The link type fixes the version; a packet of the other version is an anomaly.
    EXPECT_EQ(decodeWith(LinkType::Ipv4, fromHex(testing::kIpv6TcpRstAck), p), DecodeAnomaly::BadIpVersion);
    // (44 bytes: long enough for the IPv6 length check, so the version nibble is what fails.)
    EXPECT_EQ(decodeWith(LinkType::Ipv6, fromHex(testing::kIpv4TcpSynMss), p), DecodeAnomaly::BadIpVersion);
    EXPECT_EQ(decodeWith(LinkType::Ipv4, Bytes{}, p), DecodeAnomaly::TruncatedIpv4);
    EXPECT_EQ(decodeWith(LinkType::Ipv6, Bytes{}, p), DecodeAnomaly::TruncatedIpv6);
}

/// BSD loopback: (link type, 4-byte family header as hex, expected IP version or 0 for NotIp).
using NullCase = std::tuple<LinkType, std::string, int>;

class NullLoopTest : public ::testing::TestWithParam<NullCase> {};

TEST_P(NullLoopTest, FamilyInEitherByteOrder) {
    const auto& [link_type, family, version] = GetParam();
    const Bytes frame =
        concat({fromHex(family), fromHex(version == 6 ? testing::kIpv6TcpRstAck : testing::kIpv4TcpSynMss)});
    DecodedPacket p;
    const DecodeAnomaly a = decodeWith(link_type, frame, p);
    if (version == 0) {
        EXPECT_EQ(a, DecodeAnomaly::NotIp);
        EXPECT_FALSE(p.hasIp());
    } else if (version == 4) {
        EXPECT_EQ(a, DecodeAnomaly::None);
        expectIpv4SynMss(p);
    } else {
        EXPECT_EQ(a, DecodeAnomaly::None);
        expectIpv6RstAck(p);
    }
}

INSTANTIATE_TEST_SUITE_P(Families, NullLoopTest,
                         ::testing::Combine(::testing::Values(LinkType::Null, LinkType::Loop),
                                            ::testing::Values("02 00 00 00",
                                                              "00 00 00 02"), // AF_INET, little and big endian
                                            ::testing::Values(4)),
                         [](const auto& param_info) {
                             std::string name = std::get<0>(param_info.param) == LinkType::Null ? "Null" : "Loop";
                             return name +
                                    (std::get<1>(param_info.param) == "02 00 00 00" ? "LittleEndian" : "BigEndian");
                         });

INSTANTIATE_TEST_SUITE_P(Inet6, NullLoopTest,
                         ::testing::Values(
                             // AF_INET6: Linux 10, NetBSD/OpenBSD 24, FreeBSD 28, macOS 30; both byte orders.
                             NullCase{LinkType::Null, "0a 00 00 00", 6}, NullCase{LinkType::Null, "00 00 00 0a", 6},
                             NullCase{LinkType::Null, "18 00 00 00", 6}, NullCase{LinkType::Loop, "00 00 00 18", 6},
                             NullCase{LinkType::Null, "1c 00 00 00", 6}, NullCase{LinkType::Loop, "00 00 00 1c", 6},
                             NullCase{LinkType::Null, "1e 00 00 00", 6}, NullCase{LinkType::Loop, "00 00 00 1e", 6},
                             NullCase{LinkType::Loop, "1e 00 00 00", 6}, NullCase{LinkType::Null, "00 00 00 1e", 6}));

INSTANTIATE_TEST_SUITE_P(Other, NullLoopTest,
                         ::testing::Values(
                             // AF_UNSPEC, AF_IPX (23 on BSD), AF_APPLETALK, and garbage: not IP.
                             NullCase{LinkType::Null, "00 00 00 00", 0}, NullCase{LinkType::Null, "17 00 00 00", 0},
                             NullCase{LinkType::Loop, "00 00 00 10", 0}, NullCase{LinkType::Loop, "12 34 56 78", 0}));

TEST(LinkLayerTest, NullShorterThanFamilyIsTruncatedLink) {
    const Bytes frame = concat({fromHex("02 00 00 00"), fromHex(testing::kIpv4TcpSynMss)});
    for (LinkType type : {LinkType::Null, LinkType::Loop}) {
        PacketDecoder decoder(type);
        for (size_t length = 0; length < 4; ++length) {
            DecodedPacket p;
            EXPECT_EQ(testing::decodeExact(decoder, frame, length, p), DecodeAnomaly::TruncatedLink) << length;
        }
        DecodedPacket p;
        EXPECT_EQ(testing::decodeExact(decoder, frame, 4, p), DecodeAnomaly::TruncatedIpv4);
    }
}

TEST(LinkLayerTest, DecoderReportsItsLinkType) {
    for (LinkType type : {LinkType::Ethernet, LinkType::LinuxSll, LinkType::LinuxSll2, LinkType::RawIp, LinkType::Ipv4,
                          LinkType::Ipv6, LinkType::Null, LinkType::Loop}) {
        EXPECT_EQ(PacketDecoder(type).linkType(), type);
    }
}

TEST(LinkLayerTest, DecodeKeepsTimestampAndWireLengthButResetsTheRest) {
    DecodedPacket p;
    p.ts = 1'700'000'000'123'456;
    p.wire_length = 1514;
    p.src_port = 9999;
    p.has_quote = true;
    p.mss = 7;
    EXPECT_EQ(decodeWith(LinkType::Ethernet, fromHex(testing::kEthArp), p), DecodeAnomaly::NotIp);
    EXPECT_EQ(p.ts, 1'700'000'000'123'456);
    EXPECT_EQ(p.wire_length, 1514U);
    EXPECT_EQ(p.src_port, 0);
    EXPECT_FALSE(p.has_quote);
    EXPECT_EQ(p.mss, 0);
}

} // namespace
} // namespace kansoku::capture
