// IPv4 (RFC 791) and IPv6 (RFC 8200) decoding: fields, header length and total length checks,
// Ethernet padding, fragments, and the IPv6 extension header chain.

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

// ---- IPv4 ------------------------------------------------------------------------------------

TEST(Ipv4Test, Fields) {
    DecodedPacket p;
    ASSERT_EQ(decodeWith(LinkType::Ipv4, fromHex(testing::kIpv4TcpSynMss), p), DecodeAnomaly::None);
    EXPECT_EQ(p.ip_version, 4);
    EXPECT_TRUE(p.src.isV4());
    EXPECT_EQ(p.src, ip("198.51.100.7"));
    EXPECT_EQ(p.dst, ip("203.0.113.10"));
    EXPECT_EQ(p.src.toString(), "198.51.100.7");
    EXPECT_EQ(p.ttl, 243);
    EXPECT_EQ(p.ip_id, 0xbeef);
    EXPECT_EQ(p.protocol, ip_proto::kTcp);
    EXPECT_FALSE(p.fragment);
    EXPECT_TRUE(p.transport_valid);

    ASSERT_EQ(decodeWith(LinkType::Ipv4, fromHex(testing::kIpv4Udp), p), DecodeAnomaly::None);
    EXPECT_EQ(p.src, ip("198.51.100.8"));
    EXPECT_EQ(p.dst, ip("203.0.113.20"));
    EXPECT_EQ(p.ttl, 50);
    EXPECT_EQ(p.ip_id, 0x1234);
    EXPECT_EQ(p.protocol, ip_proto::kUdp);
}

TEST(Ipv4Test, HeaderLengthBelowFiveIsBad) {
    for (uint8_t ihl = 0; ihl < 5; ++ihl) {
        Bytes packet = fromHex(testing::kIpv4TcpSynMss);
        packet[0] = static_cast<uint8_t>(0x40 | ihl);
        DecodedPacket p;
        EXPECT_EQ(decodeWith(LinkType::Ipv4, packet, p), DecodeAnomaly::BadIpv4HeaderLength) << int{ihl};
        EXPECT_FALSE(p.hasIp());
        EXPECT_FALSE(p.transport_valid);
    }
}

TEST(Ipv4Test, HeaderWithOptions) {
    // IHL 7: a record-route option (07 07 04 00000000) and an end-of-options byte, then TCP 3 -> 4.
    DecodedPacket p;
    ASSERT_EQ(decodeWith(LinkType::Ipv4, fromHex(testing::kIpv4OptionsTcp), p), DecodeAnomaly::None);
    EXPECT_EQ(p.src, ip("198.51.100.13"));
    EXPECT_EQ(p.dst, ip("203.0.113.13"));
    EXPECT_TRUE(p.isTcp());
    EXPECT_EQ(p.src_port, 3);
    EXPECT_EQ(p.dst_port, 4);
    EXPECT_EQ(p.tcp_flags, tcp_flag::kSyn);
}

TEST(Ipv4Test, MaximalHeaderLength) {
    // IHL 15: 40 bytes of NOP options, then a UDP header.
    Bytes packet = fromHex("4f 00 00 44 00 00 00 00 40 11 00 00 c6 33 64 01 cb 00 71 01");
    packet.insert(packet.end(), 40, 0x01);
    const Bytes udp = fromHex("00 07 00 09 00 08 00 00");
    packet.insert(packet.end(), udp.begin(), udp.end());
    DecodedPacket p;
    ASSERT_EQ(decodeWith(LinkType::Ipv4, packet, p), DecodeAnomaly::None);
    EXPECT_TRUE(p.isUdp());
    EXPECT_EQ(p.src_port, 7);
    EXPECT_EQ(p.dst_port, 9);
}

TEST(Ipv4Test, HeaderLongerThanCaptureIsTruncated) {
    // IHL 7 (28 bytes) but only 20..27 bytes present.
    const Bytes packet = fromHex(testing::kIpv4OptionsTcp);
    PacketDecoder decoder(LinkType::Ipv4);
    for (size_t length = 20; length < 28; ++length) {
        DecodedPacket p;
        EXPECT_EQ(testing::decodeExact(decoder, packet, length, p), DecodeAnomaly::TruncatedIpv4) << length;
        EXPECT_FALSE(p.hasIp());
    }
}

