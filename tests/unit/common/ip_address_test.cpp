#include <string>

#include <gtest/gtest.h>

#include "common/ip_address.h"

namespace kansoku {
namespace {

std::string roundTrip(std::string_view text) {
    const auto address = IpAddress::parse(text);
    return address ? address->toString() : "<invalid>";
}

TEST(IpAddress, ParsesAndFormatsIpv4) {
    const auto a = IpAddress::parse("203.0.113.7");
    ASSERT_TRUE(a);
    EXPECT_TRUE(a->isV4());
    EXPECT_EQ(a->v4(), 0xCB007107U);
    EXPECT_EQ(a->toString(), "203.0.113.7");
    EXPECT_EQ(roundTrip("0.0.0.0"), "0.0.0.0");
    EXPECT_EQ(roundTrip("255.255.255.255"), "255.255.255.255");
}

TEST(IpAddress, Ipv4IsStoredAsMappedIpv6) {
    const auto a = IpAddress::fromV4(0xC0000201U);
    const std::array<uint8_t, 16> expected = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1};
    EXPECT_EQ(a.bytes(), expected);
    EXPECT_EQ(a.toString(), "192.0.2.1");
    // The mapped text form is the same address as the dotted quad.
    EXPECT_EQ(IpAddress::parse("::ffff:192.0.2.1"), a);
}

TEST(IpAddress, ParsesAndFormatsIpv6) {
    const auto a = IpAddress::parse("2001:db8::1");
    ASSERT_TRUE(a);
    EXPECT_FALSE(a->isV4());
    const std::array<uint8_t, 16> expected = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    EXPECT_EQ(a->bytes(), expected);
    EXPECT_EQ(a->toString(), "2001:db8::1");
    EXPECT_EQ(roundTrip("::"), "::");
    EXPECT_EQ(roundTrip("::1"), "::1");
    EXPECT_EQ(roundTrip("fe80::"), "fe80::");
}

TEST(IpAddress, FormatsIpv6AsRfc5952) {
    // 4.1: no leading zeros; 4.3: lower case.
    EXPECT_EQ(roundTrip("2001:0DB8:0000:0000:0000:0000:0000:0001"), "2001:db8::1");
    // 4.2.1: the longest run of zero fields is compressed.
    EXPECT_EQ(roundTrip("2001:db8:0:0:1:0:0:0"), "2001:db8:0:0:1::");
    // 4.2.2: a single zero field is not compressed.
    EXPECT_EQ(roundTrip("2001:db8:0:1:1:1:1:1"), "2001:db8:0:1:1:1:1:1");
    // 4.2.3: of equal runs, the first is compressed.
    EXPECT_EQ(roundTrip("2001:db8:0:0:1:0:0:1"), "2001:db8::1:0:0:1");
    EXPECT_EQ(roundTrip("2001:0:0:1:0:0:0:1"), "2001:0:0:1::1");
}

TEST(IpAddress, RejectsInvalidText) {
    for (const char* text : {"", " ", "203.0.113", "203.0.113.7.1", "256.0.0.1", "203.0.113.-1", "203.0.113.7/24",
                             " 203.0.113.7", "203.0.113.7 ", "a.b.c.d", "localhost", "2001:db8:::1", "1::2::3",
                             "2001:db8::g", "12345::", "1:2:3:4:5:6:7:8:9", "fe80::1%eth0", ":", "2001:db8::1/64"}) {
        EXPECT_FALSE(IpAddress::parse(text)) << "'" << text << "'";
    }
    // Longer than any address text: rejected without overflowing the parse buffer.
    EXPECT_FALSE(IpAddress::parse(std::string(200, '1')));
    EXPECT_FALSE(IpAddress::parse("0000:0000:0000:0000:0000:0000:0000:0000:0000"));
}

TEST(IpAddress, ComparesAndOrders) {
    const auto a = *IpAddress::parse("192.0.2.1");
    const auto b = *IpAddress::parse("192.0.2.2");
    const auto v6 = *IpAddress::parse("2001:db8::1");
    EXPECT_EQ(a, IpAddress::fromV4(0xC0000201U));
    EXPECT_NE(a, b);
    EXPECT_LT(a, b);
    EXPECT_NE(a, v6);
    EXPECT_EQ(IpAddress::fromV6(v6.bytes().data()), v6);
    EXPECT_NE(hashAddress(a), hashAddress(b));
}

} // namespace
} // namespace kansoku
