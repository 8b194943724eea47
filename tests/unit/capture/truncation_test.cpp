// Every truncation point: each prefix of a representative frame is copied into a heap buffer of
// exactly its size (so AddressSanitizer reports any over-read) and decoded; the anomaly must be the
// one for the layer that was cut, and a transport header that is incomplete is never reported.
//
// The IPv4 decoder bounds the transport by min(captured, total length): a cut frame whose total
// length still claims more is truncated at the transport layer, not at IPv4.

#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "capture/packet_builder.h"
#include "capture/packet_decoder.h"
#include "capture_test_support.h"
#include "hex_fixtures.h"

namespace kansoku::capture {
namespace {

using testing::Bytes;
using testing::concat;
using testing::fromHex;
using testing::ip;

/// Prefixes shorter than `below` (and not covered by an earlier range) decode to `anomaly`.
struct Range {
    size_t below;
    DecodeAnomaly anomaly;
};

struct TruncationCase {
    std::string name;
    LinkType link_type;
    Bytes frame;
    std::vector<Range> ranges;                                      ///< in increasing order of `below`
    std::function<void(size_t, const DecodedPacket&)> extra_checks; ///< optional, per prefix length
};

DecodeAnomaly expectedFor(const TruncationCase& c, size_t length) {
    for (const Range& r : c.ranges) {
        if (length < r.below) {
            return r.anomaly;
        }
    }
    return DecodeAnomaly::None;
}

bool isLinkOrIpFailure(DecodeAnomaly a) {
    switch (a) {
    case DecodeAnomaly::TruncatedLink:
    case DecodeAnomaly::TooManyVlanTags:
    case DecodeAnomaly::TruncatedIpv4:
    case DecodeAnomaly::TruncatedIpv6:
    case DecodeAnomaly::BadIpVersion:
    case DecodeAnomaly::BadIpv4HeaderLength:
    case DecodeAnomaly::BadIpv4TotalLength:
    case DecodeAnomaly::NotIp:
        return true;
    default:
        return false;
    }
}

void checkEveryPrefix(const TruncationCase& c) {
    SCOPED_TRACE(c.name);
    ASSERT_FALSE(c.ranges.empty());
    ASSERT_LT(c.ranges.back().below, c.frame.size() + 1) << "ranges must end within the frame";
    PacketDecoder decoder(c.link_type);
    std::array<uint64_t, kDecodeAnomalyCount> expected_counts{};
    for (size_t length = 0; length <= c.frame.size(); ++length) {
        DecodedPacket p;
        const DecodeAnomaly expected = expectedFor(c, length);
        const DecodeAnomaly actual = testing::decodeExact(decoder, c.frame, length, p);
        ++expected_counts[static_cast<size_t>(expected)];
        EXPECT_EQ(anomalyName(actual), anomalyName(expected)) << "prefix length " << length;
        if (isLinkOrIpFailure(expected)) {
            EXPECT_FALSE(p.hasIp()) << "prefix length " << length;
        } else {
            EXPECT_TRUE(p.hasIp()) << "prefix length " << length;
        }
        if (expected != DecodeAnomaly::None && expected != DecodeAnomaly::BadIcmpQuote) {
            // An incomplete transport header must not be reported, even partly.
            EXPECT_FALSE(p.transport_valid) << "prefix length " << length;
            EXPECT_FALSE(p.isTcp() || p.isUdp() || p.isIcmp()) << "prefix length " << length;
            EXPECT_EQ(p.src_port, 0) << "prefix length " << length;
            EXPECT_EQ(p.dst_port, 0) << "prefix length " << length;
            EXPECT_EQ(p.tcp_flags, 0) << "prefix length " << length;
            EXPECT_FALSE(p.has_quote) << "prefix length " << length;
        } else {
            EXPECT_TRUE(p.transport_valid) << "prefix length " << length;
        }
        if (c.extra_checks) {
            c.extra_checks(length, p);
        }
    }
    for (size_t i = 0; i < kDecodeAnomalyCount; ++i) {
        EXPECT_EQ(decoder.counters().by_reason[i], expected_counts[i]) << anomalyName(static_cast<DecodeAnomaly>(i));
    }
}

// Ethernet + IPv4 (20) + TCP with MSS (24) = 58 bytes.
TEST(TruncationTest, EthernetIpv4TcpWithMss) {
    TruncationCase c{
        "fixture",
        LinkType::Ethernet,
        concat({fromHex(testing::kEthIpv4), fromHex(testing::kIpv4TcpSynMss)}),
        {{14, DecodeAnomaly::TruncatedLink}, {34, DecodeAnomaly::TruncatedIpv4}, {58, DecodeAnomaly::TruncatedTcp}},
        [](size_t length, const DecodedPacket& p) {
            if (length == 58) {
                EXPECT_EQ(p.mss, 1460);
                EXPECT_EQ(p.dst_port, 23);
            } else {
                EXPECT_EQ(p.mss, 0) << length;
                EXPECT_EQ(p.tcp_option_count, 0) << length;
            }
        }};
    ASSERT_EQ(c.frame.size(), 58U);
    checkEveryPrefix(c);

    PacketBuilder builder;
    c.name = "PacketBuilder";
    c.frame = testing::toBytes(builder.tcp({ip("198.51.100.20"), ip("203.0.113.99"), 55, 0x4242},
                                           {40000, 23, 0x01020304, 0, tcp_flag::kSyn, 29200, 1460}));
    checkEveryPrefix(c);
}

// Ethernet + IPv4 (20) + UDP (8) + 6 bytes of payload = 48 bytes. A cut payload is not an anomaly.
TEST(TruncationTest, EthernetIpv4Udp) {
    TruncationCase c{
        "fixture",
        LinkType::Ethernet,
        concat({fromHex(testing::kEthIpv4), fromHex(testing::kIpv4Udp)}),
        {{14, DecodeAnomaly::TruncatedLink}, {34, DecodeAnomaly::TruncatedIpv4}, {42, DecodeAnomaly::TruncatedUdp}},
        [](size_t length, const DecodedPacket& p) {
            if (length >= 42) {
                EXPECT_EQ(p.src_port, 40000) << length;
                EXPECT_EQ(p.dst_port, 53) << length;
            }
        }};
    ASSERT_EQ(c.frame.size(), 48U);
    checkEveryPrefix(c);

    PacketBuilder builder;
    const uint8_t payload[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    c.name = "PacketBuilder";
    c.frame = testing::toBytes(builder.udp({ip("198.51.100.8"), ip("203.0.113.20")}, 40000, 53, payload));
    checkEveryPrefix(c);
}

// Ethernet + IPv4 (20) + ICMP (8) + quoted IPv4 (20) + quoted TCP (24) = 86 bytes. The ICMP header
// is the transport: once it is whole, a cut quote is BadIcmpQuote (outer kept) until the quoted IP
// header is complete, then a quote without ports until 4 bytes of the quoted TCP header are there.
TEST(TruncationTest, EthernetIpv4IcmpErrorQuotingTcp) {
    const auto check_quote = [](size_t length, const DecodedPacket& p) {
        if (length >= 42) {
            EXPECT_EQ(p.icmp_type, 3) << length;
            EXPECT_EQ(p.icmp_code, 3) << length;
        }
        EXPECT_EQ(p.has_quote, length >= 62) << length;
        EXPECT_EQ(p.quote.has_ports, length >= 66) << length;
        if (length >= 62) {
            EXPECT_EQ(p.quote.src, ip("203.0.113.40")) << length;
            EXPECT_EQ(p.quote.dst, ip("192.0.2.5")) << length;
        }
        if (length >= 66) {
            EXPECT_EQ(p.quote.src_port, 80) << length;
            EXPECT_EQ(p.quote.dst_port, 44444) << length;
        }
    };
    TruncationCase c{"fixture",
                     LinkType::Ethernet,
                     concat({fromHex(testing::kEthIpv4), fromHex(testing::kIpv4IcmpUnreachTcp)}),
                     {{14, DecodeAnomaly::TruncatedLink},
                      {34, DecodeAnomaly::TruncatedIpv4},
                      {42, DecodeAnomaly::TruncatedIcmp},
                      {62, DecodeAnomaly::BadIcmpQuote}},
                     check_quote};
    ASSERT_EQ(c.frame.size(), 86U);
    checkEveryPrefix(c);

    PacketBuilder builder;
    builder.tcp({ip("203.0.113.40"), ip("192.0.2.5"), 51, 0x0202}, {80, 44444, 1, 2, 0x12, 8192, 1400});
    const Bytes quoted = builder.lastIpPacket();
    c.name = "PacketBuilder";
    c.frame = testing::toBytes(builder.icmpError({ip("192.0.2.5"), ip("203.0.113.40"), 60, 0x0101}, 3, 3, quoted));
    checkEveryPrefix(c);
}

// Ethernet + 802.1Q (4) + IPv6 (40) + TCP (20) = 78 bytes.
TEST(TruncationTest, EthernetVlanIpv6Tcp) {
    TruncationCase c{
        "fixture",
        LinkType::Ethernet,
        concat({fromHex(testing::kEthMacs), fromHex("81 00 00 64 86 dd"), fromHex(testing::kIpv6TcpRstAck)}),
        {{18, DecodeAnomaly::TruncatedLink}, {58, DecodeAnomaly::TruncatedIpv6}, {78, DecodeAnomaly::TruncatedTcp}},
        [](size_t length, const DecodedPacket& p) {
            if (length >= 58) {
                EXPECT_EQ(p.src, ip("2001:db8::1")) << length;
                EXPECT_EQ(p.ttl, 57) << length;
            }
        }};
    ASSERT_EQ(c.frame.size(), 78U);
    checkEveryPrefix(c);

    // PacketBuilder writes untagged frames; put a tag in after the MAC addresses.
    PacketBuilder builder;
    Bytes frame = testing::toBytes(builder.tcp({ip("2001:db8::1"), ip("2001:db8:ffff::2"), 57},
                                               {443, 51000, 5, 6, tcp_flag::kRst | tcp_flag::kAck, 0, 1220}));
    const Bytes tag = fromHex("81 00 00 64");
    frame.insert(frame.begin() + 12, tag.begin(), tag.end());
    c.name = "PacketBuilder with MSS";
    c.frame = frame;
    c.ranges.back().below = frame.size();
    c.extra_checks = [](size_t length, const DecodedPacket& p) { EXPECT_EQ(p.mss, length == 82 ? 1220 : 0) << length; };
    ASSERT_EQ(frame.size(), 82U);
    checkEveryPrefix(c);
}

// Ethernet + IPv6 (40) + fragment header (8, offset 0, M=1) + UDP (8) + 8 bytes = 78 bytes.
TEST(TruncationTest, EthernetIpv6FragmentUdp) {
    TruncationCase c{"first fragment",
                     LinkType::Ethernet,
                     concat({fromHex(testing::kEthIpv6), fromHex(testing::kIpv6Frag0Udp)}),
                     {{14, DecodeAnomaly::TruncatedLink},
                      {54, DecodeAnomaly::TruncatedIpv6},
                      {62, DecodeAnomaly::TruncatedIpv6Extension},
                      {70, DecodeAnomaly::TruncatedUdp}},
                     [](size_t length, const DecodedPacket& p) {
                         EXPECT_FALSE(p.fragment) << length;
                         if (length >= 70) {
                             EXPECT_EQ(p.src_port, 6000) << length;
                         }
                     }};
    ASSERT_EQ(c.frame.size(), 78U);
    checkEveryPrefix(c);

    // A later fragment: once the fragment header is whole it is a Fragment, whatever follows.
    TruncationCase later{"later fragment",
                         LinkType::Ethernet,
                         concat({fromHex(testing::kEthIpv6), fromHex(testing::kIpv6FragLater)}),
                         {{14, DecodeAnomaly::TruncatedLink},
                          {54, DecodeAnomaly::TruncatedIpv6},
                          {62, DecodeAnomaly::TruncatedIpv6Extension},
                          {71, DecodeAnomaly::Fragment}},
                         {}};
    ASSERT_EQ(later.frame.size(), 70U);
    // Every prefix from 62 on is a Fragment, the full frame included, so the loop is run here.
    PacketDecoder decoder(LinkType::Ethernet);
    for (size_t length = 0; length <= later.frame.size(); ++length) {
        DecodedPacket p;
        EXPECT_EQ(anomalyName(testing::decodeExact(decoder, later.frame, length, p)),
                  anomalyName(expectedFor(later, length)))
            << length;
        EXPECT_FALSE(p.transport_valid) << length;
        EXPECT_EQ(p.fragment, length >= 62) << length;
    }
}

// Linux SLL (16) + IPv4 (20) + TCP with MSS (24) = 60 bytes.
TEST(TruncationTest, LinuxSllIpv4Tcp) {
    const Bytes sll = fromHex("00 00 00 01 00 06 02 00 00 00 00 02 00 00 08 00");
    TruncationCase c{
        "fixture",
        LinkType::LinuxSll,
        concat({sll, fromHex(testing::kIpv4TcpSynMss)}),
        {{16, DecodeAnomaly::TruncatedLink}, {36, DecodeAnomaly::TruncatedIpv4}, {60, DecodeAnomaly::TruncatedTcp}},
        {}};
    ASSERT_EQ(c.frame.size(), 60U);
    checkEveryPrefix(c);

    PacketBuilder raw(false);
    c.name = "PacketBuilder";
    c.frame = concat({sll, raw.tcp({ip("198.51.100.3"), ip("203.0.113.3")}, {1, 2, 3, 4, tcp_flag::kSyn, 5, 536})});
    checkEveryPrefix(c);
}

// A few more link types, from PacketBuilder frames.
TEST(TruncationTest, OtherLinkTypes) {
    PacketBuilder raw(false);
    const Bytes udp = testing::toBytes(raw.udp({ip("198.51.100.4"), ip("203.0.113.4")}, 123, 123));
    checkEveryPrefix(
        {"NULL + IPv4 + UDP",
         LinkType::Null,
         concat({fromHex("02 00 00 00"), udp}),
         {{4, DecodeAnomaly::TruncatedLink}, {24, DecodeAnomaly::TruncatedIpv4}, {32, DecodeAnomaly::TruncatedUdp}},
         {}});
    checkEveryPrefix(
        {"raw IPv4 + UDP",
         LinkType::RawIp,
         udp,
         {{1, DecodeAnomaly::TruncatedLink}, {20, DecodeAnomaly::TruncatedIpv4}, {28, DecodeAnomaly::TruncatedUdp}},
         {}});

    raw.udp({ip("2001:db8::80"), ip("2001:db8::99")}, 12345, 53);
    const Bytes quoted = raw.lastIpPacket();
    const Bytes icmpv6 = testing::toBytes(raw.icmpError({ip("2001:db8::70"), ip("2001:db8::80")}, 1, 4, quoted));
    ASSERT_EQ(icmpv6.size(), 40U + 8U + 48U);
    const Bytes sll2 = fromHex("86 dd 00 00 00 00 00 02 00 01 00 06 02 00 00 00 00 02 00 00");
    checkEveryPrefix({"SLL2 + IPv6 + ICMPv6 error quoting UDP",
                      LinkType::LinuxSll2,
                      concat({sll2, icmpv6}),
                      {{20, DecodeAnomaly::TruncatedLink},
                       {60, DecodeAnomaly::TruncatedIpv6},
                       {68, DecodeAnomaly::TruncatedIcmp},
                       {108, DecodeAnomaly::BadIcmpQuote}},
                      [](size_t length, const DecodedPacket& p) {
                          EXPECT_EQ(p.has_quote, length >= 108) << length;
                          EXPECT_EQ(p.quote.has_ports, length >= 112) << length;
                      }});
    checkEveryPrefix({"DLT_IPV6 + TCP",
                      LinkType::Ipv6,
                      fromHex(testing::kIpv6TcpRstAck),
                      {{40, DecodeAnomaly::TruncatedIpv6}, {60, DecodeAnomaly::TruncatedTcp}},
                      {}});
}

// Robustness: every prefix of every fixture under every link type, and every single-byte mutation
// of each fixture, decodes without reading out of bounds and with consistent results.
TEST(TruncationTest, AnyPrefixUnderAnyLinkTypeAndByteMutations) {
    const std::vector<Bytes> frames = {
        concat({fromHex(testing::kEthIpv4), fromHex(testing::kIpv4TcpSynMss)}),
        concat({fromHex(testing::kEthIpv4), fromHex(testing::kIpv4Udp)}),
        concat({fromHex(testing::kEthIpv4), fromHex(testing::kIpv4IcmpEcho)}),
        concat({fromHex(testing::kEthIpv4), fromHex(testing::kIpv4IcmpUnreachTcp)}),
        concat({fromHex(testing::kEthIpv4), fromHex(testing::kIpv4IcmpTtlUdp)}),
        concat({fromHex(testing::kEthIpv4), fromHex(testing::kIpv4IcmpUnreachIcmp)}),
        concat({fromHex(testing::kEthIpv4), fromHex(testing::kIpv4FragLater)}),
        concat({fromHex(testing::kEthIpv4), fromHex(testing::kIpv4OptionsTcp)}),
        concat({fromHex(testing::kEthIpv6), fromHex(testing::kIpv6TcpRstAck)}),
        concat({fromHex(testing::kEthIpv6), fromHex(testing::kIpv6ExtChainUdp)}),
        concat({fromHex(testing::kEthIpv6), fromHex(testing::kIpv6Frag0Udp)}),
        concat({fromHex(testing::kEthIpv6), fromHex(testing::kIpv6Icmpv6UnreachUdp)}),
        concat({fromHex(testing::kEthIpv6), fromHex(testing::kIpv6Icmpv6TooBigTcp)}),
        fromHex(testing::kEthArp),
    };
    const LinkType link_types[] = {LinkType::Ethernet, LinkType::LinuxSll, LinkType::LinuxSll2, LinkType::RawIp,
                                   LinkType::Ipv4,     LinkType::Ipv6,     LinkType::Null,      LinkType::Loop};
    const auto check_invariants = [](DecodeAnomaly a, const DecodedPacket& p) {
        ASSERT_LT(static_cast<size_t>(a), kDecodeAnomalyCount);
        EXPECT_NE(a, DecodeAnomaly::UnknownLinkType);
        if (p.transport_valid) {
            EXPECT_TRUE(p.hasIp());
            EXPECT_TRUE(a == DecodeAnomaly::None || a == DecodeAnomaly::BadIcmpQuote) << anomalyName(a);
        }
        if (a == DecodeAnomaly::None || a == DecodeAnomaly::BadIcmpQuote || a == DecodeAnomaly::Fragment) {
            EXPECT_TRUE(p.hasIp()) << anomalyName(a);
        }
        EXPECT_EQ(p.fragment, a == DecodeAnomaly::Fragment);
        if (p.has_quote || a == DecodeAnomaly::BadIcmpQuote) {
            EXPECT_TRUE(p.isIcmp());
        }
        if (p.quote.has_ports) {
            EXPECT_TRUE(p.has_quote);
        }
        if (p.tcp_option_count > 0 || p.mss != 0) {
            EXPECT_TRUE(p.isTcp());
        }
    };
    uint64_t decoded = 0;
    for (const LinkType link_type : link_types) {
        PacketDecoder decoder(link_type);
        for (const Bytes& frame : frames) {
            for (size_t length = 0; length <= frame.size(); ++length) {
                DecodedPacket p;
                check_invariants(testing::decodeExact(decoder, frame, length, p), p);
                ++decoded;
            }
        }
    }
    PacketDecoder decoder(LinkType::Ethernet);
    for (const Bytes& frame : frames) {
        for (size_t at = 0; at < frame.size(); ++at) {
            for (const uint8_t value :
                 {uint8_t{0x00}, uint8_t{0xff}, uint8_t(frame[at] ^ 0x01), uint8_t(frame[at] ^ 0x80), uint8_t{0x45},
                  uint8_t{0x4f}, uint8_t{0x60}, uint8_t{0x2c}, uint8_t{0x3c}}) {
                Bytes mutated = frame;
                mutated[at] = value;
                for (size_t length : {mutated.size(), mutated.size() - 1, mutated.size() / 2}) {
                    DecodedPacket p;
                    check_invariants(testing::decodeExact(decoder, mutated, length, p), p);
                    ++decoded;
                }
            }
        }
    }
    EXPECT_GT(decoded, 10000U);
}

} // namespace
} // namespace kansoku::capture
