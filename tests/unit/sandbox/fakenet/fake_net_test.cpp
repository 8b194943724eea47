#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "capture/packet_builder.h"
#include "common/byte_reader.h"
#include "packet_check.h"
#include "sandbox/fakenet/fake_net.h"
#include "sandbox/fakenet/ip_packet.h"
#include "support/hex.h"

namespace kansoku::sandbox::fakenet {
namespace {

using capture::tcp_flag::kAck;
using capture::tcp_flag::kFin;
using capture::tcp_flag::kPsh;
using capture::tcp_flag::kRst;
using capture::tcp_flag::kSyn;
using test::ip;

constexpr Timestamp kT0 = 1'700'000'000 * kMicrosPerSecond;
const char* const kSample = "198.51.100.77";

/// The example.com A query from dns_message_test.cpp.
std::vector<uint8_t> dnsQuery(uint16_t qtype = 1) {
    auto q = kansoku::testing::fromHex("1234 0100 0001 0000 0000 0000 07 6578616d706c65 03 636f6d 00 0001 0001");
    q[q.size() - 3] = static_cast<uint8_t>(qtype);
    q[q.size() - 4] = static_cast<uint8_t>(qtype >> 8);
    return q;
}

std::vector<uint8_t> udpPacket(const IpAddress& src, const IpAddress& dst, uint16_t sport, uint16_t dport,
                               const std::vector<uint8_t>& payload) {
    capture::PacketBuilder builder(false);
    const auto p = builder.udp({src, dst}, sport, dport, payload);
    return {p.begin(), p.end()};
}

/// A TCP segment with payload, as the sample's kernel would send it.
std::vector<uint8_t> segment(const IpAddress& src, const IpAddress& dst, uint16_t sport, uint16_t dport, uint32_t seq,
                             uint32_t ack, uint8_t flags, std::string_view payload = {}) {
    std::vector<uint8_t> t(20 + payload.size(), 0);
    storeU16BE(t.data(), sport);
    storeU16BE(t.data() + 2, dport);
    storeU32BE(t.data() + 4, seq);
    storeU32BE(t.data() + 8, ack);
    t[12] = 0x50;
    t[13] = flags;
    storeU16BE(t.data() + 14, 64240);
    std::copy(payload.begin(), payload.end(), t.begin() + 20);
    return buildIpPacket(src, dst, ip_protocol::kTcp, t, 64, 1);
}

std::vector<uint8_t> syn(const IpAddress& dst, uint16_t dport, uint32_t seq, uint16_t window = 64240,
                         uint16_t mss = 1460, uint16_t sport = 40000, uint16_t ip_id = 1) {
    capture::PacketBuilder builder(false);
    const auto p = builder.tcp({ip(kSample), dst, 64, ip_id}, {sport, dport, seq, 0, kSyn, window, mss});
    return {p.begin(), p.end()};
}

std::string payloadOf(const std::vector<uint8_t>& packet) {
    IpView v;
    if (parseIp(packet, v) != IpParseResult::Ok) {
        return "<bad ip>";
    }
    size_t skip = 8;
    if (v.protocol == ip_protocol::kTcp) {
        skip = (v.transport[12] >> 4) * 4U;
    }
    return {v.transport.begin() + static_cast<std::ptrdiff_t>(skip), v.transport.end()};
}

class FakeNetTest : public ::testing::Test {
protected:
    Replies send(const std::vector<uint8_t>& packet, Timestamp at = kT0) {
        Replies out;
        net_->handlePacket(packet, at, out);
        for (const auto& r : out) {
            EXPECT_TRUE(test::checksumsValid(r)) << "bad checksum in reply";
        }
        return out;
    }
    void configure(FakeNetConfig config) { net_ = std::make_unique<FakeNet>(std::move(config)); }

