#include <gtest/gtest.h>

#include "support/test_database.h"

namespace kansoku::store {
namespace {

constexpr Timestamp kT0 = 1'714'564'800'000'000; // 2024-05-01T12:00:00Z

SharedObjectRecord object(std::string id, Timestamp version, std::string tlp) {
    SharedObjectRecord o;
    o.collection = "c1";
    o.id = std::move(id);
    o.type = "indicator";
    o.version = std::to_string(version);
    o.version_us = version;
    o.tlp = std::move(tlp);
    o.source = "kansoku";
    o.json = "{\"id\":\"" + o.id + "\",\"v\":" + std::to_string(version) + "}";
    return o;
}

class SharingStoreTest : public kansoku::testing::StoreEngineTest {
protected:
    std::vector<std::string> versionsOf(SharedObjectQuery query) {
        query.collection = "c1";
        auto objects = store_->sharedObjects(query);
        EXPECT_TRUE(objects) << objects.error().message;
        std::vector<std::string> out;
        for (const auto& o : *objects) {
            out.push_back(o.id + "@" + o.version);
        }
        return out;
    }
};

TEST_P(SharingStoreTest, PartnersAreFoundBySecretHashAndRotated) {
    ASSERT_TRUE(store_->addPartner({"jp", "apcert", "green", "h1", kT0, kT0}));
    EXPECT_FALSE(store_->addPartner({"jp", "apcert", "amber", "h2", kT0, kT0}));
    auto found = store_->partnerBySecretHash("h1");
    ASSERT_TRUE(found && *found);
    EXPECT_EQ((*found)->community, "apcert");
    ASSERT_TRUE(*store_->setPartnerSecretHash("jp", "h3", kT0 + 1));
    EXPECT_FALSE(store_->partnerBySecretHash("h1")->has_value());
    EXPECT_TRUE(store_->partnerBySecretHash("h3")->has_value());
    EXPECT_TRUE(*store_->removePartner("jp"));
    EXPECT_FALSE(*store_->removePartner("jp"));
}

TEST_P(SharingStoreTest, CollectionIdsAreMadeOnceAndDiffer) {
    const auto a = store_->collectionId("apcert", "kansoku");
    const auto b = store_->collectionId("apcert", "contributions");
    ASSERT_TRUE(a && b);
    EXPECT_EQ(a->size(), 36U);
    EXPECT_EQ(a->at(14), '4'); // version 4
    EXPECT_NE(*a, *b);
    EXPECT_EQ(*store_->collectionId("apcert", "kansoku"), *a);
}

TEST_P(SharingStoreTest, AVersionIsKeptOnceAndDateAddedAlwaysGoesForward) {
    std::vector<SharedObjectRecord> first = {object("indicator--1", kT0, "green")};
    ASSERT_EQ(*store_->addSharedObjects(first, kT0 + 100), 1);
    std::vector<SharedObjectRecord> again = {object("indicator--1", kT0, "green"),
                                             object("indicator--2", kT0, "green")};
    ASSERT_EQ(*store_->addSharedObjects(again, kT0 + 50), 1); // the clock went back; the copy is skipped
    SharedObjectQuery all;
    all.tlps = {"green"};
    all.collection = "c1";
    const auto objects = *store_->sharedObjects(all);
    ASSERT_EQ(objects.size(), 2U);
    EXPECT_EQ(objects[1].date_added, kT0 + 101); // after the first: batches never share a date_added
}

TEST_P(SharingStoreTest, LastAndFirstVersionsAreAmongWhatTheCallerMaySee) {
    std::vector<SharedObjectRecord> objects = {object("indicator--1", kT0, "green"),
                                               object("indicator--1", kT0 + 10, "amber"),
                                               object("indicator--2", kT0, "red")};
    ASSERT_EQ(*store_->addSharedObjects(objects, kT0), 3);
    SharedObjectQuery green;
    green.tlps = {"clear", "green"};
    EXPECT_EQ(versionsOf(green), std::vector<std::string>{"indicator--1@" + std::to_string(kT0)});
    SharedObjectQuery amber;
    amber.tlps = {"clear", "green", "amber"};
    EXPECT_EQ(versionsOf(amber), std::vector<std::string>{"indicator--1@" + std::to_string(kT0 + 10)});
    amber.last_version = false;
    amber.first_version = true;
    EXPECT_EQ(versionsOf(amber), std::vector<std::string>{"indicator--1@" + std::to_string(kT0)});
    amber.all_versions = true;
    EXPECT_EQ(versionsOf(amber).size(), 2U);
    SharedObjectQuery none; // no TLP allowed: nothing at all
    none.all_versions = true;
    EXPECT_TRUE(versionsOf(none).empty());
}

TEST_P(SharingStoreTest, FiltersAndPaging) {
    std::vector<SharedObjectRecord> objects;
    for (int i = 0; i < 5; ++i) {
        objects.push_back(object("indicator--" + std::to_string(i), kT0, "green"));
    }
    objects[4].type = "malware";
    ASSERT_EQ(*store_->addSharedObjects(objects, kT0), 5);
    SharedObjectQuery q;
    q.tlps = {"green"};
    q.limit = 2;
    q.collection = "c1";
    const auto page = *store_->sharedObjects(q);
    ASSERT_EQ(page.size(), 2U);
    q.after_seq = page.back().seq;
    q.limit = 0;
    EXPECT_EQ(versionsOf(q).size(), 3U);
    SharedObjectQuery types;
    types.tlps = {"green"};
    types.types = {"malware"};
    EXPECT_EQ(versionsOf(types).size(), 1U);
    SharedObjectQuery ids;
    ids.tlps = {"green"};
    ids.ids = {"indicator--1", "indicator--3"};
    EXPECT_EQ(versionsOf(ids).size(), 2U);
    SharedObjectQuery later;
    later.tlps = {"green"};
    later.added_after = kT0;
    EXPECT_TRUE(versionsOf(later).empty());
}

TEST_P(SharingStoreTest, StatusAndLog) {
    ASSERT_TRUE(store_->putSharingStatus({"s1", "apcert", "jp", kT0, "{}"}));
    EXPECT_EQ((*store_->sharingStatus("s1"))->partner, "jp");
    EXPECT_FALSE(*store_->sharingStatus("s2"));
    ASSERT_TRUE(store_->logSharing({kT0, "jp", "apcert", "taxii", 3, "/taxii2/"}));
    ASSERT_TRUE(store_->logSharing({kT0 + 5, "kr", "apcert", "taxii", 1, "/taxii2/"}));
    EXPECT_EQ(store_->sharingLog(kT0 + 1, 0)->size(), 1U);
    EXPECT_EQ(store_->sharingLog(0, 1)->front().recipient, "jp");
}

INSTANTIATE_TEST_SUITE_P(Engines, SharingStoreTest, kansoku::testing::kStoreEngines, kansoku::testing::engineName);

} // namespace
} // namespace kansoku::store
