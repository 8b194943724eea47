// The TAXII 2.1 client against a scripted server (share/sharing/taxii_client.h): paging with next and the
// same filters on every page, the watermark, invalid objects refused and never stored, partners' values
// kept, and a server that loops, lies or answers garbage ending the pull with an error.

#include <map>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "share/sharing/taxii_client.h"
#include "store/sqlite_store.h"
#include "support/temp_store.h"

namespace kansoku::share {
namespace {

constexpr const char* kRoot = "https://partner.example/api1/";
constexpr const char* kCollection = "91a7b528-80eb-42ed-a74d-c6fbd5a26116";
constexpr const char* kGreen = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb";

nlohmann::json indicator(const std::string& uuid_tail, const std::string& address,
                         const std::string& modified = "2026-12-01T00:00:00.000Z") {
    return {{"type", "indicator"},
            {"spec_version", "2.1"},
            {"id", "indicator--00000000-0000-4000-8000-" + uuid_tail},
            {"created", "2026-12-01T00:00:00.000Z"},
            {"modified", modified},
            {"name", "C2 " + address},
            {"pattern", "[ipv4-addr:value = '" + address + "']"},
            {"pattern_type", "stix"},
            {"valid_from", "2026-12-01T00:00:00Z"},
            {"object_marking_refs", {kGreen}}};
}

/// A server answering URLs from a script; every URL asked is recorded.
struct ScriptedServer {
    std::map<std::string, FeedAnswer> answers;
    std::vector<std::string> asked;
    FeedGet get() {
        return [this](const std::string& url) -> Result<FeedAnswer> {
            asked.push_back(url);
            const auto it = answers.find(url);
            if (it == answers.end()) {
                return FeedAnswer{404, "application/taxii+json;version=2.1", "", R"({"title":"not found"})"};
            }
            return it->second;
        };
    }
    void page(const std::string& query, const nlohmann::json& envelope, const std::string& last = "") {
        answers[std::string(kRoot) + "collections/" + kCollection + "/objects/?" + query] =
            FeedAnswer{200, "application/taxii+json;version=2.1", last, envelope.dump()};
    }
};

class TaxiiClientTest : public ::testing::Test {
protected:
    void SetUp() override {
        store_ = kansoku::testing::openTempStore(dir_);
        ASSERT_NE(store_, nullptr);
        feed_.name = "jpcert";
        feed_.url = kRoot;
        feed_.collection = kCollection;
    }
    kansoku::testing::TempDir dir_;
    std::unique_ptr<store::SqliteStore> store_;
    FeedConfig feed_;
    ScriptedServer server_;
};

TEST_F(TaxiiClientTest, WalksPagesWithNextKeepsValidObjectsAndTheWatermark) {
    server_.page("limit=1000",
                 {{"more", true}, {"next", "p2"}, {"objects", {indicator("000000000001", "198.51.100.1")}}},
                 "2026-12-01T00:00:01.000000Z");
    nlohmann::json bad = indicator("000000000003", "198.51.100.3");
    bad.erase("valid_from");
    server_.page("limit=1000&next=p2",
                 {{"more", false},
                  {"objects",
                   {indicator("000000000002", "198.51.100.0/24"),
                    bad,
                    "not an object",
                    {{"type", "indicator"}, {"id", "indicator--nope"}}}}},
                 "2026-12-01T00:00:02.000000Z");
    TaxiiClient client(feed_, server_.get(), *store_);
    const auto counts = client.pull(1000);
    ASSERT_TRUE(counts) << counts.error().message;
    EXPECT_EQ(counts->pages, 2);
    EXPECT_EQ(counts->received, 5);
    EXPECT_EQ(counts->kept, 2);
    EXPECT_EQ(counts->refused, 3);
    EXPECT_EQ(counts->values, 2);
    EXPECT_EQ(counts->added_after, "2026-12-01T00:00:02.000000Z");
    const auto values = *store_->partnerIndicators(0);
    ASSERT_EQ(values.size(), 2U);
    EXPECT_EQ(values[0].kind, "ipv4");
    EXPECT_EQ(values[0].tlp, "green");
    EXPECT_EQ(values[1].kind, "ipv4-net");
    EXPECT_EQ(store_->partnerObjects("jpcert", "")->size(), 2U); // nothing of the invalid ones

    // The next pull asks only for what was added after the watermark, on every page.
    server_.page("limit=1000&added_after=2026-12-01T00:00:02.000000Z", {{"more", false}});
    const auto again = client.pull(2000);
    ASSERT_TRUE(again) << again.error().message;
    EXPECT_EQ(again->kept, 0);
    EXPECT_EQ(server_.asked.back(), std::string(kRoot) + "collections/" + kCollection +
                                        "/objects/?limit=1000&added_after=2026-12-01T00:00:02.000000Z");
    const auto state = *store_->feedState("jpcert");
    ASSERT_TRUE(state);
    EXPECT_EQ(state->objects, 2);
    EXPECT_EQ(state->refused, 3);
    EXPECT_EQ(state->last_success, 2000);
}

TEST_F(TaxiiClientTest, ANewerVersionReplacesTheValuesAndARevokedOneDropsThem) {
    server_.page("limit=1000", {{"more", false}, {"objects", {indicator("000000000001", "198.51.100.1")}}},
                 "2026-12-01T00:00:01Z");
    TaxiiClient client(feed_, server_.get(), *store_);
    ASSERT_TRUE(client.pull(1));
    auto moved = indicator("000000000001", "198.51.100.99", "2026-12-02T00:00:00.000Z");
    server_.page("limit=1000&added_after=2026-12-01T00:00:01Z", {{"more", false}, {"objects", {moved}}},
                 "2026-12-02T00:00:00Z");
    ASSERT_TRUE(client.pull(2));
    auto values = *store_->partnerIndicators(0);
    ASSERT_EQ(values.size(), 1U);
    EXPECT_EQ(values[0].value, "198.51.100.99");
    auto revoked = indicator("000000000001", "198.51.100.99", "2026-12-03T00:00:00.000Z");
    revoked["revoked"] = true;
    server_.page("limit=1000&added_after=2026-12-02T00:00:00Z", {{"more", false}, {"objects", {revoked}}},
                 "2026-12-03T00:00:00Z");
    ASSERT_TRUE(client.pull(3));
    EXPECT_TRUE(store_->partnerIndicators(0)->empty());
}

TEST_F(TaxiiClientTest, ACollectionTitleIsResolved) {
    feed_.collection = "High Value Indicators";
    server_.answers[std::string(kRoot) + "collections/"] =
        FeedAnswer{200, "application/taxii+json;version=2.1", "",
                   nlohmann::json({{"collections",
                                    {{{"id", kCollection}, {"title", "High Value Indicators"}, {"can_read", true}}}}})
                       .dump()};
    server_.page("limit=1000", {{"more", false}});
    TaxiiClient client(feed_, server_.get(), *store_);
    ASSERT_TRUE(client.pull(1));
    feed_.collection = "Nothing";
    const auto missing = client.pull(2);
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().message.find("no collection"), std::string::npos);
}

TEST_F(TaxiiClientTest, HostileServersEndThePullWithAnError) {
    TaxiiClient client(feed_, server_.get(), *store_);
    // more: true forever with the same next.
    server_.page("limit=1000", {{"more", true}, {"next", "again"}});
    server_.page("limit=1000&next=again", {{"more", true}, {"next", "again"}});
    auto looped = client.pull(1);
    ASSERT_FALSE(looped);
    EXPECT_NE(looped.error().message.find("same next token"), std::string::npos);
    // more: true without next or a later date.
    server_.page("limit=1000", {{"more", true}});
    auto stuck = client.pull(2);
    ASSERT_FALSE(stuck);
    EXPECT_NE(stuck.error().message.find("neither next"), std::string::npos);
    // Every page a new token: max_pages ends it.
    feed_.max_pages = 5;
    for (int i = 0; i < 10; ++i) {
        server_.page(i == 0 ? "limit=1000" : "limit=1000&next=t" + std::to_string(i),
                     {{"more", true}, {"next", "t" + std::to_string(i + 1)}});
    }
    auto endless = client.pull(3);
    ASSERT_FALSE(endless);
    EXPECT_NE(endless.error().message.find("max_pages"), std::string::npos);
    // Garbage, HTML, errors.
    server_.answers[std::string(kRoot) + "collections/" + kCollection + "/objects/?limit=1000"] =
        FeedAnswer{200, "text/html", "", "<html>"};
    auto html = client.pull(4);
    ASSERT_FALSE(html);
    EXPECT_NE(html.error().message.find("not application/taxii+json"), std::string::npos);
    server_.answers[std::string(kRoot) + "collections/" + kCollection + "/objects/?limit=1000"] =
        FeedAnswer{200, "application/taxii+json;version=2.1", "", "{\"objects\": [1, 2"};
    EXPECT_FALSE(client.pull(5));
    server_.answers[std::string(kRoot) + "collections/" + kCollection + "/objects/?limit=1000"] =
        FeedAnswer{401, "application/taxii+json;version=2.1", "", R"({"title":"Unauthorized"})"};
    auto denied = client.pull(6);
    ASSERT_FALSE(denied);
    EXPECT_NE(denied.error().message.find("HTTP 401: Unauthorized"), std::string::npos);
    // The watermark never moved and the failure is on record.
    const auto state = *store_->feedState("jpcert");
    ASSERT_TRUE(state);
    EXPECT_TRUE(state->added_after.empty());
    EXPECT_NE(state->last_error.find("401"), std::string::npos);
    EXPECT_EQ(state->last_success, 0);
}

} // namespace
} // namespace kansoku::share
