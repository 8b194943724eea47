#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/prefix_cover.h"

namespace kansoku {
namespace {

std::vector<std::string> cover(std::string_view first, std::string_view last) {
    std::vector<Prefix> prefixes;
    appendCoveringPrefixes(*IpAddress::parse(first), *IpAddress::parse(last), prefixes);
    std::vector<std::string> text;
    for (const auto& prefix : prefixes) {
        text.push_back(prefix.toString());
    }
    return text;
}

TEST(PrefixCover, AlignedRangeIsOnePrefix) {
    EXPECT_EQ(cover("1.1.1.0", "1.1.1.255"), std::vector<std::string>{"1.1.1.0/24"});
    EXPECT_EQ(cover("10.0.0.0", "10.255.255.255"), std::vector<std::string>{"10.0.0.0/8"});
    EXPECT_EQ(cover("0.0.0.0", "255.255.255.255"), std::vector<std::string>{"0.0.0.0/0"});
    EXPECT_EQ(cover("192.0.2.7", "192.0.2.7"), std::vector<std::string>{"192.0.2.7/32"});
    EXPECT_EQ(cover("2001:db8::", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"), std::vector<std::string>{"2001:db8::/32"});
    EXPECT_EQ(cover("::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), std::vector<std::string>{"::/0"});
}

TEST(PrefixCover, UnalignedRangeIsTheFewestPrefixesExactly) {
    EXPECT_EQ(cover("1.1.1.0", "1.1.2.127"), (std::vector<std::string>{"1.1.1.0/24", "1.1.2.0/25"}));
    EXPECT_EQ(cover("192.0.2.1", "192.0.2.6"),
              (std::vector<std::string>{"192.0.2.1/32", "192.0.2.2/31", "192.0.2.4/31", "192.0.2.6/32"}));
    EXPECT_EQ(cover("0.0.0.1", "255.255.255.254").size(), 62U);
    EXPECT_EQ(cover("2001:db8::1", "2001:db8::2"), (std::vector<std::string>{"2001:db8::1/128", "2001:db8::2/128"}));
}

TEST(PrefixCover, NothingForABackwardOrMixedRange) {
    EXPECT_TRUE(cover("1.1.1.2", "1.1.1.1").empty());
    EXPECT_TRUE(cover("1.1.1.1", "2001:db8::1").empty());
}

} // namespace
} // namespace kansoku
