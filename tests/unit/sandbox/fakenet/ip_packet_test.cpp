#include <gtest/gtest.h>

#include "capture/packet_builder.h"
#include "packet_check.h"
#include "sandbox/fakenet/ip_packet.h"

namespace kansoku::sandbox::fakenet {
namespace {

using test::ip;

TEST(IpPacketTest, ParsesIpv4TcpBuiltByCapture) {
    capture::PacketBuilder builder(false);
    const auto frame = builder.tcp({ip("198.51.100.77"), ip("203.0.113.10"), 61, 4242},
                                   {40000, 23, 7, 0, capture::tcp_flag::kSyn, 1024, 1460});
    IpView v;
    ASSERT_EQ(parseIp(frame, v), IpParseResult::Ok);
    EXPECT_EQ(v.version, 4);
    EXPECT_EQ(v.src, ip("198.51.100.77"));
    EXPECT_EQ(v.dst, ip("203.0.113.10"));
    EXPECT_EQ(v.ttl, 61);
    EXPECT_EQ(v.ip_id, 4242);
    EXPECT_EQ(v.protocol, ip_protocol::kTcp);
    EXPECT_FALSE(v.fragment);
    EXPECT_EQ(v.transport.size(), 24U); // 20 + MSS option
    EXPECT_EQ(v.packet.size(), frame.size());
}

TEST(IpPacketTest, TrimsToStatedLengthAndRejectsLies) {
    capture::PacketBuilder builder(false);
    const auto frame = builder.udp({ip("198.51.100.77"), ip("192.0.2.1")}, 1, 2);
    std::vector<uint8_t> padded(frame.begin(), frame.end());
    padded.resize(padded.size() + 6, 0xee); // trailing bytes after the datagram
    IpView v;
    ASSERT_EQ(parseIp(padded, v), IpParseResult::Ok);
    EXPECT_EQ(v.packet.size(), frame.size());
    EXPECT_EQ(v.transport.size(), 8U);

    std::vector<uint8_t> lying(frame.begin(), frame.end());
    lying[3] = static_cast<uint8_t>(lying[3] + 1); // total length one past the bytes read
    EXPECT_EQ(parseIp(lying, v), IpParseResult::BadTotalLength);
    std::vector<uint8_t> short_ihl(frame.begin(), frame.end());
    short_ihl[0] = 0x44;
    EXPECT_EQ(parseIp(short_ihl, v), IpParseResult::BadHeaderLength);
    std::vector<uint8_t> long_ihl(frame.begin(), frame.end());
    long_ihl[0] = 0x4f; // 60-byte header in a 28-byte packet
    EXPECT_EQ(parseIp(long_ihl, v), IpParseResult::Truncated);
    EXPECT_EQ(parseIp(std::span(frame.data(), 19), v), IpParseResult::Truncated);
    EXPECT_EQ(parseIp({}, v), IpParseResult::Truncated);
    const uint8_t v5[20] = {0x55};
    EXPECT_EQ(parseIp(v5, v), IpParseResult::BadVersion);
}

TEST(IpPacketTest, MarksIpv4Fragments) {
    capture::PacketBuilder builder(false);
    const auto frame = builder.udp({ip("198.51.100.77"), ip("192.0.2.1")}, 1, 2);
    std::vector<uint8_t> first(frame.begin(), frame.end());
    first[6] = 0x20; // MF
    IpView v;
    ASSERT_EQ(parseIp(first, v), IpParseResult::Ok);
    EXPECT_TRUE(v.fragment);
}

TEST(IpPacketTest, FollowsIpv6ExtensionHeaders) {
    // IPv6 with hop-by-hop (8 bytes) then UDP.
    const auto packet = buildIpPacket(ip("2001:db8::77"), ip("2001:db8::1"), 0,
                                      std::vector<uint8_t>{17, 0, 1, 4, 0, 0, 0, 0, /*udp*/ 0, 1, 0, 53, 0, 8, 0, 0});
    IpView v;
    ASSERT_EQ(parseIp(packet, v), IpParseResult::Ok);
    EXPECT_EQ(v.version, 6);
    EXPECT_EQ(v.protocol, ip_protocol::kUdp);
    ASSERT_EQ(v.transport.size(), 8U);
    EXPECT_EQ(v.transport[3], 53);

    // A chain of hop-by-hop headers longer than we follow.
    std::vector<uint8_t> chain;
    for (int i = 0; i < 10; ++i) {
        chain.insert(chain.end(), {0, 0, 0, 0, 0, 0, 0, 0});
    }
    EXPECT_EQ(parseIp(buildIpPacket(ip("2001:db8::77"), ip("2001:db8::1"), 0, chain), v),
              IpParseResult::TooManyExtensions);
    // An extension header running past the end.
    EXPECT_EQ(parseIp(buildIpPacket(ip("2001:db8::77"), ip("2001:db8::1"), 0, std::vector<uint8_t>{17, 5, 0, 0}), v),
              IpParseResult::Truncated);
}

TEST(IpPacketTest, BuildsPacketsWhoseChecksumsVerify) {
    const std::vector<uint8_t> udp = {0x00, 0x35, 0x9c, 0x40, 0x00, 0x0b, 0xaa, 0xbb, 'a', 'b', 'c'};
    const auto v4 = buildIpPacket(ip("8.8.8.8"), ip("198.51.100.77"), ip_protocol::kUdp, udp, 64, 7);
    EXPECT_TRUE(test::checksumsValid(v4));
    const auto d = test::decode(v4);
    EXPECT_TRUE(d.isUdp());
    EXPECT_EQ(d.src, ip("8.8.8.8"));
    EXPECT_EQ(d.dst_port, 40000);
    EXPECT_EQ(d.ip_id, 7);

    const auto v6 = buildIpPacket(ip("2001:db8::53"), ip("2001:db8::77"), ip_protocol::kUdp, udp);
    EXPECT_TRUE(test::checksumsValid(v6));
    const std::vector<uint8_t> echo = {129, 0, 0, 0, 0x12, 0x34, 0, 1, 'p', 'i', 'n', 'g', '!'};
    EXPECT_TRUE(test::checksumsValid(buildIpPacket(ip("2001:db8::9"), ip("2001:db8::77"), ip_protocol::kIcmpv6, echo)));
    EXPECT_TRUE(test::checksumsValid(buildIpPacket(ip("203.0.113.9"), ip("198.51.100.77"), ip_protocol::kIcmp, echo)));

    // The check can fail: flip one payload bit.
    auto broken = v4;
    broken.back() ^= 1;
    EXPECT_FALSE(test::checksumsValid(broken));
}

TEST(IpPacketTest, ChecksumMatchesRfc1071Example) {
    // RFC 1071 section 3: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2 (before the complement).
    const std::vector<uint8_t> data = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
    EXPECT_EQ(checksumFold(checksumAdd(data)), static_cast<uint16_t>(~0xddf2));
}

} // namespace
} // namespace kansoku::sandbox::fakenet