TEST(Ipv4Test, TotalLengthBelowHeaderLengthIsBad) {
    for (uint16_t total : {0, 1, 19}) {
        Bytes packet = fromHex(testing::kIpv4TcpSynMss);
        set16(packet, 2, total);
        DecodedPacket p;
        EXPECT_EQ(decodeWith(LinkType::Ipv4, packet, p), DecodeAnomaly::BadIpv4TotalLength) << total;
        EXPECT_FALSE(p.hasIp());
    }
    // With options the header is 28 bytes: a total length of 20..27 is still too small.
    for (uint16_t total : {20, 27}) {
        Bytes packet = fromHex(testing::kIpv4OptionsTcp);
        set16(packet, 2, total);
        DecodedPacket p;
        EXPECT_EQ(decodeWith(LinkType::Ipv4, packet, p), DecodeAnomaly::BadIpv4TotalLength) << total;
    }
}

TEST(Ipv4Test, TotalLengthEqualToHeaderLeavesNoTransport) {
    Bytes packet = fromHex(testing::kIpv4TcpSynMss);
    set16(packet, 2, 20);
    DecodedPacket p;
    EXPECT_EQ(decodeWith(LinkType::Ipv4, packet, p), DecodeAnomaly::TruncatedTcp);
    EXPECT_TRUE(p.hasIp());
    EXPECT_EQ(p.src, ip("198.51.100.7"));
    EXPECT_FALSE(p.transport_valid);
    EXPECT_EQ(p.src_port, 0);
}

TEST(Ipv4Test, EthernetPaddingIsNotReadAsTransport) {
    // A 20-byte IPv4 header claiming UDP with total length 20, padded to Ethernet's 60-byte minimum
    // with bytes that would look like a UDP header: the decoder must stop at the total length.
    Bytes ip_header = fromHex("45 00 00 14 00 01 00 00 40 11 00 00 c6 33 64 01 cb 00 71 01");
    Bytes frame = concat({fromHex(testing::kEthIpv4), ip_header});
    const Bytes padding = fromHex("13 88 00 35 00 08 00 00 13 88 00 35 00 08 00 00 13 88 00 35 00 08 00 00 00 00");
    frame.insert(frame.end(), padding.begin(), padding.end());
    ASSERT_EQ(frame.size(), 60U);
    DecodedPacket p;
    EXPECT_EQ(decodeWith(LinkType::Ethernet, frame, p), DecodeAnomaly::TruncatedUdp);
    EXPECT_TRUE(p.hasIp());
    EXPECT_FALSE(p.transport_valid);
    EXPECT_EQ(p.src_port, 0);
    EXPECT_EQ(p.dst_port, 0);
}

TEST(Ipv4Test, EthernetPaddingIsNotReadAsTcpOptions) {
    // A SYN with data offset 6 (24 bytes) whose IPv4 total length only covers 20 bytes of TCP; the
    // 4 bytes after it are Ethernet padding shaped like an MSS option.
    Bytes packet = fromHex(testing::kIpv4TcpSynMss);
    set16(packet, 2, 40);
    Bytes frame = concat({fromHex(testing::kEthIpv4), packet});
    frame.resize(60, 0);
    DecodedPacket p;
    EXPECT_EQ(decodeWith(LinkType::Ethernet, frame, p), DecodeAnomaly::TruncatedTcp);
    EXPECT_FALSE(p.transport_valid);
    EXPECT_EQ(p.mss, 0);
}

