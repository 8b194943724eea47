#include <algorithm>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "intel/address_matcher.h"
#include "test_address.h"

namespace kansoku::intel {
namespace {

using Tags = std::vector<AddressMatcher::Tag>;

Prefix prefix(std::string_view text) {
    const auto p = Prefix::parse(text);
    EXPECT_TRUE(p) << text << ": " << (p ? "" : p.error().message);
    return p.value_or(Prefix{});
}

Tags tagsAt(const AddressMatcher& matcher, std::string_view address) {
    const auto span = matcher.lookup(ip(address));
    return {span.begin(), span.end()};
}

AddressMatcher build(std::initializer_list<std::pair<const char*, AddressMatcher::Tag>> entries) {
    AddressMatcher::Builder builder;
    for (const auto& [text, tag] : entries) {
        builder.add(prefix(text), tag);
    }
    return builder.build();
}

TEST(ParseCidrEntry, AcceptsAddressesAndPrefixes) {
    auto plain = parseCidrEntry("192.0.2.1");
    ASSERT_TRUE(plain) << plain.error().message;
    EXPECT_EQ(plain->prefix.toString(), "192.0.2.1/32");
    EXPECT_FALSE(plain->host_bits_masked);

    auto v6 = parseCidrEntry("FE80::/10"); // upper case, as in the ipv6-linklocal list
    ASSERT_TRUE(v6) << v6.error().message;
    EXPECT_EQ(v6->prefix.toString(), "fe80::/10");

    auto v6_host = parseCidrEntry("2001:db8::1");
    ASSERT_TRUE(v6_host);
    EXPECT_EQ(v6_host->prefix.length(), 128);
}

TEST(ParseCidrEntry, MasksHostBitsAndSaysSo) {
    auto v4 = parseCidrEntry("192.0.2.7/24");
    ASSERT_TRUE(v4) << v4.error().message;
    EXPECT_EQ(v4->prefix.toString(), "192.0.2.0/24");
    EXPECT_TRUE(v4->host_bits_masked);

    auto v6 = parseCidrEntry("2001:db8:1:2::5/48");
    ASSERT_TRUE(v6) << v6.error().message;
    EXPECT_EQ(v6->prefix.toString(), "2001:db8:1::/48");
    EXPECT_TRUE(v6->host_bits_masked);
}

TEST(ParseCidrEntry, RefusesWhatIsNotAnAddress) {
    for (const char* bad :
         {"", "/", "example.com", "1.2.3.4/33", "1.2.3.4/", "1.2.3.4/-1", "1.2.3.4/24 ", " 1.2.3.4", "1.2.3/24",
          "1.2.3.4/2x", "2001:db8::/129", "::ffff:1.2.3.4/120", "999.1.1.1/8", "1.2.3.4//24"}) {
        auto parsed = parseCidrEntry(bad);
        EXPECT_FALSE(parsed) << "'" << bad << "' parsed as " << parsed->prefix.toString();
    }
}

TEST(AddressMatcher, EmptyMatchesNothing) {
    const AddressMatcher matcher = AddressMatcher::Builder().build();
    EXPECT_FALSE(matcher.contains(ip("0.0.0.0")));
    EXPECT_FALSE(matcher.contains(ip("255.255.255.255")));
    EXPECT_FALSE(matcher.contains(ip("::")));
    EXPECT_EQ(matcher.rangeCount(), 0u);
}

TEST(AddressMatcher, Ipv4RangeBoundaries) {
    const auto matcher = build({{"10.0.0.0/24", 7}});
    EXPECT_EQ(tagsAt(matcher, "9.255.255.255"), Tags{});
    EXPECT_EQ(tagsAt(matcher, "10.0.0.0"), Tags{7});
    EXPECT_EQ(tagsAt(matcher, "10.0.0.128"), Tags{7});
    EXPECT_EQ(tagsAt(matcher, "10.0.0.255"), Tags{7});
    EXPECT_EQ(tagsAt(matcher, "10.0.1.0"), Tags{});
    EXPECT_EQ(matcher.v4RangeCount(), 1u);
    EXPECT_EQ(matcher.v6RangeCount(), 0u);
}

TEST(AddressMatcher, HostPrefixesAtBothEndsOfTheSpace) {
    const auto matcher = build({{"0.0.0.0/32", 1},
                                {"255.255.255.255/32", 2},
                                {"::/128", 3},
                                {"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128", 4}});
    EXPECT_EQ(tagsAt(matcher, "0.0.0.0"), Tags{1});
    EXPECT_EQ(tagsAt(matcher, "0.0.0.1"), Tags{});
    EXPECT_EQ(tagsAt(matcher, "255.255.255.255"), Tags{2});
    EXPECT_EQ(tagsAt(matcher, "255.255.255.254"), Tags{});
    EXPECT_EQ(tagsAt(matcher, "::"), Tags{3});
    EXPECT_EQ(tagsAt(matcher, "::1"), Tags{});
    EXPECT_EQ(tagsAt(matcher, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), Tags{4});
    EXPECT_EQ(tagsAt(matcher, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe"), Tags{});
}

TEST(AddressMatcher, DefaultRoutesStayInTheirFamily) {
    const auto v4_all = build({{"0.0.0.0/0", 1}});
    EXPECT_EQ(tagsAt(v4_all, "0.0.0.0"), Tags{1});
    EXPECT_EQ(tagsAt(v4_all, "255.255.255.255"), Tags{1});
    EXPECT_EQ(tagsAt(v4_all, "::"), Tags{});
    EXPECT_EQ(tagsAt(v4_all, "2001:db8::1"), Tags{});
    EXPECT_EQ(tagsAt(v4_all, "::ffff:0:1"), Tags{1}); // IPv4-mapped 0.0.0.1
    EXPECT_EQ(tagsAt(v4_all, "::fffe:0:1"), Tags{});  // just below the mapped block: IPv6
    const auto v6_all = build({{"::/0", 2}});
    EXPECT_EQ(tagsAt(v6_all, "::"), Tags{2});
    EXPECT_EQ(tagsAt(v6_all, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), Tags{2});
    // ::/0 covers ::ffff:0:0/96 numerically, but IPv4 addresses are matched among IPv4 prefixes only.
    EXPECT_EQ(tagsAt(v6_all, "192.0.2.1"), Tags{});
    EXPECT_EQ(tagsAt(v6_all, "::ffff:192.0.2.1"), Tags{});
}

TEST(AddressMatcher, Ipv4MappedTextIsIpv4) {
    const auto matcher = build({{"192.0.2.0/24", 1}, {"::c000:201/128", 2}});
    // ::ffff:192.0.2.1 is the IPv4 address 192.0.2.1; ::192.0.2.1 (IPv4-compatible) is IPv6.
    EXPECT_EQ(tagsAt(matcher, "::ffff:192.0.2.1"), Tags{1});
    EXPECT_EQ(tagsAt(matcher, "::192.0.2.1"), Tags{2});
    EXPECT_EQ(tagsAt(matcher, "::c000:202"), Tags{});
}

TEST(AddressMatcher, NestedPrefixesMostSpecificFirst) {
    const auto matcher = build({{"10.0.0.0/8", 0}, {"10.1.0.0/16", 1}, {"10.1.2.0/24", 2}});
    EXPECT_EQ(tagsAt(matcher, "10.0.0.1"), (Tags{0}));
    EXPECT_EQ(tagsAt(matcher, "10.1.0.0"), (Tags{1, 0}));
    EXPECT_EQ(tagsAt(matcher, "10.1.2.255"), (Tags{2, 1, 0}));
    EXPECT_EQ(tagsAt(matcher, "10.1.3.0"), (Tags{1, 0}));
    EXPECT_EQ(tagsAt(matcher, "10.255.255.255"), (Tags{0}));
    EXPECT_EQ(tagsAt(matcher, "11.0.0.0"), Tags{});
    // 10.0/16..10.1.1.255, 10.1.2/24, 10.1.3..10.1.255, 10.2..10.255: five disjoint ranges.
    EXPECT_EQ(matcher.v4RangeCount(), 5u);
}

TEST(AddressMatcher, AdjacentEntriesOfOneListMerge) {
    AddressMatcher::Builder builder;
    for (int i = 0; i < 256; ++i) {
        builder.add(Prefix(IpAddress::fromV4(0xC0000200u + static_cast<uint32_t>(i)), 32), 5);
    }
    builder.add(prefix("192.0.3.0/25"), 5);
    builder.add(prefix("192.0.3.128/25"), 6); // adjacent but another list: stays separate
    const auto matcher = builder.build();
    EXPECT_EQ(matcher.v4RangeCount(), 2u);
    EXPECT_EQ(tagsAt(matcher, "192.0.2.0"), Tags{5});
    EXPECT_EQ(tagsAt(matcher, "192.0.3.127"), Tags{5});
    EXPECT_EQ(tagsAt(matcher, "192.0.3.128"), Tags{6});
    EXPECT_EQ(tagsAt(matcher, "192.0.4.0"), Tags{});
    EXPECT_EQ(tagsAt(matcher, "192.0.1.255"), Tags{});
}

TEST(AddressMatcher, DuplicatesAndSharedEntries) {
    const auto matcher = build({{"198.18.0.0/15", 3}, {"198.18.0.0/15", 3}, {"198.18.0.0/15", 1}});
    EXPECT_EQ(tagsAt(matcher, "198.19.255.255"), (Tags{1, 3})); // same length: ordered by tag, once each
    EXPECT_EQ(matcher.v4RangeCount(), 1u);
    EXPECT_EQ(matcher.labelCount(), 1u);
}

TEST(AddressMatcher, Ipv6Boundaries) {
    const auto matcher = build({{"2001:db8::/32", 1}, {"2001:db8:ffff::/48", 2}, {"2001:db9::1", 3}});
    EXPECT_EQ(tagsAt(matcher, "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff"), Tags{});
    EXPECT_EQ(tagsAt(matcher, "2001:db8::"), Tags{1});
    EXPECT_EQ(tagsAt(matcher, "2001:db8:ffff::1"), (Tags{2, 1}));
    EXPECT_EQ(tagsAt(matcher, "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"), (Tags{2, 1}));
    EXPECT_EQ(tagsAt(matcher, "2001:db9::"), Tags{});
    EXPECT_EQ(tagsAt(matcher, "2001:db9::1"), Tags{3});
    EXPECT_EQ(tagsAt(matcher, "2001:db9::2"), Tags{});
    EXPECT_EQ(tagsAt(matcher, "32.1.13.184"), Tags{}); // 2001:db8's bytes as IPv4: a different address
    EXPECT_EQ(matcher.v6RangeCount(), 3u);
}

/// The brute-force answer: every tag whose prefix covers the address, longest prefix first.
Tags bruteForce(const std::vector<std::pair<Prefix, AddressMatcher::Tag>>& entries, const IpAddress& address) {
    std::vector<std::pair<int, AddressMatcher::Tag>> covering;
    for (const auto& [p, tag] : entries) {
        if (p.isV4() == address.isV4() && p.contains(address)) {
            covering.emplace_back(p.length(), tag);
        }
    }
    std::sort(covering.begin(), covering.end(), [](const auto& a, const auto& b) {
        return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    Tags tags;
    for (const auto& [length, tag] : covering) {
        if (std::find(tags.begin(), tags.end(), tag) == tags.end()) {
            tags.push_back(tag);
        }
    }
    return tags;
}

TEST(AddressMatcher, AgreesWithBruteForceOnRandomPrefixes) {
    std::mt19937 rng(20240615); // fixed seed: deterministic
    std::vector<std::pair<Prefix, AddressMatcher::Tag>> entries;
    AddressMatcher::Builder builder;
    // Crowd a small space (198.18.0.0/16 and 2001:db8::/112) so prefixes nest, overlap and abut.
    for (int i = 0; i < 300; ++i) {
        const auto tag = static_cast<AddressMatcher::Tag>(rng() % 6);
        const int length = 16 + static_cast<int>(rng() % 17);
        const Prefix v4(IpAddress::fromV4(0xC6120000u | (rng() & 0xffffu)), length);
        std::array<uint8_t, 16> bytes{0x20, 0x01, 0x0d, 0xb8};
        bytes[14] = static_cast<uint8_t>(rng());
        bytes[15] = static_cast<uint8_t>(rng());
        const Prefix v6(IpAddress::fromV6(bytes.data()), 112 + length - 16);
        for (const auto& p : {v4, v6}) {
            entries.emplace_back(p, tag);
            builder.add(p, tag);
        }
    }
    const auto matcher = builder.build();
    for (int i = 0; i < 3000; ++i) {
        const uint32_t low = rng() % 0x10002u; // sometimes one past the crowded space
        const IpAddress v4 = IpAddress::fromV4(0xC6120000u + low - 1);
        std::array<uint8_t, 16> bytes{0x20, 0x01, 0x0d, 0xb8};
        bytes[14] = static_cast<uint8_t>(low >> 8);
        bytes[15] = static_cast<uint8_t>(low);
        const IpAddress v6 = IpAddress::fromV6(bytes.data());
        for (const auto& address : {v4, v6}) {
            const auto got = matcher.lookup(address);
            ASSERT_EQ(Tags(got.begin(), got.end()), bruteForce(entries, address)) << address.toString();
        }
    }
}

} // namespace
} // namespace kansoku::intel
