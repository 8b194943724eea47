// The STIX pattern subset kansoku matches partners' indicators by (share/sharing/indicator_pattern.h):
// what is taken, normalised, and everything else refused with a reason rather than half-read.

#include <gtest/gtest.h>

#include "share/sharing/indicator_pattern.h"

namespace kansoku::share {
namespace {

std::vector<std::string> values(std::string_view pattern) {
    std::vector<std::string> out;
    for (const auto& v : indicatorPatternValues(pattern).values) {
        out.push_back(v.kind + " " + v.value);
    }
    return out;
}

TEST(IndicatorPattern, TakesAddressesNetworksDomainsAndHashes) {
    EXPECT_EQ(values("[ipv4-addr:value = '198.51.100.7']"), std::vector<std::string>{"ipv4 198.51.100.7"});
    EXPECT_EQ(values("[ipv4-addr:value = '198.51.100.0/24']"), std::vector<std::string>{"ipv4-net 198.51.100.0/24"});
    EXPECT_EQ(values("[ipv4-addr:value ISSUBSET '203.0.113.0/25']"),
              std::vector<std::string>{"ipv4-net 203.0.113.0/25"});
    EXPECT_EQ(values("[ipv4-addr:value = '192.0.2.1/32']"), std::vector<std::string>{"ipv4 192.0.2.1"});
    EXPECT_EQ(values("[domain-name:value = 'C2.Example.ORG.']"), std::vector<std::string>{"domain c2.example.org"});
    const std::string sha(64, 'A');
    EXPECT_EQ(values("[file:hashes.'SHA-256' = '" + sha + "']"),
              std::vector<std::string>{"sha256 " + std::string(64, 'a')});
    EXPECT_EQ(values("[file:hashes.SHA256 = '" + sha + "']").size(), 1U);
}

TEST(IndicatorPattern, OrAcrossAndInsideObservationsTakesEveryValueOnce) {
    EXPECT_EQ(values("[ipv4-addr:value = '192.0.2.1' OR ipv4-addr:value = '192.0.2.2'] OR "
                     "([domain-name:value = 'a.example'] OR [ipv4-addr:value = '192.0.2.1'])"),
              (std::vector<std::string>{"domain a.example", "ipv4 192.0.2.1", "ipv4 192.0.2.2"}));
}

TEST(IndicatorPattern, AnythingElseGivesNoValuesAndSaysWhy) {
    for (const char* pattern : {
             "[ipv4-addr:value = '192.0.2.1' AND ipv4-addr:value = '192.0.2.2']",
             "[ipv4-addr:value = '192.0.2.1'] FOLLOWEDBY [ipv4-addr:value = '192.0.2.2']",
             "[ipv4-addr:value = '192.0.2.1'] WITHIN 10 SECONDS",
             "[ipv4-addr:value != '192.0.2.1']",
             "[url:value = 'http://x.example/']",
             "[ipv4-addr:value = 'not an address']",
             "[ipv4-addr:value = '2001:db8::1']",
             "[domain-name:value = 'bad domain']",
             "[file:hashes.'SHA-256' = 'abc']",
             "[ipv4-addr:value MATCHES '^192']",
             "[ipv4-addr:value = '192.0.2.1'",
             "[ipv4-addr:value = '192.0.2.1]",
             "ipv4-addr:value = '192.0.2.1'",
             "",
             "[]",
         }) {
        const auto read = indicatorPatternValues(pattern);
        EXPECT_TRUE(read.values.empty()) << pattern;
        EXPECT_FALSE(read.unmatched.empty()) << pattern;
    }
}

TEST(IndicatorPattern, HostileInputIsBounded) {
    EXPECT_TRUE(indicatorPatternValues(std::string(100'000, '[')).values.empty());
    std::string deep;
    for (int i = 0; i < 100; ++i) {
        deep += "(";
    }
    deep += "[ipv4-addr:value = '192.0.2.1']";
    for (int i = 0; i < 100; ++i) {
        deep += ")";
    }
    const auto read = indicatorPatternValues(deep);
    EXPECT_TRUE(read.values.empty());
    EXPECT_NE(read.unmatched.find("nested"), std::string::npos);
    std::string many = "[ipv4-addr:value = '192.0.2.1'";
    for (int i = 0; i < 11'000; ++i) {
        many += " OR ipv4-addr:value = '192.0.2.1'";
    }
    EXPECT_TRUE(indicatorPatternValues(many + "]").values.empty());
    EXPECT_EQ(values("[ipv4-addr:value = '192.0.2.\\'1']").size(), 0U); // an escaped quote inside: not an address
}

} // namespace
} // namespace kansoku::share
