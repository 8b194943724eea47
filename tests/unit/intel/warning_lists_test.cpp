#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "intel/warning_lists.h"
#include "temp_dir.h"
#include "test_address.h"

namespace kansoku::intel {
namespace {

namespace fs = std::filesystem;

WarningList list(std::string file_id, std::string type, std::vector<std::string> entries) {
    WarningList l;
    l.file_id = std::move(file_id);
    l.name = l.file_id;
    l.type = std::move(type);
    l.entries = std::move(entries);
    return l;
}

/// Writes <dir>/<folder>/list.json.
void writeList(const fs::path& dir, const std::string& folder, const std::string& type,
               const std::vector<std::string>& entries) {
    fs::create_directories(dir / folder);
    const nlohmann::json document = {
        {"name", folder + " list"}, {"description", "for tests"},       {"type", type}, {"version", 3},
        {"list", entries},          {"matching_attributes", {"ip-src"}}};
    std::ofstream(dir / folder / "list.json") << document.dump(2);
}

TEST(WarningLists, EmptyLabelsNothing) {
    const WarningLists lists;
    EXPECT_EQ(lists.size(), 0u);
    EXPECT_FALSE(lists.benignList(ip("192.0.2.1")));
    EXPECT_EQ(lists.summary(), "loaded 0 lists, 0 prefixes in 0 ranges");
}

TEST(WarningLists, LabelsWithTheMostSpecificList) {
    auto lists = WarningLists::fromLists({
        list("wide-nt-scanning", "cidr", {"198.51.0.0/16"}),
        list("narrow-scanning", "cidr", {"198.51.100.0/24", "2001:db8::/32"}),
        list("also-narrow", "cidr", {"198.51.100.0/24"}),
    });
    ASSERT_TRUE(lists) << lists.error().message;
    EXPECT_EQ(lists->size(), 3u);
    // Lists are ordered by id, so ties between equally specific entries are stable.
    EXPECT_EQ(lists->benignList(ip("198.51.100.9")), "also-narrow");
    EXPECT_EQ(lists->matchingLists(ip("198.51.100.9")),
              (std::vector<std::string_view>{"also-narrow", "narrow-scanning", "wide-nt-scanning"}));
    EXPECT_EQ(lists->benignList(ip("198.51.101.9")), "wide-nt-scanning");
    EXPECT_EQ(lists->benignList(ip("2001:db8:1::1")), "narrow-scanning");
    EXPECT_FALSE(lists->benignList(ip("198.52.0.0")));
    EXPECT_FALSE(lists->benignList(ip("2001:db9::")));
}

TEST(WarningLists, StringListsGiveTheirAddressesOtherTypesAreIgnored) {
    auto lists = WarningLists::fromLists({
        list("resolvers", "string", {"192.0.2.53", "dns.example", "2001:db8::53"}),
        list("names", "string", {"example.com", "example.org"}),
        list("hosts", "hostname", {"192.0.2.80"}),
        list("pattern", "regex", {"^192\\.0\\.2\\."}),
    });
    ASSERT_TRUE(lists) << lists.error().message;
    ASSERT_EQ(lists->size(), 1u);
    EXPECT_EQ(lists->lists()[0].list.file_id, "resolvers");
    EXPECT_EQ(lists->lists()[0].entries, 3u);
    EXPECT_EQ(lists->lists()[0].prefixes, 2u);
    EXPECT_EQ(lists->lists()[0].skipped, 1u);
    EXPECT_EQ(lists->ignored(), (std::vector<std::string>{"hosts", "names", "pattern"}));
    EXPECT_EQ(lists->benignList(ip("192.0.2.53")), "resolvers");
    EXPECT_FALSE(lists->benignList(ip("192.0.2.80")));
}

TEST(WarningLists, CountsMaskedAndSkippedCidrEntries) {
    auto lists = WarningLists::fromLists({list("messy", "cidr", {"192.0.2.7/24", "not-an-address", "1.2.3.4/40"})});
    ASSERT_TRUE(lists) << lists.error().message;
    const auto& loaded = lists->lists().at(0);
    EXPECT_EQ(loaded.prefixes, 1u);
    EXPECT_EQ(loaded.skipped, 2u);
    EXPECT_EQ(loaded.host_bits_masked, 1u);
    EXPECT_EQ(lists->benignList(ip("192.0.2.255")), "messy");
    EXPECT_EQ(lists->summary(),
              "loaded 1 list, 1 prefixes in 1 ranges (2 entries skipped, 1 with host bits masked, 0 non-address "
              "lists ignored)");
}

TEST(WarningLists, CidrListWithoutOneAddressIsAnError) {
    auto lists = WarningLists::fromLists({list("broken", "cidr", {"foo", "bar"})});
    ASSERT_FALSE(lists);
    EXPECT_NE(lists.error().message.find("broken"), std::string::npos) << lists.error().message;
}

TEST(WarningLists, LoadsTheFoldersThePatternsName) {
    testing::TempDir dir;
    const fs::path lists_dir = dir.path() / "lists";
    writeList(lists_dir, "alpha-nt-scanning", "cidr", {"192.0.2.0/25"});
    writeList(lists_dir, "beta-nt-scanning", "cidr", {"192.0.2.128/25"});
    writeList(lists_dir, "censys-scanning", "cidr", {"198.51.100.0/24", "2001:db8::/32"});
    writeList(lists_dir, "rfc1918", "cidr", {"10.0.0.0/8"});
    std::ofstream(lists_dir / "stray-nt-scanning") << "a file, not a list folder";

    // Either the checkout (with lists/) or lists/ itself.
    for (const auto& root : {dir.path(), lists_dir}) {
        auto lists = WarningLists::loadDirectory(root.string(), {"*-nt-scanning", "censys-scanning"});
        ASSERT_TRUE(lists) << lists.error().message;
        ASSERT_EQ(lists->size(), 3u);
        EXPECT_EQ(lists->lists()[0].list.file_id, "alpha-nt-scanning");
        EXPECT_EQ(lists->lists()[0].list.version, 3);
        EXPECT_EQ(lists->benignList(ip("192.0.2.127")), "alpha-nt-scanning");
        EXPECT_EQ(lists->benignList(ip("192.0.2.128")), "beta-nt-scanning");
        EXPECT_EQ(lists->benignList(ip("2001:db8::1")), "censys-scanning");
        EXPECT_FALSE(lists->benignList(ip("10.1.2.3"))); // rfc1918 not asked for
        // Two halves of 192.0.2.0/24 from two lists stay two ranges; censys gives one v4 and one v6.
        EXPECT_EQ(lists->summary(), "loaded 3 lists, 4 prefixes in 4 ranges");
    }
}

TEST(WarningLists, DirectoryErrorsAreOneLine) {
    testing::TempDir dir;
    writeList(dir.path(), "good-nt-scanning", "cidr", {"192.0.2.0/24"});
    fs::create_directories(dir.path() / "bad-nt-scanning");
    std::ofstream(dir.path() / "bad-nt-scanning" / "list.json") << R"({"name":"x"})";
    fs::create_directories(dir.path() / "empty-scanning");

    auto missing_dir = WarningLists::loadDirectory(dir.file("absent"), {"*"});
    ASSERT_FALSE(missing_dir);
    EXPECT_NE(missing_dir.error().message.find("absent"), std::string::npos);

    auto bad = WarningLists::loadDirectory(dir.path().string(), {"*-nt-scanning"});
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("bad-nt-scanning/list.json: missing \"description\""), std::string::npos)
        << bad.error().message;

