#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "intel/country_table.h"
#include "support/mmdb_writer.h"
#include "temp_dir.h"
#include "test_address.h"

namespace kansoku::intel {
namespace {

/// The fixture: a few networks of each family with ip-location-db's record layout
/// ({"country_code": "US"}).
test::MmdbWriter fixture(int ip_version = 6) {
    test::MmdbWriter writer(ip_version);
    writer.add(ip("8.8.8.0"), 24, {{"country_code", "US"}});
    writer.add(ip("8.8.9.0"), 24, {{"country_code", "US"}}); // adjacent, same country: merged
    writer.add(ip("1.1.1.0"), 24, {{"country_code", "AU"}});
    writer.add(ip("203.0.113.128"), 25, {{"country_code", "JP"}});
    writer.add(ip("224.0.0.0"), 3, {{"country_code", "ZZ"}});
    if (ip_version == 6) {
        writer.add(ip("2001:4860::"), 32, {{"country_code", "US"}});
        writer.add(ip("2400:cb00::"), 32, {{"country_code", "AU"}});
        writer.add(ip("ff00::"), 8, {{"country_code", "ZZ"}});
    }
    return writer;
}

std::string write(const testing::TempDir& dir, const std::string& bytes, const std::string& name = "c.mmdb") {
    const std::string path = dir.file(name);
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
    return path;
}

std::string loadError(const std::string& path) {
    auto table = CountryTable::load(path);
    EXPECT_FALSE(table) << path << " was accepted";
    const std::string message = table ? std::string() : table.error().message;
    EXPECT_EQ(message.rfind("country mmdb " + path + ": ", 0), 0U) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    return message;
}

TEST(CountryTable, LooksUpAnIpv6DatabaseWithIpv4UnderSlash96) {
    testing::TempDir dir;
    auto table = CountryTable::load(write(dir, fixture().build()));
    ASSERT_TRUE(table) << table.error().message;
    EXPECT_EQ(table->lookup(ip("8.8.8.8")), "US");
    EXPECT_EQ(table->lookup(ip("8.8.9.255")), "US");
    EXPECT_EQ(table->lookup(ip("8.8.10.0")), "");
    EXPECT_EQ(table->lookup(ip("8.8.7.255")), "");
    EXPECT_EQ(table->lookup(ip("1.1.1.1")), "AU");
    EXPECT_EQ(table->lookup(ip("203.0.113.127")), "");
    EXPECT_EQ(table->lookup(ip("203.0.113.128")), "JP");
    EXPECT_EQ(table->lookup(ip("255.255.255.255")), "ZZ");
    EXPECT_EQ(table->lookup(ip("2001:4860:4860::8888")), "US");
    EXPECT_EQ(table->lookup(ip("2400:cb00:2048::1")), "AU");
    EXPECT_EQ(table->lookup(ip("2400:cb01::")), "");
    EXPECT_EQ(table->lookup(ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")), "ZZ");
    EXPECT_EQ(table->v4RangeCount(), 4U); // the two adjacent US /24s are one range
    EXPECT_EQ(table->countryCount(), 4U);
}

TEST(CountryTable, LooksUpAnIpv4Database) {
    testing::TempDir dir;
    auto table = CountryTable::load(write(dir, fixture(4).build()));
    ASSERT_TRUE(table) << table.error().message;
    EXPECT_EQ(table->lookup(ip("8.8.8.8")), "US");
    EXPECT_EQ(table->lookup(ip("230.0.0.1")), "ZZ");
    EXPECT_EQ(table->lookup(ip("2001:4860:4860::8888")), "");
    EXPECT_EQ(table->v6RangeCount(), 0U);
}

TEST(CountryTable, ReadsMaxMindsNestedCountryLayoutToo) {
    // {"country": {"iso_code": "DE"}} written by hand: map(1) "country" -> map(1) "iso_code" -> "DE".
    test::MmdbWriter writer;
    writer.add(ip("192.0.2.0"), 24, {{"country_code", "XX"}});
    std::string bytes = writer.build();
    const std::string flat = std::string("\xE1\x4C"
                                         "country_code\x42XX");
    const std::string nested = std::string("\xE1\x47"
                                           "country\xE1\x48"
                                           "iso_code\x42"
                                           "DE");
    const auto at = bytes.find(flat);
    ASSERT_NE(at, std::string::npos);
    // Same length is not needed: the data section is last before the metadata and only this
    // record points into it.
    bytes.replace(at, flat.size(), nested);
    testing::TempDir dir;
    auto table = CountryTable::load(write(dir, bytes));
    ASSERT_TRUE(table) << table.error().message;
    EXPECT_EQ(table->lookup(ip("192.0.2.77")), "DE");
}

TEST(CountryTable, CorruptOrTruncatedFilesAreOneLineErrors) {
    testing::TempDir dir;
    const std::string good = fixture().build();

    // Truncated: the metadata at the end is gone.
    EXPECT_NE(loadError(write(dir, good.substr(0, good.size() / 2))).find("metadata"), std::string::npos);
    loadError(write(dir, good.substr(0, good.size() - 5))); // libmaxminddb: the metadata map is cut
    EXPECT_NE(loadError(write(dir, "")).find("empty file"), std::string::npos);

    // A tree record pointing past the data section.
    std::string bad_record = good;
    bad_record[0] = bad_record[1] = bad_record[2] = '\xff';
    EXPECT_NE(loadError(write(dir, bad_record)).find("points outside the file"), std::string::npos);

    // A data record that is not a map of a two-letter country.
    test::MmdbWriter no_code;
    no_code.add(ip("192.0.2.0"), 24, {{"city", "Tokyo"}});
    EXPECT_NE(loadError(write(dir, no_code.build())).find("has no two-letter country_code"), std::string::npos);
    test::MmdbWriter long_code;
    long_code.add(ip("192.0.2.0"), 24, {{"country_code", "USA"}});
    EXPECT_NE(loadError(write(dir, long_code.build())).find("has no two-letter country_code"), std::string::npos);

    // A data record whose bytes do not decode: its control byte says "map of 29+ entries" past the end.
    std::string bad_data = good;
    const auto record = bad_data.find(std::string("\xE1\x4C"
                                                  "country_code"));
    ASSERT_NE(record, std::string::npos);
    bad_data[record] = '\xFF';
    loadError(write(dir, bad_data));

    // Metadata that does not describe a search tree.
    test::MmdbWriter bad_version = fixture();
    bad_version.setMetadata("ip_version", "5");
    loadError(write(dir, bad_version.build()));
    test::MmdbWriter no_nodes = fixture();
    no_nodes.setMetadata("node_count", "");
    loadError(write(dir, no_nodes.build()));

    // Not a file at all.
    EXPECT_NE(loadError(dir.file("missing.mmdb")).find("No such file"), std::string::npos);
    EXPECT_NE(loadError(dir.path().string()).find("not a regular file"), std::string::npos);
}

TEST(CountryTable, SharedNodesCannotMakeTheWalkExplode) {
    // Every record of the root and of node 1 points to node 1: a cycle. The walk is cut at depth
    // 128 anyway, but 2^128 paths would never finish; the visit budget stops it.
    test::MmdbWriter writer;
    writer.add(ip("2001::"), 16, {{"country_code", "US"}});
    std::string bytes = writer.build();
    for (int node = 0; node < 2; ++node) {
        for (int side = 0; side < 2; ++side) {
            const std::size_t at = static_cast<std::size_t>(node * 6 + side * 3);
            bytes[at] = 0;
            bytes[at + 1] = 0;
            bytes[at + 2] = 1;
        }
    }
    testing::TempDir dir;
    const std::string message = loadError(write(dir, bytes));
    EXPECT_TRUE(message.find("more than 4 x") != std::string::npos || message.find("deeper") != std::string::npos)
        << message;
}

} // namespace
} // namespace kansoku::intel
