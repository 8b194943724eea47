#include <gtest/gtest.h>

#include "darknet/packet_classifier.h"
#include "test_packets.h"

namespace kansoku::darknet {
namespace {

using namespace testing;
namespace tcp_flag = capture::tcp_flag;

class PacketClassifierTest : public ::testing::Test {
protected:
    Classification classify(const capture::DecodedPacket& p) const { return classifier_.classify(p); }

    const IpAddress attacker_ = ip("198.51.100.7");
    const IpAddress victim_ = ip("192.0.2.10");
    const IpAddress router_ = ip("192.0.2.1");
    const IpAddress dark_ = ip("203.0.113.9");
    const IpAddress attacker6_ = ip("2001:db8:bad::1");
    const IpAddress victim6_ = ip("2001:db8:beef::10");
    const IpAddress router6_ = ip("2001:db8:beef::1");
    const IpAddress dark6_ = ip("2001:db8:dead::9");

    PrefixSet darknet_ = prefixes({"203.0.113.0/24", "2001:db8:dead::/48"});
    PacketClassifier classifier_{darknet_};
    Packets packets_;
};

TEST_F(PacketClassifierTest, SynIsAProbe) {
    const auto c = classify(packets_.syn(attacker_, dark_, 23));
    EXPECT_EQ(c.packet_class, PacketClass::TcpSynProbe);
    // ECN and PSH bits do not change what a SYN is.
    EXPECT_EQ(
        classify(packets_.tcp(attacker_, dark_, 1, 80, tcp_flag::kSyn | tcp_flag::kEce | tcp_flag::kCwr)).packet_class,
        PacketClass::TcpSynProbe);
}

TEST_F(PacketClassifierTest, SynAckIsSynFloodBackscatter) {
    const auto c = classify(packets_.synAck(victim_, dark_, 443));
    EXPECT_EQ(c.packet_class, PacketClass::Backscatter);
    EXPECT_EQ(c.vector, AttackVector::SynFlood);
    EXPECT_EQ(c.victim, victim_);
    EXPECT_TRUE(c.victim_port_known);
    EXPECT_EQ(c.victim_port, 443);
}

TEST_F(PacketClassifierTest, RstAndRstAckAreTcpFloodBackscatter) {
    for (const uint8_t flags : {tcp_flag::kRst, static_cast<uint8_t>(tcp_flag::kRst | tcp_flag::kAck)}) {
        const auto c = classify(packets_.tcp(victim_, dark_, 80, 5555, flags));
        EXPECT_EQ(c.packet_class, PacketClass::Backscatter) << int{flags};
        EXPECT_EQ(c.vector, AttackVector::TcpFlood) << int{flags};
        EXPECT_EQ(c.victim, victim_);
        EXPECT_TRUE(c.victim_port_known);
        EXPECT_EQ(c.victim_port, 80);
    }
}

TEST_F(PacketClassifierTest, OtherTcpFlagCombinationsAreOther) {
    const uint8_t kXmas = tcp_flag::kFin | tcp_flag::kPsh | tcp_flag::kUrg;
    for (const uint8_t flags :
         {tcp_flag::kAck, tcp_flag::kFin, uint8_t{0}, kXmas, static_cast<uint8_t>(tcp_flag::kFin | tcp_flag::kAck),
          static_cast<uint8_t>(tcp_flag::kSyn | tcp_flag::kFin),
          static_cast<uint8_t>(tcp_flag::kSyn | tcp_flag::kRst)}) {
        EXPECT_EQ(classify(packets_.tcp(attacker_, dark_, 1, 80, flags)).packet_class, PacketClass::Other)
            << "flags " << int{flags};
    }
}

TEST_F(PacketClassifierTest, UdpIsAProbe) {
    EXPECT_EQ(classify(packets_.udp(attacker_, dark_, 5000, 53)).packet_class, PacketClass::UdpProbe);
    EXPECT_EQ(classify(packets_.udp(attacker6_, dark6_, 5000, 53)).packet_class, PacketClass::UdpProbe);
}

TEST_F(PacketClassifierTest, IcmpEchoRequestIsAProbeAndReplyIsBackscatter) {
    EXPECT_EQ(classify(packets_.icmp(attacker_, dark_, 8)).packet_class, PacketClass::IcmpEcho);
    const auto reply = classify(packets_.icmp(victim_, dark_, 0));
    EXPECT_EQ(reply.packet_class, PacketClass::Backscatter);
    EXPECT_EQ(reply.vector, AttackVector::IcmpFlood);
    EXPECT_EQ(reply.victim, victim_);
    EXPECT_FALSE(reply.victim_port_known);
    // Neither an echo nor an error (timestamp request): other.
    EXPECT_EQ(classify(packets_.icmp(attacker_, dark_, 13)).packet_class, PacketClass::Other);
}

TEST_F(PacketClassifierTest, UnreachableQuotingUdpFromTheDarknetIsUdpFlood) {
    const auto p = packets_.icmpErrorQuotingUdp(router_, dark_, dark_, victim_, 27015, 3, 3);
    ASSERT_TRUE(p.has_quote);
    const auto c = classify(p);
    EXPECT_EQ(c.packet_class, PacketClass::Backscatter);
    EXPECT_EQ(c.vector, AttackVector::UdpFlood);
    EXPECT_EQ(c.victim, victim_); // the quoted destination, not the router that sent the error
    EXPECT_TRUE(c.victim_port_known);
    EXPECT_EQ(c.victim_port, 27015);
}

TEST_F(PacketClassifierTest, ErrorsQuotingTcpAreTcpFlood) {
    const auto c = classify(packets_.icmpErrorQuotingTcp(router_, dark_, dark_, victim_, 80, 11, 0));
    EXPECT_EQ(c.packet_class, PacketClass::Backscatter);
    EXPECT_EQ(c.vector, AttackVector::TcpFlood);
    EXPECT_EQ(c.victim, victim_);
    EXPECT_EQ(c.victim_port, 80);
}

TEST_F(PacketClassifierTest, ForgedQuoteIsOther) {
    // The quoted packet's source is another darknet address than the one the error was sent to.
    const auto other_dark = ip("203.0.113.10");
    EXPECT_EQ(classify(packets_.icmpErrorQuotingUdp(router_, dark_, other_dark, victim_, 53, 3, 3)).packet_class,
              PacketClass::Other);
    // ... or from outside the darknet altogether.
    EXPECT_EQ(classify(packets_.icmpErrorQuotingUdp(router_, dark_, ip("192.0.2.77"), victim_, 53, 3, 3)).packet_class,
              PacketClass::Other);
}

TEST_F(PacketClassifierTest, QuoteToTheDarknetIsOther) {
    // A packet from the darknet to the darknet is not something a victim answered.
    EXPECT_EQ(classify(packets_.icmpErrorQuotingUdp(router_, dark_, dark_, ip("203.0.113.200"), 53, 3, 3)).packet_class,
              PacketClass::Other);
}

TEST_F(PacketClassifierTest, OutsideTheDarknetIsNotDarknet) {
    const auto outside = ip("192.0.2.99");
    EXPECT_EQ(classify(packets_.syn(attacker_, outside, 23)).packet_class, PacketClass::NotDarknet);
    EXPECT_EQ(classify(packets_.synAck(victim_, outside, 80)).packet_class, PacketClass::NotDarknet);
    EXPECT_EQ(classify(packets_.udp(attacker_, ip("203.0.114.1"), 1, 53)).packet_class, PacketClass::NotDarknet);
    EXPECT_EQ(classify(packets_.icmp(attacker6_, ip("2001:db8:deae::1"), 128)).packet_class, PacketClass::NotDarknet);
    // Sent from the darknet (source inside) but to elsewhere: still not for us.
    EXPECT_EQ(classify(packets_.syn(dark_, outside, 23)).packet_class, PacketClass::NotDarknet);
}

TEST_F(PacketClassifierTest, NoIpIsUndecodable) {
    capture::DecodedPacket p;
    EXPECT_EQ(classify(p).packet_class, PacketClass::Undecodable);
}

TEST_F(PacketClassifierTest, TransportNotReadIsOther) {
    // A non-first fragment (or another protocol) to the darknet: no transport header to classify.
    auto p = packets_.syn(attacker_, dark_, 23);
    p.fragment = true;
    p.transport_valid = false;
    EXPECT_EQ(classify(p).packet_class, PacketClass::Other);
    p.protocol = 47; // GRE
    EXPECT_EQ(classify(p).packet_class, PacketClass::Other);
}

TEST_F(PacketClassifierTest, Ipv6Tcp) {
    EXPECT_EQ(classify(packets_.syn(attacker6_, dark6_, 22)).packet_class, PacketClass::TcpSynProbe);
    const auto c = classify(packets_.synAck(victim6_, dark6_, 443));
    EXPECT_EQ(c.packet_class, PacketClass::Backscatter);
    EXPECT_EQ(c.vector, AttackVector::SynFlood);
    EXPECT_EQ(c.victim, victim6_);
    EXPECT_EQ(c.victim_port, 443);
}

TEST_F(PacketClassifierTest, Icmpv6EchoRequestAndReply) {
    EXPECT_EQ(classify(packets_.icmp(attacker6_, dark6_, 128)).packet_class, PacketClass::IcmpEcho);
    const auto reply = classify(packets_.icmp(victim6_, dark6_, 129));
    EXPECT_EQ(reply.packet_class, PacketClass::Backscatter);
    EXPECT_EQ(reply.vector, AttackVector::IcmpFlood);
    EXPECT_EQ(reply.victim, victim6_);
    // The ICMPv4 type numbers mean nothing in ICMPv6 (type 0 is reserved, 8 unassigned).
    EXPECT_EQ(classify(packets_.icmp(attacker6_, dark6_, 8)).packet_class, PacketClass::Other);
    EXPECT_EQ(classify(packets_.icmp(victim6_, dark6_, 0)).packet_class, PacketClass::Other);
}

TEST_F(PacketClassifierTest, Icmpv6ErrorsOneToFourQuotingUdpAreUdpFlood) {
    for (const uint8_t type : {1, 2, 3, 4}) {
        const auto p = packets_.icmpErrorQuotingUdp(router6_, dark6_, dark6_, victim6_, 4500, type, 0);
        ASSERT_TRUE(p.has_quote) << int{type};
        const auto c = classify(p);
        EXPECT_EQ(c.packet_class, PacketClass::Backscatter) << int{type};
        EXPECT_EQ(c.vector, AttackVector::UdpFlood) << int{type};
        EXPECT_EQ(c.victim, victim6_) << int{type};
        EXPECT_EQ(c.victim_port, 4500) << int{type};
    }
    // Types outside 1..4 are not errors that quote a packet.
    EXPECT_EQ(classify(packets_.icmpErrorQuotingUdp(router6_, dark6_, dark6_, victim6_, 4500, 5, 0)).packet_class,
              PacketClass::Other);
}

TEST_F(PacketClassifierTest, Icmpv6ForgedAndInternalQuotesAreOther) {
    EXPECT_EQ(classify(packets_.icmpErrorQuotingUdp(router6_, dark6_, ip("2001:db8:dead::77"), victim6_, 53, 1, 4))
                  .packet_class,
              PacketClass::Other);
    EXPECT_EQ(classify(packets_.icmpErrorQuotingUdp(router6_, dark6_, dark6_, ip("2001:db8:dead::78"), 53, 1, 4))
                  .packet_class,
              PacketClass::Other);
}

TEST(PacketClassNames, AreSnakeCase) {
    EXPECT_EQ(packetClassName(PacketClass::TcpSynProbe), "tcp_syn_probe");
    EXPECT_EQ(packetClassName(PacketClass::NotDarknet), "not_darknet");
    EXPECT_EQ(attackVectorName(AttackVector::SynFlood), "syn_flood");
    EXPECT_EQ(attackVectorName(AttackVector::UdpFlood), "udp_flood");
    for (size_t i = 0; i < kPacketClassCount; ++i) {
        EXPECT_NE(packetClassName(static_cast<PacketClass>(i)), "invalid");
    }
    for (size_t i = 0; i < kAttackVectorCount; ++i) {
        EXPECT_NE(attackVectorName(static_cast<AttackVector>(i)), "invalid");
    }
}

} // namespace
} // namespace kansoku::darknet