    auto no_file = WarningLists::loadDirectory(dir.path().string(), {"empty-scanning"});
    ASSERT_FALSE(no_file);
    EXPECT_NE(no_file.error().message.find("empty-scanning/list.json"), std::string::npos) << no_file.error().message;

    auto unmatched = WarningLists::loadDirectory(dir.path().string(), {"good-nt-scanning", "shodan-scanning"});
    ASSERT_FALSE(unmatched);
    EXPECT_NE(unmatched.error().message.find("pattern 'shodan-scanning' matches no list"), std::string::npos)
        << unmatched.error().message;

    auto good = WarningLists::loadDirectory(dir.path().string(), {"good-*"});
    ASSERT_TRUE(good) << good.error().message;
    EXPECT_EQ(good->size(), 1u);
}

// ---- the real MISP warning lists in $KANSOKU_SHARED/data/misp-warninglists ----

fs::path sharedListsDir() {
    const char* shared = std::getenv("KANSOKU_SHARED");
    const fs::path root =
        shared != nullptr && *shared != '\0' ? fs::path(shared) : fs::path(KANSOKU_SOURCE_DIR) / ".." / "shared";
    return root / "data" / "misp-warninglists" / "lists";
}

/// A list entry as the test reads it itself, straight from the JSON: an inclusive IPv4 range.
struct V4Entry {
    uint32_t first;
    uint32_t last;
    int length;
    std::string list;
};

class RealWarningLists : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = sharedListsDir();
        if (!fs::is_directory(dir_ / "censys-scanning") || !fs::is_directory(dir_ / "shodan-scanning")) {
            GTEST_SKIP() << "no MISP warning lists at " << dir_.string()
                         << " (set KANSOKU_SHARED to the shared data checkout)";
        }
    }
    fs::path dir_;
};

