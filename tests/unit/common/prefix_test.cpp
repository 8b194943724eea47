#include <gtest/gtest.h>

#include "common/prefix.h"

namespace kansoku {
namespace {

IpAddress ip(std::string_view text) {
    const auto address = IpAddress::parse(text);
    EXPECT_TRUE(address) << text;
    return address.value_or(IpAddress{});
}

TEST(Prefix, ParsesIpv4) {
    const auto p = Prefix::parse("203.0.113.0/24");
    ASSERT_TRUE(p) << p.error().message;
    EXPECT_TRUE(p->isV4());
    EXPECT_EQ(p->length(), 24);
    EXPECT_EQ(p->network(), ip("203.0.113.0"));
    EXPECT_EQ(p->size(), 256.0);
    EXPECT_EQ(p->toString(), "203.0.113.0/24");
    EXPECT_TRUE(p->contains(ip("203.0.113.0")));
    EXPECT_TRUE(p->contains(ip("203.0.113.255")));
    EXPECT_FALSE(p->contains(ip("203.0.112.255")));
    EXPECT_FALSE(p->contains(ip("203.0.114.0")));
    EXPECT_FALSE(p->contains(ip("2001:db8::1")));
}

TEST(Prefix, ParsesIpv6) {
    const auto p = Prefix::parse("2001:db8:dead::/48");
    ASSERT_TRUE(p) << p.error().message;
    EXPECT_FALSE(p->isV4());
    EXPECT_EQ(p->length(), 48);
    EXPECT_EQ(p->size(), std::ldexp(1.0, 80));
    EXPECT_EQ(p->toString(), "2001:db8:dead::/48");
    EXPECT_TRUE(p->contains(ip("2001:db8:dead::1")));
    EXPECT_TRUE(p->contains(ip("2001:db8:dead:ffff:ffff:ffff:ffff:ffff")));
    EXPECT_FALSE(p->contains(ip("2001:db8:deae::")));
    EXPECT_FALSE(p->contains(ip("203.0.113.1")));
}

TEST(Prefix, UnalignedLengths) {
    const auto v4 = Prefix::parse("198.18.0.0/15");
    ASSERT_TRUE(v4) << v4.error().message;
    EXPECT_TRUE(v4->contains(ip("198.19.255.255")));
    EXPECT_FALSE(v4->contains(ip("198.20.0.0")));
    const auto v6 = Prefix::parse("2001:db8:8000::/33");
    ASSERT_TRUE(v6) << v6.error().message;
    EXPECT_TRUE(v6->contains(ip("2001:db8:ffff::1")));
    EXPECT_FALSE(v6->contains(ip("2001:db8:7fff::1")));
}

TEST(Prefix, NoLengthIsAHost) {
    const auto v4 = Prefix::parse("203.0.113.7");
    ASSERT_TRUE(v4) << v4.error().message;
    EXPECT_EQ(v4->length(), 32);
    EXPECT_EQ(v4->size(), 1.0);
    EXPECT_TRUE(v4->contains(ip("203.0.113.7")));
    EXPECT_FALSE(v4->contains(ip("203.0.113.6")));
    EXPECT_EQ(v4->toString(), "203.0.113.7/32");
    const auto v6 = Prefix::parse("2001:db8::7");
    ASSERT_TRUE(v6) << v6.error().message;
    EXPECT_EQ(v6->length(), 128);
    EXPECT_TRUE(v6->contains(ip("2001:db8::7")));
    EXPECT_FALSE(v6->contains(ip("2001:db8::8")));
}

TEST(Prefix, ZeroLengthCoversTheFamily) {
    const auto all_v4 = Prefix::parse("0.0.0.0/0");
    ASSERT_TRUE(all_v4) << all_v4.error().message;
    EXPECT_EQ(all_v4->size(), std::ldexp(1.0, 32));
    EXPECT_TRUE(all_v4->contains(ip("255.255.255.255")));
    EXPECT_FALSE(all_v4->contains(ip("2001:db8::1")));
}

TEST(Prefix, HostBitsSetSuggestsTheNetwork) {
    const auto v4 = Prefix::parse("203.0.113.1/24");
    ASSERT_FALSE(v4);
    EXPECT_NE(v4.error().message.find("203.0.113.1/24"), std::string::npos) << v4.error().message;
    EXPECT_NE(v4.error().message.find("host bits"), std::string::npos) << v4.error().message;
    EXPECT_NE(v4.error().message.find("did you mean 203.0.113.0/24?"), std::string::npos) << v4.error().message;

    const auto v6 = Prefix::parse("2001:db8:dead::1/48");
    ASSERT_FALSE(v6);
    EXPECT_NE(v6.error().message.find("did you mean 2001:db8:dead::/48?"), std::string::npos) << v6.error().message;
}

TEST(Prefix, RejectsBadLengths) {
    for (const char* text : {"203.0.113.0/33", "203.0.113.0/-1", "203.0.113.0/", "203.0.113.0/24x", "203.0.113.0/ 24",
                             "203.0.113.0/+24", "203.0.113.0/0x18", "203.0.113.0/99999999999"}) {
        const auto p = Prefix::parse(text);
        ASSERT_FALSE(p) << text;
        EXPECT_NE(p.error().message.find("length must be 0..32"), std::string::npos) << p.error().message;
    }
    const auto v6 = Prefix::parse("2001:db8::/129");
    ASSERT_FALSE(v6);
    EXPECT_NE(v6.error().message.find("length must be 0..128"), std::string::npos) << v6.error().message;
}

TEST(Prefix, RejectsBadAddresses) {
    for (const char* text : {"", "/24", "203.0.113/24", "darknet", "2001:db8:::/48"}) {
        const auto p = Prefix::parse(text);
        ASSERT_FALSE(p) << text;
        EXPECT_NE(p.error().message.find("not an IPv4 or IPv6 address"), std::string::npos) << p.error().message;
        EXPECT_EQ(p.error().message.find('\n'), std::string::npos);
    }
}

TEST(PrefixSet, ContainsAcrossPrefixesAndFamilies) {
    PrefixSet set;
    EXPECT_TRUE(set.empty());
    EXPECT_FALSE(set.contains(ip("203.0.113.1")));
    set.add(*Prefix::parse("203.0.113.0/24"));
    set.add(*Prefix::parse("198.18.0.0/16"));
    set.add(*Prefix::parse("2001:db8:dead::/48"));
    EXPECT_FALSE(set.empty());
    EXPECT_EQ(set.prefixes().size(), 3U);
    EXPECT_TRUE(set.contains(ip("203.0.113.1")));
    EXPECT_TRUE(set.contains(ip("198.18.200.1")));
    EXPECT_TRUE(set.contains(ip("2001:db8:dead:1::1")));
    EXPECT_FALSE(set.contains(ip("203.0.114.1")));
    EXPECT_FALSE(set.contains(ip("198.19.0.0")));
    EXPECT_FALSE(set.contains(ip("2001:db8:beef::1")));
    // An IPv4 address must not match an IPv6 prefix through its mapped form, nor the reverse.
    EXPECT_FALSE(set.contains(ip("::cb00:7101")));
}

TEST(PrefixSet, HostAndZeroLengthPrefixes) {
    PrefixSet set;
    set.add(*Prefix::parse("192.0.2.7"));
    EXPECT_TRUE(set.contains(ip("192.0.2.7")));
    EXPECT_FALSE(set.contains(ip("192.0.2.6")));
    set.add(*Prefix::parse("0.0.0.0/0"));
    EXPECT_TRUE(set.contains(ip("8.8.8.8")));
    EXPECT_FALSE(set.contains(ip("2001:db8::1")));
}

TEST(PrefixSet, LookupGivesIndexesIntoTheV4AddressSpace) {
    PrefixSet set;
    set.add(*Prefix::parse("203.0.113.0/24"));
    set.add(*Prefix::parse("198.18.0.0/16"));
    set.add(*Prefix::parse("192.0.2.7"));
    set.add(*Prefix::parse("2001:db8:dead::/48"));
    uint32_t index = 12345;
    ASSERT_TRUE(set.lookup(ip("203.0.113.0"), index));
    EXPECT_EQ(index, 0U);
    ASSERT_TRUE(set.lookup(ip("203.0.113.255"), index));
    EXPECT_EQ(index, 255U);
    ASSERT_TRUE(set.lookup(ip("198.18.0.0"), index));
    EXPECT_EQ(index, 256U);
    ASSERT_TRUE(set.lookup(ip("198.18.1.2"), index));
    EXPECT_EQ(index, 256U + 258U);
    ASSERT_TRUE(set.lookup(ip("192.0.2.7"), index));
    EXPECT_EQ(index, 256U + 65536U); // the last index: v4Size() - 1
    EXPECT_EQ(set.v4Size(), 256.0 + 65536.0 + 1.0);
    EXPECT_FALSE(set.lookup(ip("192.0.2.8"), index));
    EXPECT_TRUE(set.lookup(ip("2001:db8:dead::1"), index));
    EXPECT_FALSE(set.lookup(ip("2001:db8:beef::1"), index));
}

TEST(PrefixSet, Sizes) {
    PrefixSet set;
    EXPECT_EQ(set.v4Size(), 0.0);
    EXPECT_EQ(set.v6Size(), 0.0);
    set.add(*Prefix::parse("203.0.113.0/24"));
    EXPECT_EQ(set.v4Size(), 256.0);
    set.add(*Prefix::parse("198.18.0.0/16"));
    set.add(*Prefix::parse("192.0.2.1"));
    EXPECT_EQ(set.v4Size(), 256.0 + 65536.0 + 1.0);
    EXPECT_EQ(set.v6Size(), 0.0);
    set.add(*Prefix::parse("2001:db8:dead::/48"));
    EXPECT_EQ(set.v4Size(), 256.0 + 65536.0 + 1.0);
    EXPECT_EQ(set.v6Size(), std::ldexp(1.0, 80));
}

} // namespace
} // namespace kansoku