TEST(Ipv4Test, PaddedShortFrameDecodes) {
    // A SYN with a 20-byte TCP header (40 bytes of IP) padded to 60 with bytes shaped like an MSS option: the
    // options are what the data offset says (none), not the padding.
    Bytes tcp = fromHex(testing::kIpv4FragFirst);
    Bytes frame = concat({fromHex(testing::kEthIpv4), tcp});
    const Bytes padding = fromHex("02 04 05 b4 00 00");
    frame.insert(frame.end(), padding.begin(), padding.end());
    ASSERT_EQ(frame.size(), 60U);
    DecodedPacket p;
    ASSERT_EQ(decodeWith(LinkType::Ethernet, frame, p), DecodeAnomaly::None);
    EXPECT_TRUE(p.isTcp());
    EXPECT_EQ(p.mss, 0);
    EXPECT_EQ(p.tcp_option_count, 0);
    EXPECT_EQ(p.tcp_options_length, 0);

    // The same for ICMP and UDP fixtures, whose total lengths are below 46.
    for (std::string_view fixture : {testing::kIpv4IcmpEcho, testing::kIpv4Udp}) {
        Bytes padded = concat({fromHex(testing::kEthIpv4), fromHex(fixture)});
        padded.resize(60, 0xee);
        EXPECT_EQ(decodeWith(LinkType::Ethernet, padded, p), DecodeAnomaly::None);
        EXPECT_TRUE(p.transport_valid);
    }
}

TEST(Ipv4Test, NonFirstFragment) {
    DecodedPacket p;
    EXPECT_EQ(decodeWith(LinkType::Ipv4, fromHex(testing::kIpv4FragLater), p), DecodeAnomaly::Fragment);
    EXPECT_TRUE(p.hasIp());
    EXPECT_EQ(p.src, ip("198.51.100.11"));
    EXPECT_EQ(p.dst, ip("203.0.113.11"));
    EXPECT_EQ(p.ip_id, 0x7777);
    EXPECT_EQ(p.protocol, ip_proto::kTcp);
    EXPECT_TRUE(p.fragment);
    EXPECT_FALSE(p.transport_valid);
    EXPECT_FALSE(p.isTcp());
    // The bytes after the header are zero here, but even non-zero bytes must not become ports.
    Bytes packet = fromHex(testing::kIpv4FragLater);
    std::fill(packet.begin() + 20, packet.end(), 0x77);
    EXPECT_EQ(decodeWith(LinkType::Ipv4, packet, p), DecodeAnomaly::Fragment);
    EXPECT_EQ(p.src_port, 0);
    EXPECT_EQ(p.dst_port, 0);
    EXPECT_EQ(p.tcp_flags, 0);
}

TEST(Ipv4Test, LastFragmentWithOnlyOffsetBitsSet) {
    // Offset 1 (8 bytes), MF clear and the DF bit set: still a non-first fragment.
    Bytes packet = fromHex(testing::kIpv4FragLater);
    set16(packet, 6, 0x4001);
    DecodedPacket p;
    EXPECT_EQ(decodeWith(LinkType::Ipv4, packet, p), DecodeAnomaly::Fragment);
}

TEST(Ipv4Test, FirstFragmentDecodesNormally) {
    DecodedPacket p;
    ASSERT_EQ(decodeWith(LinkType::Ipv4, fromHex(testing::kIpv4FragFirst), p), DecodeAnomaly::None);
    EXPECT_FALSE(p.fragment);
    EXPECT_TRUE(p.isTcp());
    EXPECT_EQ(p.ip_id, 0x7778);
    EXPECT_EQ(p.src_port, 1);
    EXPECT_EQ(p.dst_port, 2);
    EXPECT_EQ(p.tcp_flags, tcp_flag::kSyn);
}

TEST(Ipv4Test, DontFragmentBitIsNotAFragment) {
    Bytes packet = fromHex(testing::kIpv4TcpSynMss);
    set16(packet, 6, 0x4000);
    DecodedPacket p;
    EXPECT_EQ(decodeWith(LinkType::Ipv4, packet, p), DecodeAnomaly::None);
    EXPECT_FALSE(p.fragment);
}

