#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "misp_test_store.h"
#include "share/misp/misp_feed_directory.h"
#include "share/misp/misp_feed_producer.h"

namespace kansoku::share::misp {
namespace {

using namespace testing;
namespace fs = std::filesystem;

std::string slurp(const fs::path& path) {
    std::ifstream file(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
}

class MispFeedDirectoryTest : public MispStoreTest {
protected:
    Result<DirectoryWrite> write() {
        MispFeedProducer producer(*store_, {});
        auto events = producer.produce({});
        EXPECT_TRUE(events);
        return writeMispFeedDirectory(out_, std::move(*events), producer.org());
    }
    nlohmann::json manifest() const { return nlohmann::json::parse(slurp(out_ / "manifest.json")); }

    fs::path out_ = dir_.path() / "feed";
};

TEST_F(MispFeedDirectoryTest, WritesManifestHashesAndOneFilePerEventNothingElse) {
    auto written = write();
    ASSERT_TRUE(written) << written.error().message;
    const auto m = manifest();
    EXPECT_EQ(written->written, m.size());
    size_t files = 0;
    for (const auto& entry : fs::directory_iterator(out_)) {
        const std::string name = entry.path().filename().string();
        if (name == "manifest.json" || name == "hashes.csv") {
            continue;
        }
        ++files;
        ASSERT_TRUE(name.ends_with(".json")) << name;
        const std::string uuid = name.substr(0, 36);
        ASSERT_TRUE(m.contains(uuid)) << name;
        const auto event = nlohmann::json::parse(slurp(entry.path()));
        EXPECT_EQ(event["Event"]["uuid"], uuid);
        EXPECT_EQ(event["Event"]["timestamp"], std::to_string(m[uuid]["timestamp"].get<int64_t>()));
        EXPECT_EQ(event["Event"]["Orgc"], m[uuid]["Orgc"]);
        EXPECT_EQ(m[uuid]["Tag"][0]["name"], "tlp:green");
    }
    EXPECT_EQ(files, m.size());
    const std::string hashes = slurp(out_ / "hashes.csv");
    EXPECT_GT(std::count(hashes.begin(), hashes.end(), '\n'), static_cast<long>(m.size()));
}

TEST_F(MispFeedDirectoryTest, ASecondExportOfTheSameDataRewritesNothing) {
    ASSERT_TRUE(write());
    const auto before = manifest();
    const auto again = write();
    ASSERT_TRUE(again);
    EXPECT_EQ(again->written, 0u);
    EXPECT_EQ(again->unchanged, before.size());
    EXPECT_EQ(manifest(), before);
}

TEST_F(MispFeedDirectoryTest, ChangedContentWithoutNewerDataStillGetsANewerTimestamp) {
    ASSERT_TRUE(write());
    const auto before = manifest();
    // A new C2 record of mirai last seen long ago: the family event's newest `last seen` does not move.
    addC2(*store_, "domain", "old.example.test", 0, "mirai", {kShaA}, kT0 - kDay);
    const auto again = write();
    ASSERT_TRUE(again);
    EXPECT_EQ(again->written, 1u);
    const auto after = manifest();
    const std::string family = "ec75e6e7-9b2c-5a23-9bed-5d4ae6e46138";
    EXPECT_GT(after[family]["timestamp"].get<int64_t>(), before[family]["timestamp"].get<int64_t>());
    for (const auto& [uuid, entry] : before.items()) {
        if (uuid != family) {
            EXPECT_EQ(after[uuid], entry);
        }
    }
}

TEST_F(MispFeedDirectoryTest, EventsNoLongerInTheFeedAreRemovedAndNoTemporaryFileStays) {
    ASSERT_TRUE(write());
    const std::string stale = "00000000-0000-4000-8000-000000000000.json";
    std::ofstream(out_ / stale) << "{}";
    std::ofstream(out_ / "README") << "not ours";
    const auto again = write();
    ASSERT_TRUE(again);
    EXPECT_EQ(again->removed, 1u);
    EXPECT_FALSE(fs::exists(out_ / stale));
    EXPECT_TRUE(fs::exists(out_ / "README"));
    for (const auto& entry : fs::directory_iterator(out_)) {
        EXPECT_FALSE(entry.path().filename().string().ends_with(".tmp")) << entry.path();
    }
}

TEST_F(MispFeedDirectoryTest, AnUnwritableDirectoryIsOneLine) {
    std::ofstream(dir_.path() / "file") << "x";
    MispFeedProducer producer(*store_, {});
    auto events = producer.produce({});
    ASSERT_TRUE(events);
    const auto written = writeMispFeedDirectory(dir_.path() / "file" / "feed", std::move(*events), producer.org());
    ASSERT_FALSE(written);
    EXPECT_EQ(written.error().message.find('\n'), std::string::npos);
}

} // namespace
} // namespace kansoku::share::misp
