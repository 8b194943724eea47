#include <gtest/gtest.h>

#include "packet_check.h"
#include "sandbox/fakenet/dns_message.h"
#include "support/hex.h"

namespace kansoku::sandbox::fakenet {
namespace {

using kansoku::testing::fromHex;

std::string hexOf(const std::vector<uint8_t>& v) {
    return kansoku::testing::toHex(std::string_view(reinterpret_cast<const char*>(v.data()), v.size()));
}

// example.com A IN, RD set.
const char* const kQuery = "1234 0100 0001 0000 0000 0000 07 6578616d706c65 03 636f6d 00 0001 0001";

TEST(DnsMessageTest, ParsesAQuery) {
    const auto m = fromHex(kQuery);
    DnsQuery q;
    ASSERT_EQ(parseDnsQuery(m, q), DnsParseResult::Ok);
    EXPECT_EQ(q.id, 0x1234);
    EXPECT_EQ(q.qname, "example.com");
    EXPECT_EQ(q.qtype, dns_type::kA);
    EXPECT_EQ(q.qclass, 1);
    EXPECT_EQ(q.question_end, m.size());
}

TEST(DnsMessageTest, BuildsAnAnswerByteExactly) {
    const auto m = fromHex(kQuery);
    DnsQuery q;
    ASSERT_EQ(parseDnsQuery(m, q), DnsParseResult::Ok);
    const auto r = buildDnsResponse(m, q, dns_rcode::kNoError, test::ip("198.51.100.250"), 300);
    EXPECT_EQ(hexOf(r), "123481800001000100000000"
                        "076578616d706c6503636f6d0000010001"
                        "c00c000100010000012c0004c63364fa");
    const auto nx = buildDnsResponse(m, q, dns_rcode::kNxDomain, std::nullopt, 300);
    EXPECT_EQ(hexOf(nx), "123481830001000000000000"
                         "076578616d706c6503636f6d0000010001");
    const auto aaaa = buildDnsResponse(m, q, dns_rcode::kNoError, test::ip("2001:db8::250"), 60);
    EXPECT_EQ(hexOf(aaaa).substr(58), "c00c001c00010000003c001020010db8000000000000000000000250");
}

TEST(DnsMessageTest, LowerCasesAndEscapesNames) {
    // "A.b\x01" label "Ex.1" -> labels: "A", "b\x01", "x.y"
    const auto m = fromHex("0001 0000 0001 0000 0000 0000 01 41 02 6201 03 782e79 00 001c 0001");
    DnsQuery q;
    ASSERT_EQ(parseDnsQuery(m, q), DnsParseResult::Ok);
    EXPECT_EQ(q.qname, "a.b\\001.x\\.y");
    EXPECT_EQ(q.qtype, dns_type::kAaaa);
}

TEST(DnsMessageTest, FollowsBackwardPointersOnly) {
    DnsQuery q;
    // The question's name points at itself: a loop.
    EXPECT_EQ(parseDnsQuery(fromHex("0001 0000 0001 0000 0000 0000 c00c 0001 0001"), q), DnsParseResult::BadName);
    // Forwards.
    EXPECT_EQ(parseDnsQuery(fromHex("0001 0000 0001 0000 0000 0000 c010 0001 0001 0000"), q), DnsParseResult::BadName);
    // Backwards into the header: offset 6 holds ANCOUNT's high byte 00, the root label.
    const auto m = fromHex("0001 0000 0001 0000 0000 0000 01 61 c006 0001 0001");
    ASSERT_EQ(parseDnsQuery(m, q), DnsParseResult::Ok);
    EXPECT_EQ(q.qname, "a");
    EXPECT_EQ(q.question_end, m.size()); // ends after the pointer, not where the pointer led
    // Backwards, but the target is a pointer to itself again: still a loop, still refused.
    EXPECT_EQ(parseDnsQuery(fromHex("c000 0000 0001 0000 0000 0000 01 61 c000 0001 0001"), q), DnsParseResult::BadName);
}

TEST(DnsMessageTest, RejectsTruncatedAndOddMessages) {
    DnsQuery q;
    const auto full = fromHex(kQuery);
    for (size_t n = 0; n < full.size(); ++n) {
        EXPECT_NE(parseDnsQuery(std::span(full.data(), n), q), DnsParseResult::Ok) << n;
    }
    auto response = full;
    response[2] |= 0x80;
    EXPECT_EQ(parseDnsQuery(response, q), DnsParseResult::NotQuery);
    auto none = full;
    none[5] = 0;
    EXPECT_EQ(parseDnsQuery(none, q), DnsParseResult::NoQuestion);
    auto reserved = full;
    reserved[12] = 0x47; // 01 label type
    EXPECT_EQ(parseDnsQuery(reserved, q), DnsParseResult::BadName);
    // A name longer than 255 bytes.
    std::vector<uint8_t> long_name = fromHex("0001 0000 0001 0000 0000 0000");
    for (int i = 0; i < 5; ++i) {
        long_name.push_back(63);
        long_name.insert(long_name.end(), 63, 'a');
    }
    long_name.insert(long_name.end(), {0, 0, 1, 0, 1});
    EXPECT_EQ(parseDnsQuery(long_name, q), DnsParseResult::BadName);
}

} // namespace
} // namespace kansoku::sandbox::fakenet