TEST(Ipv4Test, OtherProtocolsHaveAddressesButNoTransport) {
    for (uint8_t protocol :
         {uint8_t{47} /* GRE */, uint8_t{50} /* ESP */, uint8_t{132} /* SCTP */, ip_proto::kIcmpv6}) {
        Bytes packet = fromHex(testing::kIpv4TcpSynMss);
        packet[9] = protocol;
        DecodedPacket p;
        EXPECT_EQ(decodeWith(LinkType::Ipv4, packet, p), DecodeAnomaly::None) << int{protocol};
        EXPECT_TRUE(p.hasIp());
        EXPECT_EQ(p.protocol, protocol);
        EXPECT_FALSE(p.transport_valid);
        EXPECT_EQ(p.src_port, 0);
    }
}

TEST(Ipv4Test, ShorterThanMinimumHeader) {
    const Bytes packet = fromHex(testing::kIpv4TcpSynMss);
    PacketDecoder decoder(LinkType::Ipv4);
    for (size_t length = 0; length < 20; ++length) {
        DecodedPacket p;
        EXPECT_EQ(testing::decodeExact(decoder, packet, length, p), DecodeAnomaly::TruncatedIpv4) << length;
        EXPECT_FALSE(p.hasIp());
    }
}

// ---- IPv6 ------------------------------------------------------------------------------------

/// An IPv6 header (2001:db8::a -> 2001:db8::b, hop limit 33) with the given next header and
/// payload length, then `payload`.
Bytes ipv6Packet(uint8_t next_header, const Bytes& payload, int payload_length = -1) {
    Bytes packet = fromHex("60 00 00 00 00 00 00 21 "
                           "20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 0a "
                           "20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 0b");
    set16(packet, 4, static_cast<uint16_t>(payload_length < 0 ? payload.size() : payload_length));
    packet[6] = next_header;
    packet.insert(packet.end(), payload.begin(), payload.end());
    return packet;
}

const Bytes kUdp5000To5001 = fromHex("13 88 13 89 00 08 00 00");

/// `count` destination-options headers (8 bytes each, PadN), the last pointing at UDP.
Bytes destinationOptionsChain(int count) {
    Bytes chain;
    for (int i = 0; i < count; ++i) {
        const uint8_t next = i + 1 < count ? 60 : ip_proto::kUdp;
        const Bytes header = {next, 0, 1, 4, 0, 0, 0, 0};
        chain.insert(chain.end(), header.begin(), header.end());
    }
    chain.insert(chain.end(), kUdp5000To5001.begin(), kUdp5000To5001.end());
    return chain;
}

TEST(Ipv6Test, Fields) {
    DecodedPacket p;
    ASSERT_EQ(decodeWith(LinkType::Ipv6, fromHex(testing::kIpv6TcpRstAck), p), DecodeAnomaly::None);
    EXPECT_EQ(p.ip_version, 6);
    EXPECT_FALSE(p.src.isV4());
    EXPECT_EQ(p.src, ip("2001:db8::1"));
    EXPECT_EQ(p.dst, ip("2001:db8:ffff::2"));
    EXPECT_EQ(p.dst.toString(), "2001:db8:ffff::2");
    EXPECT_EQ(p.ttl, 57);
    EXPECT_EQ(p.ip_id, 0);
    EXPECT_EQ(p.protocol, ip_proto::kTcp);
    EXPECT_FALSE(p.fragment);
    EXPECT_TRUE(p.isTcp());
}

TEST(Ipv6Test, ExtensionChainHopByHopRoutingDestinationOptions) {
    DecodedPacket p;
    ASSERT_EQ(decodeWith(LinkType::Ipv6, fromHex(testing::kIpv6ExtChainUdp), p), DecodeAnomaly::None);
    EXPECT_EQ(p.protocol, ip_proto::kUdp);
    EXPECT_TRUE(p.isUdp());
    EXPECT_EQ(p.src_port, 5000);
    EXPECT_EQ(p.dst_port, 5001);
    EXPECT_EQ(p.src, ip("2001:db8::10"));
}

TEST(Ipv6Test, LongExtensionHeaderLength) {
    // Hop-by-hop with Hdr Ext Len 2: 24 bytes (a PadN filling the rest), then UDP.
    Bytes payload = fromHex("11 02 01 14 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00");
    payload.insert(payload.end(), kUdp5000To5001.begin(), kUdp5000To5001.end());
    DecodedPacket p;
    ASSERT_EQ(decodeWith(LinkType::Ipv6, ipv6Packet(0, payload), p), DecodeAnomaly::None);
    EXPECT_TRUE(p.isUdp());
    EXPECT_EQ(p.src_port, 5000);
}

