#include <gtest/gtest.h>

#include "share/isp/api_key.h"
#include "share/isp/isp_registry.h"
#include "store/sqlite_store.h"
#include "support/temp_dir.h"

namespace kansoku::share::isp {
namespace {

class IspRegistryTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto opened = store::SqliteStore::open(dir_.file("k.db"), store::OpenMode::ReadWriteCreate);
        ASSERT_TRUE(opened) << opened.error().message;
        store_ = std::move(*opened);
    }
    std::string refusal(const IspSpec& spec) {
        auto key = IspRegistry(*store_).add(spec, 1);
        EXPECT_FALSE(key) << spec.name;
        return key ? std::string() : key.error().message;
    }
    testing::TempDir dir_;
    std::unique_ptr<store::SqliteStore> store_;
};

TEST_F(IspRegistryTest, StoresOnlyTheHashOfTheKeyItReturns) {
    auto key = IspRegistry(*store_).add({"isp-a", {"198.51.100.0/25"}, {64500, 64500}, "abuse@a.example", "ja"}, 5);
    ASSERT_TRUE(key) << key.error().message;
    const auto isp = store_->isp("isp-a");
    ASSERT_TRUE(isp && isp->has_value());
    EXPECT_EQ((*isp)->key_hash, apiKeyHash(*key));
    EXPECT_EQ((*isp)->scope.asns, std::vector<uint32_t>{64500});
    EXPECT_EQ((*isp)->lang, "ja");
    EXPECT_EQ((*isp)->created, 5);
    EXPECT_TRUE(store_->ispByKeyHash(apiKeyHash(*key))->has_value());
}

TEST_F(IspRegistryTest, RefusesBadInputWithOneLine) {
    EXPECT_NE(refusal({"bad name", {"198.51.100.0/25"}, {}, "a@b.example", "en"}).find("name"), std::string::npos);
    EXPECT_NE(refusal({"-a", {"198.51.100.0/25"}, {}, "a@b.example", "en"}).find("name"), std::string::npos);
    EXPECT_NE(refusal({"a", {"198.51.100.0/25"}, {}, "not-mail", "en"}).find("mail"), std::string::npos);
    EXPECT_NE(refusal({"a", {"198.51.100.0/25"}, {}, "a@b", "en"}).find("mail"), std::string::npos);
    EXPECT_NE(refusal({"a", {"198.51.100.0/25"}, {}, "a b@c.example", "en"}).find("mail"), std::string::npos);
    EXPECT_NE(refusal({"a", {"198.51.100.0/25"}, {}, "a@b.example", "fr"}).find("ja or en"), std::string::npos);
    EXPECT_NE(refusal({"a", {}, {}, "a@b.example", "en"}).find("--prefix or --asn"), std::string::npos);
    EXPECT_NE(refusal({"a", {"198.51.100.1/24"}, {}, "a@b.example", "en"}).find("198.51.100.1/24"), std::string::npos);
    EXPECT_NE(refusal({"a", {"banana"}, {}, "a@b.example", "en"}).find("banana"), std::string::npos);
    EXPECT_NE(refusal({"a", {"198.51.100.0/24", "198.51.100.0/25"}, {}, "a@b.example", "en"}).find("overlaps"),
              std::string::npos);
    EXPECT_NE(refusal({"a", {}, {0}, "a@b.example", "en"}).find("AS0"), std::string::npos);
    EXPECT_TRUE(store_->isps()->empty());
}

TEST_F(IspRegistryTest, RefusesSpaceOrNamesTakenByAnotherIsp) {
    IspRegistry registry(*store_);
    ASSERT_TRUE(registry.add({"isp-a", {"198.51.100.0/25", "2001:db8::/32"}, {64500}, "a@a.example", "en"}, 1));
    EXPECT_EQ(refusal({"isp-b", {"198.51.100.64/26"}, {}, "b@b.example", "en"}),
              "ISP isp-b refused: prefix 198.51.100.64/26 overlaps 198.51.100.0/25 of ISP isp-a");
    EXPECT_NE(refusal({"isp-b", {"198.51.0.0/16"}, {}, "b@b.example", "en"}).find("overlaps"), std::string::npos);
    EXPECT_NE(refusal({"isp-b", {"2001:db8:1::/48"}, {}, "b@b.example", "en"}).find("overlaps"), std::string::npos);
    EXPECT_NE(refusal({"isp-b", {}, {64500}, "b@b.example", "en"}).find("AS64500"), std::string::npos);
    EXPECT_NE(refusal({"isp-a", {"192.0.2.0/24"}, {}, "b@b.example", "en"}).find("exists"), std::string::npos);
    EXPECT_TRUE(registry.add({"isp-b", {"198.51.100.128/25"}, {64501}, "b@b.example", "en"}, 1));
}

TEST_F(IspRegistryTest, RotateAndRemove) {
    IspRegistry registry(*store_);
    auto old_key = registry.add({"isp-a", {"198.51.100.0/25"}, {}, "a@a.example", "en"}, 1);
    ASSERT_TRUE(old_key);
    auto new_key = registry.rotateKey("isp-a", 9);
    ASSERT_TRUE(new_key);
    EXPECT_NE(*new_key, *old_key);
    EXPECT_FALSE(store_->ispByKeyHash(apiKeyHash(*old_key))->has_value());
    EXPECT_EQ(store_->ispByKeyHash(apiKeyHash(*new_key))->value().key_rotated, 9);
    EXPECT_FALSE(registry.rotateKey("nope", 9));
    EXPECT_TRUE(registry.remove("isp-a"));
    EXPECT_FALSE(store_->ispByKeyHash(apiKeyHash(*new_key))->has_value());
    const auto again = registry.remove("isp-a");
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().message, "no ISP named 'isp-a'");
}

} // namespace
} // namespace kansoku::share::isp
