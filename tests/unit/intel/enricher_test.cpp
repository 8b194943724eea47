#include <atomic>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "intel/enricher.h"
#include "support/mmdb_writer.h"
#include "temp_dir.h"
#include "test_address.h"

namespace kansoku::intel {
namespace {

/// Writes a complete data set; `asn` is the AS that 8.8.8.0/24 and 2001:4860::/32 belong to, so a
/// reload can be told from the data it replaced.
struct DataFiles {
    explicit DataFiles(const testing::TempDir& dir)
        : options{dir.file("asn-ipv4.csv"), dir.file("asn-ipv6.csv"), dir.file("country.mmdb")} {}

    void write(uint32_t asn, const std::string& name, const std::string& country) const {
        std::ofstream(options.asn_v4_csv, std::ios::trunc)
            << "1.1.1.0,1.1.1.255,13335,\"Cloudflare, Inc.\"\n8.8.8.0,8.8.8.255," << asn << "," << name << "\n";
        std::ofstream(options.asn_v6_csv, std::ios::trunc)
            << "2001:4860::,2001:4860:ffff:ffff:ffff:ffff:ffff:ffff," << asn << "," << name << "\n";
        test::MmdbWriter mmdb;
        mmdb.add(ip("8.8.8.0"), 24, {{"country_code", country}});
        mmdb.add(ip("2001:4860::"), 32, {{"country_code", country}});
        std::ofstream(options.country_mmdb, std::ios::binary | std::ios::trunc) << mmdb.build();
    }

    EnrichmentOptions options;
};

TEST(Enricher, LooksUpAsnNameAndCountry) {
    testing::TempDir dir;
    DataFiles files(dir);
    files.write(15169, "Google LLC", "US");
    auto enricher = Enricher::open(files.options);
    ASSERT_TRUE(enricher) << enricher.error().message;
    const Enrichment google = (*enricher)->lookup(ip("8.8.8.8"));
    EXPECT_EQ(google.asn, 15169U);
    EXPECT_EQ(google.as_name, "Google LLC");
    EXPECT_EQ(google.country, "US");
    const Enrichment v6 = (*enricher)->lookup(ip("2001:4860:4860::8888"));
    EXPECT_EQ(v6.asn, 15169U);
    EXPECT_EQ(v6.country, "US");
    const Enrichment cloudflare = (*enricher)->lookup(ip("1.1.1.1"));
    EXPECT_EQ(cloudflare.asn, 13335U);
    EXPECT_EQ(cloudflare.as_name, "Cloudflare, Inc.");
    EXPECT_EQ(cloudflare.country, ""); // not in the country fixture
    const Enrichment nothing = (*enricher)->lookup(ip("192.0.2.1"));
    EXPECT_EQ(nothing.asn, 0U);
    EXPECT_EQ(nothing.as_name, "");
    EXPECT_EQ(nothing.country, "");
}

TEST(Enricher, OpenFailsOnMissingData) {
    testing::TempDir dir;
    DataFiles files(dir);
    auto enricher = Enricher::open(files.options);
    ASSERT_FALSE(enricher);
    EXPECT_EQ(enricher.error().message.rfind("asn csv " + files.options.asn_v4_csv + ": ", 0), 0U)
        << enricher.error().message;
}

/// An enricher over files the test rewrites.
class ReloadTest : public ::testing::Test {
protected:
    /// Writes the first data set and opens an enricher on it.
    Enricher& open(uint32_t asn, const std::string& name, const std::string& country) {
        files_.write(asn, name, country);
        auto opened = Enricher::open(files_.options);
        EXPECT_TRUE(opened) << opened.error().message;
        enricher_ = opened ? std::move(*opened) : std::make_unique<Enricher>(files_.options);
        return *enricher_;
    }

