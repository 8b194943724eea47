#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "intel/asn_table.h"
#include "temp_dir.h"
#include "test_address.h"

namespace kansoku::intel {
namespace {

// The layout of @ip-location-db/asn's asn-ipv4.csv / asn-ipv6.csv: first,last,asn,name (RFC 4180).
constexpr const char* kV4 = "1.0.0.0,1.0.0.255,13335,\"Cloudflare, Inc.\"\n"
                            "1.0.4.0,1.0.7.255,38803,Gtelecom Pty Ltd\n"
                            "2.26.200.0,2.26.215.255,201907,\"LLC \"\"SPUTNIK\"\"\"\n"
                            "8.8.4.0,8.8.4.255,15169,Google LLC\n"
                            "8.8.8.0,8.8.8.255,15169,Google LLC\n"
                            "45.70.144.0,45.70.147.255,267568,R. C. F. \xC2\xAD TELECOM LTDA\r\n"
                            "214.95.0.0,215.0.255.255,749,United States Department of Defense (DoD)\n"
                            "215.0.0.0,215.1.3.255,721,DoD Network Information Center\n";
constexpr const char* kV6 = "2001:4860::,2001:4860:ffff:ffff:ffff:ffff:ffff:ffff,15169,Google LLC\n"
                            "2c0f:fff0::,2c0f:fff0:ffff:ffff:ffff:ffff:ffff:ffff,37125,Layer3 Limited\n";

AsnTable parseOk(std::string_view v4, std::string_view v6 = "") {
    auto table = AsnTable::parse(v4, v6, "v4.csv", "v6.csv");
    EXPECT_TRUE(table) << table.error().message;
    return table ? std::move(*table) : AsnTable{};
}

std::string parseError(std::string_view v4, std::string_view v6 = "") {
    auto table = AsnTable::parse(v4, v6, "v4.csv", "v6.csv");
    EXPECT_FALSE(table) << "accepted: " << v4 << v6;
    return table ? std::string() : table.error().message;
}

TEST(AsnTable, LooksUpBothFamilies) {
    const AsnTable table = parseOk(kV4, kV6);
    EXPECT_EQ(table.rowCount(), 10U);
    EXPECT_EQ(table.asCount(), 8U); // Google LLC / 15169 once
    EXPECT_EQ(table.lookup(ip("8.8.8.8")).asn, 15169U);
    EXPECT_EQ(table.lookup(ip("8.8.8.8")).name, "Google LLC");
    EXPECT_EQ(table.lookup(ip("1.0.0.1")).name, "Cloudflare, Inc.");
    EXPECT_EQ(table.lookup(ip("2.26.200.1")).name, "LLC \"SPUTNIK\"");
    EXPECT_EQ(table.lookup(ip("45.70.147.255")).name, "R. C. F. \xC2\xAD TELECOM LTDA"); // CRLF line
    EXPECT_EQ(table.lookup(ip("2001:4860:4860::8888")).asn, 15169U);
    EXPECT_EQ(table.lookup(ip("2c0f:fff0::1")).name, "Layer3 Limited");
    // Gaps and the other family's space.
    EXPECT_EQ(table.lookup(ip("8.8.5.0")).asn, 0U);
    EXPECT_EQ(table.lookup(ip("8.8.5.0")).name, "");
    EXPECT_EQ(table.lookup(ip("0.0.0.0")).asn, 0U);
    EXPECT_EQ(table.lookup(ip("255.255.255.255")).asn, 0U);
    EXPECT_EQ(table.lookup(ip("2001:4861::")).asn, 0U);
    EXPECT_EQ(table.lookup(ip("::ffff:8.8.8.8")).asn, 15169U); // IPv4-mapped is IPv4
}

TEST(AsnTable, AnnouncedIsTheReverseOfLookup) {
    // kV4 with two more Google rows after 8.8.8.0/24: adjacent to it and to each other, under another name.
    std::string v4 = kV4;
    const std::string after = "8.8.8.0,8.8.8.255,15169,Google LLC\n";
    v4.insert(v4.find(after) + after.size(), "8.8.9.0,8.8.9.255,15169,Google LLC\n8.8.10.0,8.8.10.255,15169,Google\n");
    const AsnTable table = parseOk(v4, kV6);
    bool complete = false;
    const auto google = table.announced(15169, 100, complete);
    EXPECT_TRUE(complete);
    ASSERT_EQ(google.size(), 3U); // 8.8.8.0-8.8.10.255 joined (two names, one AS); then IPv6
    EXPECT_EQ(google[0].first, ip("8.8.4.0"));
    EXPECT_EQ(google[0].last, ip("8.8.4.255"));
    EXPECT_EQ(google[1].first, ip("8.8.8.0"));
    EXPECT_EQ(google[1].last, ip("8.8.10.255"));
    EXPECT_EQ(google[2].first, ip("2001:4860::"));
    EXPECT_EQ(google[2].last, ip("2001:4860:ffff:ffff:ffff:ffff:ffff:ffff"));
    // Every address announced looks up to the AS.
    for (const auto& range : google) {
        EXPECT_EQ(table.lookup(range.first).asn, 15169U);
        EXPECT_EQ(table.lookup(range.last).asn, 15169U);
    }
    // Bounded: a limit cuts the list and says so.
    const auto first_two = table.announced(15169, 2, complete);
    EXPECT_FALSE(complete);
    EXPECT_EQ(first_two.size(), 2U);
    // The overlap: AS749 keeps only what AS721 did not take.
    const auto dod = table.announced(749, 10, complete);
    ASSERT_EQ(dod.size(), 1U);
    EXPECT_EQ(dod[0].last, ip("214.255.255.255"));
    EXPECT_TRUE(table.announced(64512, 10, complete).empty());
    EXPECT_TRUE(complete);
}

TEST(AsnTable, OverlappingRowsLaterWins) {
    const AsnTable table = parseOk(kV4);
    EXPECT_EQ(table.overlapCount(), 1U);
    EXPECT_EQ(table.lookup(ip("214.255.255.255")).asn, 749U);
    EXPECT_EQ(table.lookup(ip("215.0.0.0")).asn, 721U);
    EXPECT_EQ(table.lookup(ip("215.0.255.255")).asn, 721U);
    EXPECT_EQ(table.lookup(ip("215.1.3.255")).asn, 721U);
    EXPECT_EQ(table.lookup(ip("215.1.4.0")).asn, 0U);
}

TEST(AsnTable, MalformedRowsAreOneLineErrorsNamingFileAndLine) {
    struct Case {
        const char* v4;
        const char* expected;
    };
    const Case cases[] = {
        {"1.0.0.0,1.0.0.255,13335\n", "v4.csv: line 1: 3 fields"},
        {"1.0.0.0,1.0.0.255,13335,a,b\n", "more than 4 fields"},
        {"1.0.0.0,1.0.0.255,13335,A\n1.0.1.0,1.0.1.999,1,B\n", "v4.csv: line 2: last address is not an IP address"},
        {"2001::,2001::1,1,A\n", "first address is not IPv4"},
        {"1.0.0.9,1.0.0.1,1,A\n", "range ends before it starts"},
        {"1.0.0.0,1.0.0.1,-1,A\n", "AS number is not a decimal"},
        {"1.0.0.0,1.0.0.1,4294967296,A\n", "AS number is not a decimal"},
        {"1.0.0.0,1.0.0.1,AS1,A\n", "AS number is not a decimal"},
        {"1.0.0.0,1.0.0.1,,A\n", "AS number is not a decimal"},
        {"1.0.0.0,1.0.0.1,1,\"unterminated\n", "unterminated quoted field"},
        {"1.0.0.0,1.0.0.1,1,\"x\"y\n", "text after a closing quote"},
        {"1.0.0.0,1.0.0.1,1,x\"y\n", "quote inside an unquoted field"},
        {"\"1.0.0.0\",1.0.0.1,1,x\n", "only the AS name may be quoted"},
        {"1.0.0.0,1.0.0.1,1,bad \xC3\x28 utf8\n", "AS name is not UTF-8"},
        {"1.0.0.0,1.0.0.1,1,over\xC0\xAFlong\n", "AS name is not UTF-8"},
        {"1.0.0.0,1.0.0.1,1,tab\there\n", "control character"},
        {"1.0.1.0,1.0.1.1,1,A\n1.0.0.0,1.0.0.1,2,B\n", "v4.csv: line 2: range starts below the previous one"},
        // Truncated: the published files end with a line end.
        {"1.0.0.0,1.0.0.255,13335,Cloudfl", "v4.csv: line 1: no line end (truncated file?)"},
        {"1.0.0.0,1.0.0.255,13335,A\n1.0.1.0,1.0.1.2", "line 2: no line end"},
        {"\n", "line 1: 1 fields"},
    };
    for (const Case& c : cases) {
        const std::string message = parseError(c.v4);
        EXPECT_NE(message.find(c.expected), std::string::npos) << c.v4 << " -> " << message;
        EXPECT_EQ(message.find('\n'), std::string::npos) << message;
        EXPECT_EQ(message.rfind("asn csv v4.csv: ", 0), 0U) << message;
    }
    EXPECT_NE(parseError("", "1.0.0.0,1.0.0.1,1,A\n").find("v6.csv: line 1: first address is not IPv6"),
              std::string::npos);
    EXPECT_NE(parseError(std::string(2000, 'x') + "\n").find("..."), std::string::npos); // long lines are cut
    EXPECT_NE(parseError("1.0.0.0,1.0.0.1,1," + std::string(kMaxAsNameBytes + 1, 'n') + "\n").find("too long"),
              std::string::npos);
}

TEST(AsnTable, LoadReadsFilesAndNamesTheBadOne) {
    testing::TempDir dir;
    const std::string v4 = dir.file("asn-ipv4.csv");
    const std::string v6 = dir.file("asn-ipv6.csv");
    std::ofstream(v4) << kV4;
    std::ofstream(v6) << kV6;
    auto table = AsnTable::load(v4, v6);
    ASSERT_TRUE(table) << table.error().message;
    EXPECT_EQ(table->lookup(ip("2001:4860:4860::8888")).asn, 15169U);

    auto missing = AsnTable::load(dir.file("nope.csv"), v6);
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().message.rfind("asn csv " + dir.file("nope.csv") + ": ", 0), 0U)
        << missing.error().message;

    std::ofstream(v6, std::ios::trunc).flush();
    auto empty = AsnTable::load(v4, v6);
    ASSERT_FALSE(empty);
    EXPECT_EQ(empty.error().message, "asn csv " + v6 + ": empty file");

    auto directory = AsnTable::load(dir.path().string(), v6);
    ASSERT_FALSE(directory);
    EXPECT_NE(directory.error().message.find("not a regular file"), std::string::npos);
}

} // namespace
} // namespace kansoku::intel
