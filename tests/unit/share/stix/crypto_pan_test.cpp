// Crypto-PAn against the reference implementation's published sample (Xu et al.'s distribution:
// sample.cpp's key, sample_trace_raw.dat -> sample_trace_sanitized.dat), and its properties.

#include <random>
#include <set>

#include <gtest/gtest.h>

#include "share/stix/crypto_pan.h"
#include "share/stix/subscriber_policy.h"

namespace kansoku::share::stix {
namespace {

constexpr CryptoPan::Key kReferenceKey = {21,  34,  23,  141, 51,  164, 207, 128, 19, 10, 91, 22, 73, 144, 125, 16,
                                          216, 152, 143, 131, 121, 121, 101, 39,  98, 87, 76, 45, 42, 132, 34,  2};

IpAddress ip(std::string_view text) {
    return *IpAddress::parse(text);
}

CryptoPan make(const CryptoPan::Key& key) {
    auto pan = CryptoPan::create(key);
    EXPECT_TRUE(pan);
    return std::move(*pan);
}

TEST(CryptoPanTest, ReferenceSampleTrace) {
    const CryptoPan pan = make(kReferenceKey);
    const std::pair<const char*, const char*> vectors[] = {
        {"128.11.68.132", "135.242.180.132"},   {"129.118.74.4", "134.136.186.123"},
        {"130.132.252.244", "133.68.164.234"},  {"141.223.7.43", "141.167.8.160"},
        {"141.233.145.108", "141.129.237.235"}, {"152.163.225.39", "151.140.114.167"},
        {"156.29.3.236", "147.225.12.42"},      {"165.247.96.84", "162.9.99.234"},
        {"166.107.77.190", "160.132.178.185"},  {"192.102.249.13", "252.138.62.131"},
        {"192.215.32.125", "252.43.47.189"},    {"192.233.80.103", "252.25.108.8"},
        {"192.41.57.43", "252.222.221.184"},    {"193.150.244.223", "253.169.52.216"},
        {"195.205.63.100", "255.186.223.5"},    {"198.200.171.101", "249.199.68.213"},
        {"198.26.132.101", "249.36.123.202"},   {"198.36.213.5", "249.7.21.132"},
        {"198.51.77.238", "249.18.186.254"},    {"199.217.79.101", "248.38.184.213"},
        {"207.105.49.5", "241.118.205.138"},    {"208.147.89.59", "227.237.98.191"},
        {"209.12.231.7", "226.243.167.8"},      {"212.120.124.31", "228.135.163.231"},
        {"216.148.237.145", "235.84.194.111"},  {"24.0.250.221", "100.15.198.226"},
        {"38.15.67.68", "64.3.66.187"},         {"4.3.88.225", "124.60.155.63"},
        {"63.14.55.111", "95.9.215.7"},         {"64.14.118.196", "0.255.183.58"},
        {"10.185.25.118", "117.161.29.118"},
    };
    for (const auto& [raw, sanitized] : vectors) {
        EXPECT_EQ(pan.pseudonymise(ip(raw)).toString(), sanitized) << raw;
    }
}

TEST(CryptoPanTest, Ipv6AsOtherImplementationsExtendIt) {
    // Outputs of the Go implementation github.com/Yawning/cryptopan with the same key (its test vectors).
    const CryptoPan pan = make(kReferenceKey);
    EXPECT_EQ(pan.pseudonymise(ip("::1")).toString(), "78ff:f001:9fc0:20df:8380:b1f1:704:ed");
    EXPECT_EQ(pan.pseudonymise(ip("2001:db8::1")).toString(), "4401:2bc:603f:d91d:27f:ff8e:e6f1:dc1e");
    EXPECT_EQ(pan.pseudonymise(ip("2001:db8::2")).toString(), "4401:2bc:603f:d91d:27f:ff8e:e6f1:dc1c");
}

int commonPrefix(uint32_t a, uint32_t b) {
    return a == b ? 32 : __builtin_clz(a ^ b);
}

TEST(CryptoPanTest, PreservesPrefixesExactly) {
    const CryptoPan pan = make(kReferenceKey);
    std::mt19937 rng(7);
    for (int i = 0; i < 2000; ++i) {
        const uint32_t a = rng();
        const uint32_t b = i % 2 == 0 ? (a & 0xFFFFFF00u) | (rng() & 0xFF) : rng();
        const uint32_t pa = pan.pseudonymise(IpAddress::fromV4(a)).v4();
        const uint32_t pb = pan.pseudonymise(IpAddress::fromV4(b)).v4();
        ASSERT_EQ(commonPrefix(pa, pb), commonPrefix(a, b))
            << IpAddress::fromV4(a).toString() << " " << IpAddress::fromV4(b).toString();
    }
}

TEST(CryptoPanTest, SameSlash24SamePseudonymousSlash24) {
    const CryptoPan pan = make(kReferenceKey);
    std::set<uint32_t> prefixes;
    for (uint32_t host = 1; host < 255; ++host) {
        prefixes.insert(pan.pseudonymise(ip("198.51.100." + std::to_string(host))).v4() & 0xFFFFFF00u);
    }
    EXPECT_EQ(prefixes.size(), 1u);
    EXPECT_NE(*prefixes.begin(), 0xC6336400u) << "the /24 itself is hidden";
}

TEST(CryptoPanTest, DifferentKeysGiveUnrelatedPseudonyms) {
    CryptoPan::Key other = kReferenceKey;
    other[0] ^= 1;
    const CryptoPan a = make(kReferenceKey);
    const CryptoPan b = make(other);
    std::mt19937 rng(11);
    int same_first_octet = 0;
    int same_address = 0;
    for (int i = 0; i < 1000; ++i) {
        const IpAddress address = IpAddress::fromV4(rng());
        const uint32_t pa = a.pseudonymise(address).v4();
        const uint32_t pb = b.pseudonymise(address).v4();
        same_first_octet += (pa >> 24) == (pb >> 24);
        same_address += pa == pb;
    }
    EXPECT_EQ(same_address, 0);
    EXPECT_LT(same_first_octet, 20) << "about 1000/256 expected by chance";
}

TEST(CryptoPanTest, KeyFromSecret) {
    auto hex = CryptoPan::keyFromSecret("1522178d33a4cf80130a5b1649907d10d8988f837979652762574c2d2a842202");
    ASSERT_TRUE(hex);
    EXPECT_EQ(*hex, kReferenceKey);
    auto phrase = CryptoPan::keyFromSecret("a long random secret of the community");
    ASSERT_TRUE(phrase);
    EXPECT_NE(*phrase, kReferenceKey);
    EXPECT_FALSE(CryptoPan::keyFromSecret(""));
}

TEST(SubscriberAddressMapTest, EachPolicy) {
    auto withhold = SubscriberAddressMap::create(SubscriberPolicy::Withhold, "");
    ASSERT_TRUE(withhold);
    EXPECT_FALSE(withhold->map(ip("198.51.100.7")));
    auto aggregate = SubscriberAddressMap::create(SubscriberPolicy::Aggregate24, "");
    ASSERT_TRUE(aggregate);
    EXPECT_EQ(aggregate->map(ip("198.51.100.7")), "198.51.100.0/24");
    EXPECT_EQ(aggregate->map(ip("2001:db8:1:2::7")), "2001:db8:1::/48");
    EXPECT_FALSE(SubscriberAddressMap::create(SubscriberPolicy::Pseudonymise, "")) << "a key is required";
    auto pseudonyms = SubscriberAddressMap::create(SubscriberPolicy::Pseudonymise,
                                                   "1522178d33a4cf80130a5b1649907d10d8988f837979652762574c2d2a842202");
    ASSERT_TRUE(pseudonyms);
    EXPECT_EQ(pseudonyms->map(ip("128.11.68.132")), "135.242.180.132");
    EXPECT_EQ(parseSubscriberPolicy("aggregate24"), SubscriberPolicy::Aggregate24);
    EXPECT_EQ(parseSubscriberPolicy(subscriberPolicyName(SubscriberPolicy::Pseudonymise)),
              SubscriberPolicy::Pseudonymise);
    EXPECT_FALSE(parseSubscriberPolicy("all"));
}

} // namespace
} // namespace kansoku::share::stix