    std::unique_ptr<FakeNet> net_ = std::make_unique<FakeNet>();
};

TEST_F(FakeNetTest, AnswersDnsAtAnyResolverWithTheSinkhole) {
    const auto query = dnsQuery();
    const auto replies = send(udpPacket(ip(kSample), ip("8.8.8.8"), 40001, 53, query));
    ASSERT_EQ(replies.size(), 1U);
    const auto d = test::decode(replies[0]);
    ASSERT_TRUE(d.isUdp());
    EXPECT_EQ(d.src, ip("8.8.8.8"));
    EXPECT_EQ(d.dst, ip(kSample));
    EXPECT_EQ(d.src_port, 53);
    EXPECT_EQ(d.dst_port, 40001);
    const std::string answer = payloadOf(replies[0]);
    EXPECT_EQ(kansoku::testing::toHex(answer), "123481800001000100000000076578616d706c6503636f6d0000010001"
                                               "c00c000100010000012c0004c63364fa");

    send(udpPacket(ip(kSample), ip("192.0.2.53"), 40002, 53, dnsQuery(28)), kT0 + 5);
    const auto mx = send(udpPacket(ip(kSample), ip("192.0.2.53"), 40003, 53, dnsQuery(15)), kT0 + 9);
    ASSERT_EQ(mx.size(), 1U);
    EXPECT_EQ(payloadOf(mx[0]).size(), 29U); // NOERROR, no answer

    const auto o = net_->observation();
    ASSERT_EQ(o.dns.size(), 3U);
    EXPECT_EQ(o.dns[0].resolver, ip("8.8.8.8"));
    EXPECT_EQ(o.dns[0].qname, "example.com");
    EXPECT_EQ(o.dns[0].qtype, 1);
    EXPECT_EQ(o.dns[0].answer, "198.51.100.250");
    EXPECT_EQ(o.dns[0].ts, kT0);
    EXPECT_EQ(o.dns[1].resolver, ip("192.0.2.53"));
    EXPECT_EQ(o.dns[1].answer, "2001:db8::250");
    EXPECT_EQ(o.dns[2].answer, "");
    EXPECT_EQ(o.counters.dns_queries, 3U);
    EXPECT_EQ(o.udp.packets(), 0U); // DNS is not counted as UDP flood traffic
}

TEST_F(FakeNetTest, AnswersNxdomainWhenConfiguredAndOverIpv6) {
    FakeNetConfig config;
    config.dns.nxdomain = true;
    configure(config);
    const auto replies = send(udpPacket(ip("2001:db8::77"), ip("2001:4860:4860::8888"), 5353, 53, dnsQuery()));
    ASSERT_EQ(replies.size(), 1U);
    const auto d = test::decode(replies[0]);
    EXPECT_EQ(d.ip_version, 6);
    EXPECT_EQ(d.src, ip("2001:4860:4860::8888"));
    const std::string answer = payloadOf(replies[0]);
    ASSERT_GE(answer.size(), 12U);
    EXPECT_EQ(static_cast<uint8_t>(answer[3]) & 0x0f, 3); // NXDOMAIN
    EXPECT_EQ(net_->observation().dns.at(0).rcode, 3);
}

TEST_F(FakeNetTest, BadDnsIsCountedNotAnswered) {
    EXPECT_TRUE(send(udpPacket(ip(kSample), ip("8.8.8.8"), 1, 53, {0x12, 0x34})).empty());
    auto loop = kansoku::testing::fromHex("0001 0000 0001 0000 0000 0000 c00c 0001 0001");
    EXPECT_TRUE(send(udpPacket(ip(kSample), ip("8.8.8.8"), 1, 53, loop)).empty());
    EXPECT_EQ(net_->observation().counters.malformed_dns, 2U);
}

TEST_F(FakeNetTest, EchoRequestsGetEchoReplies) {
    capture::PacketBuilder builder(false);
    const std::vector<uint8_t> body = {'a', 'b', 'c', 'd'};
    const auto request = builder.icmp({ip(kSample), ip("203.0.113.9")}, 8, 0, 0x0bad0001, body);
    const auto replies = send({request.begin(), request.end()});
    ASSERT_EQ(replies.size(), 1U);
    const auto d = test::decode(replies[0]);
    EXPECT_EQ(d.src, ip("203.0.113.9"));
    EXPECT_EQ(d.icmp_type, 0);
    IpView in;
    IpView back;
    const std::vector<uint8_t> request_copy(request.begin(), request.end());
    ASSERT_EQ(parseIp(request_copy, in), IpParseResult::Ok);
    ASSERT_EQ(parseIp(replies[0], back), IpParseResult::Ok);
    // Identifier, sequence and data echoed byte for byte.
    EXPECT_TRUE(
        std::equal(in.transport.begin() + 4, in.transport.end(), back.transport.begin() + 4, back.transport.end()));

    const auto v6 = builder.icmp({ip("2001:db8::77"), ip("2001:db8::9")}, 128, 0, 0x00010002, body);
    const auto replies6 = send({v6.begin(), v6.end()});
    ASSERT_EQ(replies6.size(), 1U);
    EXPECT_EQ(test::decode(replies6[0]).icmp_type, 129);

    // Other ICMP is summarised, not answered; IPv6 router solicitations are the kernel's, counted apart.
    const auto unreachable = builder.icmp({ip(kSample), ip("203.0.113.9")}, 3, 3, 0);
    EXPECT_TRUE(send({unreachable.begin(), unreachable.end()}).empty());
    const auto solicitation = builder.icmp({ip("fe80::1"), ip("ff02::2")}, 133, 0, 0);
    EXPECT_TRUE(send({solicitation.begin(), solicitation.end()}).empty());
    const auto o = net_->observation();
    EXPECT_EQ(o.icmp.packets(), 3U);
    EXPECT_EQ(o.icmp.countFor(8), 1U);
    EXPECT_EQ(o.icmp.countFor(128), 1U);
    EXPECT_EQ(o.counters.icmp_echo_replies, 2U);
    EXPECT_EQ(o.counters.ipv6_link_control, 1U);
}

TEST_F(FakeNetTest, AcceptsAConnectionRecordsItsBytesAndClosesOnFin) {
    const IpAddress c2 = ip("198.51.100.5");
    const auto synack = send(syn(c2, 80, 1000));
    ASSERT_EQ(synack.size(), 1U);
    const auto sa = test::decode(synack[0]);
    ASSERT_TRUE(sa.isTcp());
    EXPECT_EQ(sa.src, c2);
    EXPECT_EQ(sa.src_port, 80);
    EXPECT_EQ(sa.dst_port, 40000);
    EXPECT_EQ(sa.tcp_flags, kSyn | kAck);
    EXPECT_EQ(sa.ack, 1001U);
    EXPECT_EQ(sa.mss, 1460);
    const uint32_t server_seq = sa.seq + 1;

    EXPECT_TRUE(send(segment(ip(kSample), c2, 40000, 80, 1001, server_seq, kAck)).empty());
    const std::string request = "GET /x HTTP/1.1\r\nHost: 198.51.100.5\r\n\r\n";
    const auto ack = send(segment(ip(kSample), c2, 40000, 80, 1001, server_seq, kAck | kPsh, request), kT0 + 10);
    ASSERT_EQ(ack.size(), 1U);
    const auto a = test::decode(ack[0]);
    EXPECT_EQ(a.tcp_flags, kAck);
    EXPECT_EQ(a.ack, 1001U + request.size());
    EXPECT_EQ(a.seq, server_seq);

    const uint32_t fin_seq = 1001 + static_cast<uint32_t>(request.size());
    const auto finack = send(segment(ip(kSample), c2, 40000, 80, fin_seq, server_seq, kFin | kAck), kT0 + 20);
    ASSERT_EQ(finack.size(), 1U);
    const auto f = test::decode(finack[0]);
    EXPECT_EQ(f.tcp_flags, kFin | kAck);
    EXPECT_EQ(f.ack, fin_seq + 1);
    EXPECT_TRUE(send(segment(ip(kSample), c2, 40000, 80, fin_seq + 1, server_seq + 1, kAck), kT0 + 30).empty());

    const auto o = net_->observation();
    ASSERT_EQ(o.connections.size(), 1U);
    const auto& r = o.connections[0];
    EXPECT_EQ(r.dst, c2);
    EXPECT_EQ(r.dst_port, 80);
    EXPECT_EQ(std::string(r.first_bytes.begin(), r.first_bytes.end()), request);
    EXPECT_EQ(r.bytes_received, request.size());
    EXPECT_EQ(r.closed, CloseReason::PeerFin);
    EXPECT_EQ(r.syn.seq, 1000U);
    EXPECT_EQ(r.syn.window, 64240);
    EXPECT_EQ(r.syn.mss, 1460);
    EXPECT_EQ(r.syn.ttl, 64);
    EXPECT_EQ(r.last_seen, kT0 + 30);
    EXPECT_EQ(kansoku::testing::toHex(std::string(r.syn.options.begin(), r.syn.options.end())), "020405b4");
}

TEST_F(FakeNetTest, SendsBannersAndRepliesThenFin) {
    FakeNetConfig config;
    config.tcp.banners[23] = test::bytes("login: ");
    config.tcp.replies[8080] = test::bytes("HTTP/1.0 200 OK\r\n\r\nhi");
    configure(config);
    const IpAddress dst = ip("203.0.113.23");
    const uint32_t s = test::decode(send(syn(dst, 23, 5))[0]).seq + 1;
    const auto banner = send(segment(ip(kSample), dst, 40000, 23, 6, s, kAck));
    ASSERT_EQ(banner.size(), 1U);
    EXPECT_EQ(payloadOf(banner[0]), "login: ");
    EXPECT_EQ(test::decode(banner[0]).seq, s);

    const uint32_t s2 = test::decode(send(syn(dst, 8080, 100, 64240, 1460, 40001))[0]).seq + 1;
    EXPECT_TRUE(send(segment(ip(kSample), dst, 40001, 8080, 101, s2, kAck)).empty());
    const auto reply = send(segment(ip(kSample), dst, 40001, 8080, 101, s2, kAck | kPsh, "GET / HTTP/1.0\r\n\r\n"));
    ASSERT_EQ(reply.size(), 1U);
    EXPECT_EQ(payloadOf(reply[0]), "HTTP/1.0 200 OK\r\n\r\nhi");
    EXPECT_EQ(test::decode(reply[0]).tcp_flags, kFin | kAck | kPsh);
    const auto o = net_->observation();
    ASSERT_EQ(o.connections.size(), 2U);
    EXPECT_EQ(o.connections[0].bytes_sent, 7U);
    EXPECT_EQ(o.connections[1].bytes_sent, 21U);
}

TEST_F(FakeNetTest, KeepsOnlyTheFirstBytesAndCountsGaps) {
    FakeNetConfig config;
    config.tcp.record_bytes = 8;
    configure(config);
    const IpAddress dst = ip("192.0.2.7");
    const uint32_t s = test::decode(send(syn(dst, 6667, 0))[0]).seq + 1;
    send(segment(ip(kSample), dst, 40000, 6667, 1, s, kAck, "NICK bot1234567890"));
    // A segment after a gap: not stored, answered with a duplicate ACK.
    const auto dup = send(segment(ip(kSample), dst, 40000, 6667, 100, s, kAck, "later"));
    ASSERT_EQ(dup.size(), 1U);
    EXPECT_EQ(test::decode(dup[0]).ack, 19U);
    const auto o = net_->observation();
    ASSERT_EQ(o.connections.size(), 1U);
    EXPECT_EQ(std::string(o.connections[0].first_bytes.begin(), o.connections[0].first_bytes.end()), "NICK bot");
    EXPECT_EQ(o.connections[0].bytes_received, 18U);
    EXPECT_EQ(o.counters.bytes_not_recorded, 10U);
    EXPECT_EQ(o.counters.tcp_out_of_order, 1U);
}

TEST_F(FakeNetTest, SummarisesSynScansAndFingerprintsTheirTools) {
    const IpAddress target = ip("203.0.113.10");
    // nmap -sS: window 1024, one MSS option; the scanner resets after the SYN-ACK.
    for (const uint16_t port : {22, 80, 443}) {
        const auto r = send(syn(target, port, 0xabcdef, 1024, 1460, 55555), kT0 + port * 1000);
        ASSERT_EQ(r.size(), 1U);
        EXPECT_EQ(test::decode(r[0]).tcp_flags, kSyn | kAck);
        EXPECT_TRUE(send(segment(ip(kSample), target, 55555, port, 0xabcdef + 1, 0, kRst)).empty());
    }
    // Mirai: sequence number = destination address, no options, to port 23 on many hosts.
    for (uint32_t host = 1; host <= 5; ++host) {
        const IpAddress dst = IpAddress::fromV4(0xcb007100 + host);
        send(syn(dst, 23, dst.v4(), 14600, 0, 41000), kT0 + 2 * kMicrosPerSecond);
    }
    const auto o = net_->observation();
    EXPECT_EQ(o.tcp_syn.packets(), 8U);
    EXPECT_EQ(o.tcp_syn.distinctDestinations(), 6U);
    EXPECT_EQ(o.tcp_syn.countFor(23), 5U);
    EXPECT_EQ(o.tcp_syn.top(1).at(0).first, 23);
    EXPECT_DOUBLE_EQ(o.tcp_syn.packetsPerSecond(), 8.0 / (2.0 - 0.022));
    EXPECT_EQ(o.fingerprintCount(darknet::ScannerTool::Nmap), 3U);
    EXPECT_EQ(o.fingerprintCount(darknet::ScannerTool::Mirai), 5U);
    EXPECT_EQ(o.counters.half_open_closed, 3U);
    EXPECT_TRUE(o.connections.empty()); // half-open probes are scans, not connections
    ASSERT_EQ(o.tcp_syn.samples().size(), 8U);
    EXPECT_EQ(o.tcp_syn.samples()[0].size(), 44U); // 20 IP + 24 TCP: shorter than the 64-byte cap
}

TEST_F(FakeNetTest, ClosedPortsAndStraySegmentsGetResets) {
    FakeNetConfig config;
    config.tcp.closed_ports = {445};
    configure(config);
    const auto rst = send(syn(ip("192.0.2.9"), 445, 77));
    ASSERT_EQ(rst.size(), 1U);
    EXPECT_EQ(test::decode(rst[0]).tcp_flags, kRst | kAck);
    EXPECT_EQ(test::decode(rst[0]).ack, 78U);
    // An ACK for no connection (e.g. an ACK scan from a raw socket): RST with seq = its ack.
    const auto stray = send(segment(ip(kSample), ip("192.0.2.9"), 1234, 80, 5, 0x11223344, kAck));
    ASSERT_EQ(stray.size(), 1U);
    EXPECT_EQ(test::decode(stray[0]).tcp_flags, kRst);
    EXPECT_EQ(test::decode(stray[0]).seq, 0x11223344U);
    EXPECT_TRUE(send(segment(ip(kSample), ip("192.0.2.9"), 1234, 80, 5, 0, kRst)).empty());
    const auto o = net_->observation();
    EXPECT_EQ(o.counters.tcp_rst_for_closed_port, 1U);
    EXPECT_EQ(o.counters.tcp_stray, 1U);
}

TEST_F(FakeNetTest, FullTableEvictsTheOldestConnection) {
    FakeNetConfig config;
    config.tcp.max_connections = 2;
    configure(config);
    send(syn(ip("192.0.2.1"), 80, 1), kT0);
    send(syn(ip("192.0.2.2"), 80, 1), kT0 + 1);
    send(syn(ip("192.0.2.3"), 80, 1), kT0 + 2);
    const auto o = net_->observation();
    EXPECT_EQ(o.counters.connections_evicted, 1U);
    EXPECT_EQ(o.counters.half_open_closed, 1U);
    // The evicted one (192.0.2.1) is gone: its ACK is now stray.
    const auto r = send(segment(ip(kSample), ip("192.0.2.1"), 40000, 80, 2, 9, kAck), kT0 + 3);
    ASSERT_EQ(r.size(), 1U);
    EXPECT_EQ(test::decode(r[0]).tcp_flags, kRst);
}

TEST_F(FakeNetTest, IdleConnectionsAreClosedWithFin) {
    const IpAddress dst = ip("192.0.2.80");
    const uint32_t s = test::decode(send(syn(dst, 80, 10))[0]).seq + 1;
    send(segment(ip(kSample), dst, 40000, 80, 11, s, kAck));
    Replies out;
    net_->tick(kT0 + kMicrosPerSecond, out);
    EXPECT_TRUE(out.empty());
    net_->tick(kT0 + 6 * kMicrosPerSecond, out);
    ASSERT_EQ(out.size(), 1U);
    EXPECT_TRUE(test::checksumsValid(out[0]));
    EXPECT_EQ(test::decode(out[0]).tcp_flags, kFin | kAck);
    EXPECT_EQ(net_->observation().connections.at(0).closed, CloseReason::IdleTimeout);
}

TEST_F(FakeNetTest, SummarisesUdpFloodsAndRawProtocolsWithoutAnswering) {
    for (int i = 0; i < 100; ++i) {
        const auto dst = IpAddress::fromV4(0xc0000200 + static_cast<uint32_t>(i % 4));
        EXPECT_TRUE(send(udpPacket(ip(kSample), dst, 1024, i < 90 ? 80 : 1900, std::vector<uint8_t>(512, 'A')),
                         kT0 + i * 20'000)
                        .empty());
    }
    EXPECT_TRUE(send(buildIpPacket(ip(kSample), ip("192.0.2.1"), 47, std::vector<uint8_t>(24, 0))).empty());
    auto fragment = udpPacket(ip(kSample), ip("192.0.2.1"), 1, 2, {});
    fragment[6] = 0x20;
    EXPECT_TRUE(send(fragment).empty());
    const auto o = net_->observation();
    EXPECT_EQ(o.udp.packets(), 100U);
    EXPECT_EQ(o.udp.bytes(), 100U * 540U);
    EXPECT_EQ(o.udp.distinctDestinations(), 4U);
    EXPECT_EQ(o.udp.top(2), (std::vector<std::pair<uint16_t, uint64_t>>{{80, 90}, {1900, 10}}));
    EXPECT_DOUBLE_EQ(o.udp.packetsPerSecond(), 100.0 / 1.98);
    EXPECT_EQ(o.udp.samples().size(), 20U);
    EXPECT_EQ(o.udp.samples()[0].size(), 64U);
    EXPECT_EQ(o.other.packets(), 2U);
    EXPECT_EQ(o.other.countFor(47), 1U);
    EXPECT_EQ(o.counters.fragments, 1U);
}

TEST_F(FakeNetTest, MalformedPacketsAreCountedNeverAnswered) {
    std::vector<std::vector<uint8_t>> bad = {{}, {0x45}, {0x60, 0, 0}, {0x15, 0, 0, 20}};
    auto truncated_tcp = syn(ip("192.0.2.1"), 80, 1);
    truncated_tcp[3] = 30; // IP total length 30: 10 bytes of TCP
    bad.push_back(std::vector<uint8_t>(truncated_tcp.begin(), truncated_tcp.begin() + 30));
    auto bad_offset = syn(ip("192.0.2.1"), 80, 1);
    bad_offset[32] = 0xf0; // data offset 60 bytes in a 24-byte header
    bad.push_back(bad_offset);
    // Every prefix of every valid packet kind must be handled quietly.
    for (const auto& whole : {syn(ip("192.0.2.1"), 80, 1), udpPacket(ip(kSample), ip("8.8.8.8"), 1, 53, dnsQuery())}) {
        for (size_t n = 0; n < whole.size(); ++n) {
            auto prefix = std::vector<uint8_t>(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(n));
            if (n >= 4) {
                prefix[2] = static_cast<uint8_t>(n >> 8); // make the IP length agree, so the transport is cut
                prefix[3] = static_cast<uint8_t>(n);
            }
            if (n >= 26 && whole[9] == ip_protocol::kUdp) {
                prefix[25] = static_cast<uint8_t>(n - 20); // and the UDP length: the DNS message is cut
            }
            bad.push_back(prefix);
        }
    }
    uint64_t answered = 0;
    for (const auto& p : bad) {
        answered += send(p).size();
    }
    EXPECT_EQ(answered, 0U);
    const auto o = net_->observation();
    EXPECT_EQ(o.counters.packets_in, bad.size());
    EXPECT_GT(o.counters.malformed_ip, 0U);
    EXPECT_GT(o.counters.malformed_transport, 0U);
    EXPECT_GT(o.counters.malformed_dns, 0U);
}

TEST_F(FakeNetTest, ObservationToJson) {
    send(udpPacket(ip(kSample), ip("8.8.8.8"), 40001, 53, dnsQuery()), kT0);
    const uint32_t s = test::decode(send(syn(ip("198.51.100.5"), 80, 1000))[0]).seq + 1;
    send(segment(ip(kSample), ip("198.51.100.5"), 40000, 80, 1001, s, kAck | kPsh, "HELLO\x01"));
    send(syn(ip("203.0.113.10"), 22, 0, 1024, 1460, 50000), kT0 + kMicrosPerSecond);
    const auto j = net_->observation().toJson();
    EXPECT_EQ(j["dns"][0]["resolver"], "8.8.8.8");
    EXPECT_EQ(j["dns"][0]["qname"], "example.com");
    EXPECT_EQ(j["dns"][0]["ts"], formatRfc3339(kT0));
    EXPECT_EQ(j["connections"][0]["dst"], "198.51.100.5");
    EXPECT_EQ(j["connections"][0]["dst_port"], 80);
    EXPECT_EQ(j["connections"][0]["first_bytes_hex"], "48454c4c4f01");
    EXPECT_EQ(j["connections"][0]["first_bytes_text"], "HELLO.");
    EXPECT_EQ(j["connections"][0]["closed"], "open");
    EXPECT_EQ(j["scans"]["tcp_syn"]["packets"], 2);
    EXPECT_EQ(j["scans"]["tcp_syn"]["dst_ports"][0]["port"], 22);
    EXPECT_EQ(j["scans"]["tcp_syn"]["dst_ports"][0]["count"], 1);
    EXPECT_EQ(j["scans"]["udp"]["packets"], 0);
    EXPECT_TRUE(j["scans"]["udp"]["first_seen"].is_null());
    EXPECT_EQ(j["fingerprints"]["nmap"], 1);
    EXPECT_EQ(j["counters"]["dns_queries"], 1);
}

TEST(FakeNetServeTest, ServesAPacketDescriptorUntilStopped) {
    // A SOCK_SEQPACKET pair keeps packet boundaries, like a TUN fd.
    int fds[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds), 0);
    FakeNet net;
    ASSERT_TRUE(net.start(fds[0]));
    EXPECT_FALSE(net.start(fds[0])); // one loop at a time
    const auto query = udpPacket(ip(kSample), ip("8.8.8.8"), 40001, 53, dnsQuery());
    ASSERT_EQ(::write(fds[1], query.data(), query.size()), static_cast<ssize_t>(query.size()));
    pollfd p{fds[1], POLLIN, 0};
    ASSERT_EQ(::poll(&p, 1, 5000), 1);
    std::vector<uint8_t> reply(2048);
    const ssize_t n = ::read(fds[1], reply.data(), reply.size());
    ASSERT_GT(n, 0);
    reply.resize(static_cast<size_t>(n));
    EXPECT_TRUE(test::checksumsValid(reply));
    EXPECT_EQ(test::decode(reply).src, ip("8.8.8.8"));
    EXPECT_TRUE(net.stop());
    EXPECT_TRUE(net.stop());
    const auto o = net.observation();
    EXPECT_EQ(o.dns.size(), 1U);
    EXPECT_EQ(o.counters.packets_out, 1U);
    ::close(fds[0]);
    ::close(fds[1]);
}

} // namespace
} // namespace kansoku::sandbox::fakenet