TEST_F(RealWarningLists, ScannerListsLabelTheirOwnEntriesAndNothingElse) {
    const auto started = std::chrono::steady_clock::now();
    auto lists = WarningLists::loadDirectory(dir_.string(), WarningLists::defaultPatterns());
    const auto elapsed = std::chrono::steady_clock::now() - started;
    ASSERT_TRUE(lists) << lists.error().message;
    std::cout << "[ info     ] " << lists->summary() << " in "
              << std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count() << " us\n";

    // The test's own reading of the same files: every folder the patterns name.
    std::vector<V4Entry> v4;
    std::map<std::string, std::vector<std::string>> v6_entries;
    std::set<std::string> folders;
    for (const auto& entry : fs::directory_iterator(dir_)) {
        const std::string folder = entry.path().filename().string();
        const bool wanted = folder == "censys-scanning" || folder == "shodan-scanning" ||
                            (folder.size() > 12 && folder.ends_with("-nt-scanning"));
        if (!wanted) {
            continue;
        }
        folders.insert(folder);
        const auto document = nlohmann::json::parse(std::ifstream(entry.path() / "list.json"));
        ASSERT_EQ(document.at("type"), "cidr") << folder;
        for (const auto& item : document.at("list")) {
            const auto text = item.get<std::string>();
            const auto slash = text.find('/');
            const auto address = ip(text.substr(0, slash));
            const int length =
                slash == std::string::npos ? (address.isV4() ? 32 : 128) : std::stoi(text.substr(slash + 1));
            if (address.isV4()) {
                const uint32_t host = length == 32 ? 0 : ~uint32_t{0} >> length;
                v4.push_back({address.v4() & ~host, address.v4() | host, length, folder});
            } else {
                v6_entries[folder].push_back(text);
            }
        }
    }
    ASSERT_EQ(lists->size(), folders.size());
    ASSERT_GT(v4.size(), 100u);
    EXPECT_TRUE(lists->ignored().empty());

    // Brute force over the test's own ranges: the lists covering an address, most specific first.
    const auto expected = [&v4](uint32_t address) {
        std::vector<const V4Entry*> covering;
        for (const auto& e : v4) {
            if (e.first <= address && address <= e.last) {
                covering.push_back(&e);
            }
        }
        std::sort(covering.begin(), covering.end(), [](const auto* a, const auto* b) {
            return a->length != b->length ? a->length > b->length : a->list < b->list;
        });
        std::vector<std::string_view> ids;
        for (const auto* e : covering) {
            if (std::find(ids.begin(), ids.end(), e->list) == ids.end()) {
                ids.emplace_back(e->list);
            }
        }
        return ids;
    };
    // Every entry's first and last address, and the addresses just outside it.
    std::size_t outside_checked = 0;
    for (const auto& e : v4) {
        for (const uint64_t probe :
             {uint64_t{e.first} - 1, uint64_t{e.first}, uint64_t{e.last}, uint64_t{e.last} + 1}) {
            if (probe > 0xffffffffu) {
                continue; // below 0.0.0.0 or above 255.255.255.255
            }
            const auto address = IpAddress::fromV4(static_cast<uint32_t>(probe));
            const auto want = expected(static_cast<uint32_t>(probe));
            ASSERT_EQ(lists->matchingLists(address), want) << address.toString() << " near " << e.list;
            if (probe == e.first || probe == e.last) {
                ASSERT_FALSE(want.empty());
                ASSERT_TRUE(lists->benignList(address)) << address.toString();
            } else if (want.empty()) {
                ++outside_checked;
            }
        }
    }
    EXPECT_GT(outside_checked, 100u);

    // Entries picked by hand from the files: a Censys /24 (both ends in, both neighbours out) and
    // Shodan and stretchoid hosts.
    bool censys_24_seen = false;
    for (const auto& e : v4) {
        if (e.list == "censys-scanning" && e.length == 24 && expected(e.first - 1).empty() &&
            expected(e.last + 1).empty()) {
            censys_24_seen = true;
            EXPECT_EQ(lists->benignList(IpAddress::fromV4(e.first)), "censys-scanning");
            EXPECT_EQ(lists->benignList(IpAddress::fromV4(e.first + 77)), "censys-scanning");
            EXPECT_EQ(lists->benignList(IpAddress::fromV4(e.last)), "censys-scanning");
            EXPECT_FALSE(lists->benignList(IpAddress::fromV4(e.first - 1)));
            EXPECT_FALSE(lists->benignList(IpAddress::fromV4(e.last + 1)));
        }
    }
    EXPECT_TRUE(censys_24_seen) << "censys-scanning has no isolated /24 any more; pick another entry";
    for (const char* wanted : {"shodan-scanning", "stretchoid-nt-scanning"}) {
        const auto it = std::find_if(v4.begin(), v4.end(), [&](const auto& e) { return e.list == wanted; });
        ASSERT_NE(it, v4.end()) << wanted;
        const auto hits = lists->matchingLists(IpAddress::fromV4(it->first));
        EXPECT_NE(std::find(hits.begin(), hits.end(), std::string_view(wanted)), hits.end()) << wanted;
    }

    // IPv6 entries (Censys publishes some): their first address matches their own list.
    for (const auto& [folder, entries] : v6_entries) {
        for (const auto& text : entries) {
            const auto prefix = Prefix::parse(text);
            ASSERT_TRUE(prefix) << text;
            const auto hits = lists->matchingLists(prefix->network());
            EXPECT_NE(std::find(hits.begin(), hits.end(), std::string_view(folder)), hits.end()) << text;
        }
    }

    // Documentation addresses are in no scanner list.
    EXPECT_FALSE(lists->benignList(ip("198.51.100.1")));
    EXPECT_FALSE(lists->benignList(ip("203.0.113.1")));
    EXPECT_FALSE(lists->benignList(ip("2001:db8::1")));
}

} // namespace
} // namespace kansoku::intel
