// Publishing into a community's collection (share/sharing/stix_publisher.h): a re-run adds nothing, a C2 seen
// again is a new version, sightings of partners' indicators go to the community their feed names at the
// indicator's TLP, and an unknown community is refused.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "share/sharing/stix_publisher.h"
#include "store/sqlite_store.h"
#include "support/temp_store.h"

namespace kansoku::share {
namespace {

constexpr Timestamp kSecond = 1'000'000;
constexpr Timestamp kDay = 86'400 * kSecond;
const Timestamp kNow = nowMicros();

class StixPublisherTest : public ::testing::Test {
protected:
    void SetUp() override {
        store_ = kansoku::testing::openTempStore(dir_);
        ASSERT_NE(store_, nullptr);
        config_.communities = {"apcert", "local"};
        FeedConfig feed;
        feed.name = "jpcert";
        feed.community = "local";
        config_.feeds.push_back(feed);
        store::C2Record c2;
        c2.kind = "ip";
        c2.indicator = "192.0.2.66";
        c2.port = 23;
        c2.family = "mirai";
        c2.first_seen = kNow - 2 * kDay;
        c2.last_seen = kNow - kDay;
        ASSERT_TRUE(store_->upsertC2(c2));
    }
    std::vector<store::SharedObjectRecord> objects(const std::string& community, const std::string& type) {
        store::SharedObjectQuery query;
        query.collection = *store_->collectionId(community, kPublishedCollection);
        query.tlps = {"clear", "green", "amber", "amber+strict"};
        query.types = {type};
        query.all_versions = true;
        return *store_->sharedObjects(query);
    }
    kansoku::testing::TempDir dir_;
    std::unique_ptr<store::SqliteStore> store_;
    SharingConfig config_;
};

TEST_F(StixPublisherTest, ARerunAddsNothingAndASeenAgainC2IsANewVersion) {
    StixPublisher publisher(*store_, config_);
    const auto first = publisher.publish("apcert", kNow);
    ASSERT_TRUE(first) << first.error().message;
    EXPECT_GT(first->added, 5U);
    EXPECT_EQ(first->added, first->produced);
    const auto again = publisher.publish("apcert", kNow + 1);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->added, 0U);
    EXPECT_EQ(objects("apcert", "indicator").size(), 1U);

    store::C2Record seen;
    seen.kind = "ip";
    seen.indicator = "192.0.2.66";
    seen.port = 23;
    seen.first_seen = kNow - 2 * kDay;
    seen.last_seen = kNow;
    ASSERT_TRUE(store_->upsertC2(seen));
    const auto later = publisher.publish("apcert", kNow + 2);
    ASSERT_TRUE(later);
    EXPECT_GT(later->added, 0U);
    EXPECT_EQ(objects("apcert", "indicator").size(), 2U); // two versions of one indicator
    EXPECT_TRUE(objects("local", "indicator").empty());   // nothing was published to the other community yet
}

TEST_F(StixPublisherTest, SightingsOfAPartnersIndicatorGoToItsFeedsCommunityAtItsTlp) {
    const std::string indicator = "indicator--00000000-0000-4000-8000-000000000001";
    ASSERT_TRUE(store_->addPartnerSightings({{"jpcert", indicator, "darknet.scan", 3, kNow - kDay, kNow, "amber"}}));
    StixPublisher publisher(*store_, config_);
    const auto apcert = publisher.publish("apcert", kNow);
    ASSERT_TRUE(apcert);
    EXPECT_EQ(apcert->sightings, 0U);
    const auto local = publisher.publish("local", kNow);
    ASSERT_TRUE(local);
    EXPECT_EQ(local->sightings, 1U);
    std::vector<nlohmann::json> sightings;
    for (const auto& o : objects("local", "sighting")) {
        auto json = nlohmann::json::parse(o.json);
        if (json["sighting_of_ref"] == indicator) {
            EXPECT_EQ(o.tlp, "amber");
            sightings.push_back(std::move(json));
        }
    }
    ASSERT_EQ(sightings.size(), 1U);
    EXPECT_EQ(sightings[0]["count"], 3);
    EXPECT_EQ(sightings[0]["object_marking_refs"][0], "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421");
    // More of the same: a new version of the same sighting.
    ASSERT_TRUE(
        store_->addPartnerSightings({{"jpcert", indicator, "darknet.scan", 2, kNow, kNow + 10 * kSecond, "amber"}}));
    ASSERT_TRUE(publisher.publish("local", kNow + 20 * kSecond));
    size_t versions = 0;
    for (const auto& o : objects("local", "sighting")) {
        versions += nlohmann::json::parse(o.json)["sighting_of_ref"] == indicator ? 1 : 0;
    }
    EXPECT_EQ(versions, 2U);
}

TEST_F(StixPublisherTest, AnUnknownCommunityIsRefused) {
    StixPublisher publisher(*store_, config_);
    const auto refused = publisher.publish("elsewhere", kNow);
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find("elsewhere"), std::string::npos);
}

} // namespace
} // namespace kansoku::share