TEST(Ipv6Test, AuthenticationHeaderLengthInFourOctetUnits) {
    // AH (RFC 4302): Payload Len 4 -> (4 + 2) * 4 = 24 bytes, then UDP.
    Bytes payload = fromHex("11 04 00 00 00 00 01 00 00 00 00 01 00 00 00 00 00 00 00 00 00 00 00 00");
    payload.insert(payload.end(), kUdp5000To5001.begin(), kUdp5000To5001.end());
    DecodedPacket p;
    ASSERT_EQ(decodeWith(LinkType::Ipv6, ipv6Packet(51, payload), p), DecodeAnomaly::None);
    EXPECT_TRUE(p.isUdp());
    EXPECT_EQ(p.dst_port, 5001);
}

TEST(Ipv6Test, FirstFragmentDecodesTransport) {
    DecodedPacket p;
    ASSERT_EQ(decodeWith(LinkType::Ipv6, fromHex(testing::kIpv6Frag0Udp), p), DecodeAnomaly::None);
    EXPECT_FALSE(p.fragment);
    EXPECT_EQ(p.protocol, ip_proto::kUdp);
    EXPECT_TRUE(p.isUdp());
    EXPECT_EQ(p.src_port, 6000);
    EXPECT_EQ(p.dst_port, 6001);
}

TEST(Ipv6Test, NonFirstFragment) {
    DecodedPacket p;
    EXPECT_EQ(decodeWith(LinkType::Ipv6, fromHex(testing::kIpv6FragLater), p), DecodeAnomaly::Fragment);
    EXPECT_TRUE(p.hasIp());
    EXPECT_EQ(p.src, ip("2001:db8::30"));
    EXPECT_EQ(p.dst, ip("2001:db8::40"));
    EXPECT_TRUE(p.fragment);
    EXPECT_EQ(p.protocol, ip_proto::kUdp);
    EXPECT_FALSE(p.transport_valid);
    EXPECT_EQ(p.src_port, 0);
}

TEST(Ipv6Test, FragmentAfterOtherExtensions) {
    // hop-by-hop, then a fragment header with offset 8 (0x0040), then would-be UDP.
    Bytes payload = fromHex("2c 00 01 04 00 00 00 00 11 00 00 40 00 00 00 01");
    payload.insert(payload.end(), kUdp5000To5001.begin(), kUdp5000To5001.end());
    DecodedPacket p;
    EXPECT_EQ(decodeWith(LinkType::Ipv6, ipv6Packet(0, payload), p), DecodeAnomaly::Fragment);
    EXPECT_TRUE(p.fragment);
    EXPECT_EQ(p.protocol, ip_proto::kUdp);
    EXPECT_FALSE(p.transport_valid);
}

TEST(Ipv6Test, EightExtensionHeadersAreFollowed) {
    DecodedPacket p;
    ASSERT_EQ(decodeWith(LinkType::Ipv6, ipv6Packet(60, destinationOptionsChain(8)), p), DecodeAnomaly::None);
    EXPECT_TRUE(p.isUdp());
    EXPECT_EQ(p.src_port, 5000);
}

TEST(Ipv6Test, TooManyExtensionHeaders) {
    for (int count : {9, 10, 30}) {
        DecodedPacket p;
        EXPECT_EQ(decodeWith(LinkType::Ipv6, ipv6Packet(60, destinationOptionsChain(count)), p),
                  DecodeAnomaly::TooManyIpv6Extensions)
            << count;
        EXPECT_TRUE(p.hasIp());
        EXPECT_FALSE(p.transport_valid);
    }
}