    testing::TempDir dir_;
    DataFiles files_{dir_};
    std::unique_ptr<Enricher> enricher_;
};

TEST_F(ReloadTest, SwapsOnlyOnSuccess) {
    Enricher& enricher = open(15169, "Google LLC", "US");
    DataFiles& files = files_;
    const auto first = enricher.snapshot();

    // A newer copy is picked up.
    files.write(64500, "Example AS", "JP");
    auto reloaded = enricher.reload();
    ASSERT_TRUE(reloaded) << reloaded.error().message;
    EXPECT_EQ(enricher.lookup(ip("8.8.8.8")).asn, 64500U);
    EXPECT_EQ(enricher.lookup(ip("8.8.8.8")).country, "JP");
    // A reader that held the old snapshot still sees the old data, intact.
    EXPECT_EQ(first->lookup(ip("8.8.8.8")).asn, 15169U);
    EXPECT_EQ(first->lookup(ip("8.8.8.8")).as_name, "Google LLC");

    // A truncated CSV: the reload fails with the reason and the current data stays.
    { std::ofstream(files.options.asn_v4_csv, std::ios::trunc) << "1.1.1.0,1.1.1.255,133"; }
    auto truncated = enricher.reload();
    ASSERT_FALSE(truncated);
    EXPECT_NE(truncated.error().message.find("no line end (truncated file?)"), std::string::npos)
        << truncated.error().message;
    EXPECT_EQ(enricher.lookup(ip("8.8.8.8")).asn, 64500U);
    EXPECT_EQ(enricher.lookup(ip("2001:4860::1")).country, "JP");

    // A corrupt country database with good CSVs: still all or nothing.
    files.write(64501, "Other AS", "DE");
    { std::ofstream(files.options.country_mmdb, std::ios::binary | std::ios::trunc) << "not a database"; }
    auto corrupt = enricher.reload();
    ASSERT_FALSE(corrupt);
    EXPECT_EQ(corrupt.error().message.rfind("country mmdb " + files.options.country_mmdb + ": ", 0), 0U)
        << corrupt.error().message;
    EXPECT_EQ(enricher.lookup(ip("8.8.8.8")).asn, 64500U);
    EXPECT_EQ(enricher.lookup(ip("8.8.8.8")).country, "JP");
}

TEST_F(ReloadTest, ReadersNeverSeeAPartialSwap) {
    Enricher& enricher = open(1, "One", "US");
    DataFiles& files = files_;

    // Each data set pairs AS n with name "AS n" and a country fixed by n's parity; readers check
    // that every answer comes from one consistent set while reloads run.
    std::atomic<bool> stop{false};
    std::atomic<uint64_t> lookups{0};
    std::atomic<int> mismatches{0};
    std::vector<std::thread> readers;
    for (int t = 0; t < 2; ++t) {
        readers.emplace_back([&] {
            const IpAddress address = ip("8.8.8.8");
            while (!stop.load()) {
                const auto data = enricher.snapshot();
                const EnrichmentView view = data->lookup(address);
                const std::string expected_name = "AS " + std::to_string(view.asn);
                const std::string_view expected_country = view.asn % 2 == 0 ? "JP" : "US";
                if ((view.asn != 1 && view.as_name != expected_name) || (view.asn == 1 && view.as_name != "One") ||
                    view.country != expected_country) {
                    mismatches.fetch_add(1);
                }
                lookups.fetch_add(1);
            }
        });
    }
    for (uint32_t n = 2; n < 12; ++n) {
        files.write(n, "AS " + std::to_string(n), n % 2 == 0 ? "JP" : "US");
        ASSERT_TRUE(enricher.reload());
    }
    stop = true;
    for (auto& reader : readers) {
        reader.join();
    }
    EXPECT_EQ(mismatches.load(), 0);
    EXPECT_GT(lookups.load(), 0U);
    EXPECT_EQ(enricher.lookup(ip("8.8.8.8")).asn, 11U);
}

} // namespace
} // namespace kansoku::intel
