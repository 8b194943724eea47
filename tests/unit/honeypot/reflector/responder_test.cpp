// Responders against request bytes built with scapy 2.5 (Debian python3-scapy), pasted as hex:
//   DNS(id=0x1234, rd=1, qd=DNSQR(qname="example.com", qtype="A"))
//   DNS(id=0xbeef, rd=1, qd=DNSQR(qname="isc.org", qtype=255), ar=DNSRROPT(rclass=4096))
//   DNS(id=0x0a0b, rd=1, qd=DNSQR(qname="example.com", qtype="TXT"))
//   NTP(version=4, mode=3)
//   NTPPrivate(version=2, mode=7, implementation=3, request_code=42)
//   NTPControl(version=2, op_code=2, sequence=1), NTPControl(version=2, op_code=1, sequence=7)

#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "honeypot/reflector/responder.h"
#include "support/hex.h"

namespace kansoku::honeypot::reflector {
namespace {

using kansoku::testing::fromHex;
using kansoku::testing::toHex;
using Bytes = std::vector<uint8_t>;

const Bytes kDnsA = fromHex("123401000001000000000000076578616d706c6503636f6d0000010001");
const Bytes kDnsAny = fromHex("beef0100000100000000000103697363036f72670000ff00010000291000000080000000");
const Bytes kDnsTxt = fromHex("0a0b01000001000000000000076578616d706c6503636f6d0000100001");
const Bytes kNtpClient = fromHex("23020a0000000000000000007f0000010000000000000000eeb2766030b14000"
                                 "0000000000000000eeb2766030b1e000");
const Bytes kNtpMonlist = fromHex("1700032a00000000");
const Bytes kNtpReadvar = fromHex("16020001000000000000000000");
const Bytes kNtpReadstat = fromHex("16010007000000000000000000");
const std::string kSsdp = "M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\nMX: 1\r\n"
                          "ST: ssdp:all\r\n\r\n";
const Bytes kMemcachedStats = fromHex("000100000001000073746174730d0a");

constexpr Timestamp kNow = 1'714'564'800LL * kMicrosPerSecond; // 2024-05-01T12:00:00Z

Bytes bytesOf(std::string_view s) {
    return Bytes(s.begin(), s.end());
}
std::string textOf(const Bytes& b) {
    return std::string(b.begin(), b.end());
}

ReplyContext context(size_t cap = 512) {
    ReplyContext ctx;
    ctx.cap = cap;
    ctx.now = kNow;
    ctx.src_v4 = 0xC6336407; // 198.51.100.7
    ctx.src_port = 40000;
    ctx.local_port = 11900;
    return ctx;
}

uint16_t u16(const Bytes& b, size_t at) {
    return static_cast<uint16_t>((b.at(at) << 8) | b.at(at + 1));
}

TEST(DnsResponder, AnswersAWithOneRecord) {
    auto r = respondDns(kDnsA, context());
    ASSERT_TRUE(r.reply);
    EXPECT_FALSE(r.malformed);
    // id, QR|RD, RA|NOERROR, 1 question, 1 answer; the question echoed; 192.0.2.1 TTL 300.
    EXPECT_EQ(toHex(textOf(*r.reply)), "123481800001000100000000076578616d706c6503636f6d0000010001"
                                       "c00c000100010000012c0004c0000201");
}

TEST(DnsResponder, AnswersTxt) {
    auto r = respondDns(kDnsTxt, context());
    ASSERT_TRUE(r.reply);
    EXPECT_EQ(u16(*r.reply, 6), 1);
    EXPECT_NE(textOf(*r.reply).find("v=spf1 -all"), std::string::npos);
}

TEST(DnsResponder, AnyGetsTwoRecordsModestly) {
    auto r = respondDns(kDnsAny, context());
    ASSERT_TRUE(r.reply);
    EXPECT_EQ(u16(*r.reply, 0), 0xbeef);
    EXPECT_EQ(u16(*r.reply, 6), 2);
    EXPECT_LT(r.reply->size(), 2 * kDnsAny.size() + 16);
}

TEST(DnsResponder, OverCapSetsTcAndDropsAnswers) {
    // The A reply is 45 bytes; the question alone 29.
    auto r = respondDns(kDnsA, context(40));
    ASSERT_TRUE(r.reply);
    EXPECT_EQ(r.reply->size(), kDnsA.size());
    EXPECT_EQ(r.reply->at(2) & 0x02, 0x02);
    EXPECT_EQ(u16(*r.reply, 6), 0);
    EXPECT_FALSE(respondDns(kDnsA, context(20)).reply);
}

TEST(DnsResponder, NonQueryOpcodeGetsNotImp) {
    Bytes status = kDnsA;
    status[2] = 0x10; // opcode 2 (STATUS), as nmap's DNS probe sends
    auto r = respondDns(status, context());
    ASSERT_TRUE(r.reply);
    EXPECT_EQ(r.reply->size(), 12U);
    EXPECT_EQ(r.reply->at(3) & 0x0F, 4);
}

TEST(DnsResponder, ResponsesAreNeverAnswered) {
    Bytes response = kDnsA;
    response[2] |= 0x80;
    auto r = respondDns(response, context());
    EXPECT_FALSE(r.reply);
    EXPECT_FALSE(r.malformed);
}

TEST(DnsResponder, CompressionPointerInQuestionIsFormErr) {
    Bytes bad = fromHex("123401000001000000000000c00c00010001");
    auto r = respondDns(bad, context());
    ASSERT_TRUE(r.reply);
    EXPECT_TRUE(r.malformed);
    EXPECT_EQ(r.reply->at(3) & 0x0F, 1);
}

TEST(DnsResponder, EveryTruncationIsDroppedOrFormErr) {
    for (size_t cut = 0; cut < kDnsA.size(); ++cut) {
        const Bytes part(kDnsA.begin(), kDnsA.begin() + static_cast<ptrdiff_t>(cut));
        auto r = respondDns(part, context());
        EXPECT_TRUE(r.malformed) << cut;
        if (cut < 12) {
            EXPECT_FALSE(r.reply) << cut;
        } else {
            ASSERT_TRUE(r.reply) << cut;
            EXPECT_EQ(r.reply->at(3) & 0x0F, 1) << cut;
            EXPECT_EQ(r.reply->size(), 12U) << cut;
        }
    }
}

TEST(NtpResponder, ClientGetsServerReplyEchoingTransmit) {
    auto r = respondNtp(kNtpClient, context());
    ASSERT_TRUE(r.reply);
    const Bytes& b = *r.reply;
    ASSERT_EQ(b.size(), 48U);
    EXPECT_EQ(b[0], 0x24); // LI 0, VN 4, mode 4
    EXPECT_EQ(b[1], 2);    // stratum
    EXPECT_EQ(Bytes(b.begin() + 24, b.begin() + 32), Bytes(kNtpClient.begin() + 40, kNtpClient.end()));
    // Transmit timestamp = kNow in NTP era 0 seconds.
    const uint32_t seconds = (uint32_t{b[40]} << 24) | (uint32_t{b[41]} << 16) | (uint32_t{b[42]} << 8) | b[43];
    EXPECT_EQ(seconds, static_cast<uint32_t>(kNow / kMicrosPerSecond + 2'208'988'800LL));
}

TEST(NtpResponder, MonlistListsRequesterFirstWithinCap) {
    auto r = respondNtp(kNtpMonlist, context());
    ASSERT_TRUE(r.reply);
    const Bytes& b = *r.reply;
    EXPECT_EQ(b[0], 0x97); // response, VN 2, mode 7
    EXPECT_EQ(b[3], 42);
    EXPECT_EQ(u16(b, 4) & 0x0FFF, 3);
    EXPECT_EQ(u16(b, 6), 72);
    ASSERT_EQ(b.size(), 8U + 3 * 72);
    EXPECT_EQ(toHex(textOf(Bytes(b.begin() + 8 + 16, b.begin() + 8 + 20))), "c6336407");
    // A smaller cap gets fewer entries, never a larger reply.
    auto small = respondNtp(kNtpMonlist, context(100));
    ASSERT_TRUE(small.reply);
    EXPECT_EQ(small.reply->size(), 80U);
    EXPECT_FALSE(respondNtp(kNtpMonlist, context(79)).reply);
}

TEST(NtpResponder, UnknownPrivateRequestGetsError) {
    Bytes other = kNtpMonlist;
    other[3] = 1; // REQ_PEER_LIST
    auto r = respondNtp(other, context());
    ASSERT_TRUE(r.reply);
    EXPECT_EQ(r.reply->size(), 8U);
    EXPECT_EQ(u16(*r.reply, 4) >> 12, 2);
}

TEST(NtpResponder, ControlReadvarAndReadstat) {
    auto rv = respondNtp(kNtpReadvar, context());
    ASSERT_TRUE(rv.reply);
    EXPECT_EQ(rv.reply->at(1), 0x82);
    EXPECT_EQ(u16(*rv.reply, 2), 1);
    EXPECT_EQ(rv.reply->size() % 4, 0U);
    EXPECT_NE(textOf(*rv.reply).find("version=\"ntpd"), std::string::npos);
    auto rs = respondNtp(kNtpReadstat, context());
    ASSERT_TRUE(rs.reply);
    EXPECT_EQ(rs.reply->size(), 16U);
    EXPECT_EQ(u16(*rs.reply, 2), 7);
    auto capped = respondNtp(kNtpReadvar, context(64));
    ASSERT_TRUE(capped.reply);
    EXPECT_LE(capped.reply->size(), 64U);
}

TEST(NtpResponder, TruncationsAndOtherModes) {
    for (const Bytes* request : {&kNtpClient, &kNtpMonlist, &kNtpReadvar}) {
        const size_t minimum = request == &kNtpClient ? 48 : request == &kNtpMonlist ? 8 : 12;
        for (size_t cut = 0; cut < minimum; ++cut) {
            const Bytes part(request->begin(), request->begin() + static_cast<ptrdiff_t>(cut));
            auto r = respondNtp(part, context());
            EXPECT_FALSE(r.reply) << cut;
            EXPECT_TRUE(r.malformed) << cut;
        }
    }
    Bytes server = kNtpClient;
    server[0] = 0x24; // mode 4: a reply, never answered
    EXPECT_FALSE(respondNtp(server, context()).reply);
}

TEST(SsdpResponder, MSearchGetsOneOk) {
    auto r = respondSsdp(bytesOf(kSsdp), context());
    ASSERT_TRUE(r.reply);
    const std::string text = textOf(*r.reply);
    EXPECT_TRUE(text.starts_with("HTTP/1.1 200 OK\r\n"));
    EXPECT_NE(text.find("ST: upnp:rootdevice\r\n"), std::string::npos);
    EXPECT_NE(text.find("SERVER: Linux/3.14.0 UPnP/1.0 MiniUPnPd/2.0\r\n"), std::string::npos);
    EXPECT_NE(text.find("LOCATION: http://192.168.1.1:11900/rootDesc.xml\r\n"), std::string::npos);
    EXPECT_NE(text.find("DATE: Wed, 01 May 2024 12:00:00 GMT\r\n"), std::string::npos);
    EXPECT_TRUE(text.ends_with("\r\n\r\n"));
    EXPECT_FALSE(respondSsdp(bytesOf(kSsdp), context(100)).reply);
}

TEST(SsdpResponder, MissingManTruncatedOrHostileIsDropped) {
    EXPECT_TRUE(respondSsdp(bytesOf("M-SEARCH * HTTP/1.1\r\nST: ssdp:all\r\n\r\n"), context()).malformed);
    EXPECT_FALSE(respondSsdp(bytesOf("NOTIFY * HTTP/1.1\r\n\r\n"), context()).malformed);
    const std::string long_st =
        "M-SEARCH * HTTP/1.1\r\nMAN: \"ssdp:discover\"\r\nST: " + std::string(200, 'a') + "\r\n\r\n";
    EXPECT_FALSE(respondSsdp(bytesOf(long_st), context()).reply);
    for (size_t cut = 0; cut < kSsdp.size(); ++cut) {
        auto r = respondSsdp(bytesOf(kSsdp.substr(0, cut)), context());
        EXPECT_FALSE(r.reply) << cut;
    }
}

TEST(ChargenResponder, RotatingLinesWithinCap) {
    auto r = respondChargen(bytesOf("\r\n"), context());
    ASSERT_TRUE(r.reply);
    ASSERT_EQ(r.reply->size(), 6U * 74); // 444 <= 512
    const std::string text = textOf(*r.reply);
    EXPECT_EQ(text.substr(0, 74), " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefg\r\n");
    EXPECT_EQ(text[74], '!'); // next line starts one character later
    EXPECT_EQ(respondChargen({}, context(200)).reply->size(), 2U * 74);
    EXPECT_FALSE(respondChargen({}, context(73)).reply);
    EXPECT_EQ(respondChargen({}, context(100000)).reply->size(), 6U * 74);
}

TEST(MemcachedResponder, StatsVersionGetKeepRequestId) {
    auto stats = respondMemcached(kMemcachedStats, context());
    ASSERT_TRUE(stats.reply);
    EXPECT_EQ(toHex(textOf(Bytes(stats.reply->begin(), stats.reply->begin() + 8))), "0001000000010000");
    const std::string text = textOf(*stats.reply).substr(8);
    EXPECT_TRUE(text.starts_with("STAT pid "));
    EXPECT_NE(text.find("STAT time 1714564800\r\n"), std::string::npos);
    EXPECT_TRUE(text.ends_with("END\r\n"));
    EXPECT_LE(stats.reply->size(), 512U);

    auto capped = respondMemcached(kMemcachedStats, context(60));
    ASSERT_TRUE(capped.reply);
    EXPECT_LE(capped.reply->size(), 60U);
    EXPECT_TRUE(textOf(*capped.reply).ends_with("END\r\n"));

    Bytes version = fromHex("abcd000000010000");
    for (char c : std::string_view("version\r\n")) {
        version.push_back(static_cast<uint8_t>(c));
    }
    auto v = respondMemcached(version, context());
    ASSERT_TRUE(v.reply);
    EXPECT_EQ(textOf(*v.reply), std::string("\xab\xcd\0\0\0\x01\0\0VERSION 1.6.18\r\n", 24));

    Bytes get = fromHex("0007000000010000");
    for (char c : std::string_view("get a b\r\n")) {
        get.push_back(static_cast<uint8_t>(c));
    }
    EXPECT_EQ(textOf(*respondMemcached(get, context()).reply).substr(8), "END\r\n");
}

TEST(MemcachedResponder, BadFramesAndTruncations) {
    for (size_t cut = 0; cut < kMemcachedStats.size(); ++cut) {
        const Bytes part(kMemcachedStats.begin(), kMemcachedStats.begin() + static_cast<ptrdiff_t>(cut));
        auto r = respondMemcached(part, context());
        EXPECT_FALSE(r.reply) << cut;
        EXPECT_TRUE(r.malformed) << cut;
    }
    Bytes second = kMemcachedStats;
    second[3] = 1; // sequence 1
    EXPECT_FALSE(respondMemcached(second, context()).reply);
    Bytes unknown = fromHex("0001000000010000");
    for (char c : std::string_view("flush_all\r\n")) {
        unknown.push_back(static_cast<uint8_t>(c));
    }
    auto r = respondMemcached(unknown, context());
    EXPECT_TRUE(r.malformed);
    ASSERT_TRUE(r.reply);
    EXPECT_EQ(textOf(*r.reply).substr(8), "ERROR\r\n");
}

TEST(Responders, TableAndDefaultPorts) {
    ASSERT_EQ(reflectorServices().size(), 5U);
    EXPECT_EQ(defaultPort(Service::Dns), 10053);
    EXPECT_EQ(defaultPort(Service::Ntp), 10123);
    EXPECT_EQ(defaultPort(Service::Ssdp), 11900);
    EXPECT_EQ(defaultPort(Service::Chargen), 10019);
    EXPECT_EQ(defaultPort(Service::Memcached), 11211);
    EXPECT_EQ(parseService("memcached"), Service::Memcached);
    EXPECT_FALSE(parseService("snmp"));
    for (const auto& info : reflectorServices()) {
        EXPECT_EQ(serviceName(info.service), info.name);
        // Every service replies to nothing larger than the cap, whatever the input.
        const Bytes junk(600, 0x17);
        for (size_t cap : {0U, 1U, 50U, 512U}) {
            auto r = respond(info.service, junk, context(cap));
            EXPECT_TRUE(!r.reply || r.reply->size() <= cap) << info.name << " " << cap;
        }
    }
    EXPECT_TRUE(respond(Service::Dns, kDnsA, context()).reply);
}

} // namespace
} // namespace kansoku::honeypot::reflector