TEST(Ipv6Test, TruncatedExtensionHeader) {
    // Hop-by-hop claiming 16 bytes (Hdr Ext Len 1) with only 8..15 present (payload length agrees).
    const Bytes hop_by_hop = fromHex("11 01 01 0c 00 00 00 00 00 00 00 00 00 00 00 00");
    for (size_t present = 0; present < hop_by_hop.size(); ++present) {
        const Bytes payload(hop_by_hop.begin(), hop_by_hop.begin() + static_cast<std::ptrdiff_t>(present));
        DecodedPacket p;
        EXPECT_EQ(decodeWith(LinkType::Ipv6, ipv6Packet(0, payload), p), DecodeAnomaly::TruncatedIpv6Extension)
            << present;
        EXPECT_TRUE(p.hasIp());
        EXPECT_FALSE(p.transport_valid);
    }
    // The fragment and AH headers are checked the same way.
    for (uint8_t next : {44, 51}) {
        DecodedPacket p;
        EXPECT_EQ(decodeWith(LinkType::Ipv6, ipv6Packet(next, fromHex("11 00 00 00")), p),
                  DecodeAnomaly::TruncatedIpv6Extension)
            << int{next};
    }
    // AH claiming (4 + 2) * 4 = 24 bytes with only 8 present.
    DecodedPacket p;
    EXPECT_EQ(decodeWith(LinkType::Ipv6, ipv6Packet(51, fromHex("11 04 00 00 00 00 00 00")), p),
              DecodeAnomaly::TruncatedIpv6Extension);
}

TEST(Ipv6Test, PayloadLengthBoundsTheExtensionChain) {
    // The bytes are all there, but the payload length stops inside the hop-by-hop header.
    Bytes payload = fromHex("11 01 01 0c 00 00 00 00 00 00 00 00 00 00 00 00");
    payload.insert(payload.end(), kUdp5000To5001.begin(), kUdp5000To5001.end());
    DecodedPacket p;
    EXPECT_EQ(decodeWith(LinkType::Ipv6, ipv6Packet(0, payload, 12), p), DecodeAnomaly::TruncatedIpv6Extension);
}

TEST(Ipv6Test, PayloadLengthBoundsTransport) {
    // Payload length 4 with 8 bytes of UDP after the header (e.g. Ethernet padding): truncated UDP.
    DecodedPacket p;
    EXPECT_EQ(decodeWith(LinkType::Ipv6, ipv6Packet(ip_proto::kUdp, kUdp5000To5001, 4), p),
              DecodeAnomaly::TruncatedUdp);
    EXPECT_FALSE(p.transport_valid);
    EXPECT_EQ(p.src_port, 0);
}

TEST(Ipv6Test, ZeroPayloadLengthIsBoundedByCaptureOnly) {
    // A jumbogram (RFC 2675) carries payload length 0; what was captured is decoded.
    DecodedPacket p;
    ASSERT_EQ(decodeWith(LinkType::Ipv6, ipv6Packet(ip_proto::kUdp, kUdp5000To5001, 0), p), DecodeAnomaly::None);
    EXPECT_TRUE(p.isUdp());
    EXPECT_EQ(p.src_port, 5000);
}

TEST(Ipv6Test, NoNextHeaderAndUnknownProtocols) {
    for (uint8_t next :
         {uint8_t{59} /* no next header */, uint8_t{50} /* ESP */, uint8_t{132} /* SCTP */, ip_proto::kIcmp}) {
        DecodedPacket p;
        EXPECT_EQ(decodeWith(LinkType::Ipv6, ipv6Packet(next, kUdp5000To5001), p), DecodeAnomaly::None) << int{next};
        EXPECT_TRUE(p.hasIp());
        EXPECT_EQ(p.protocol, next);
        EXPECT_FALSE(p.transport_valid);
    }
}

TEST(Ipv6Test, ShorterThanFixedHeader) {
    const Bytes packet = fromHex(testing::kIpv6TcpRstAck);
    PacketDecoder decoder(LinkType::Ipv6);
    for (size_t length = 0; length < 40; ++length) {
        DecodedPacket p;
        EXPECT_EQ(testing::decodeExact(decoder, packet, length, p), DecodeAnomaly::TruncatedIpv6) << length;
        EXPECT_FALSE(p.hasIp());
    }
}

} // namespace
} // namespace kansoku::capture
