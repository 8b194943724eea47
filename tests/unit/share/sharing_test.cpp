#include <gtest/gtest.h>

#include "share/sharing/partner_registry.h"
#include "store/sqlite_store.h"
#include "support/temp_store.h"

namespace kansoku::share {
namespace {

class PartnerRegistryTest : public ::testing::Test {
protected:
    void SetUp() override {
        store_ = kansoku::testing::openTempStore(dir_);
        ASSERT_NE(store_, nullptr);
        config_.communities = {"apcert", "local"};
    }
    kansoku::testing::TempDir dir_;
    std::unique_ptr<store::SqliteStore> store_;
    SharingConfig config_;
};

TEST_F(PartnerRegistryTest, AddAuthenticateRotateRemove) {
    PartnerRegistry registry(*store_, config_);
    const auto secret = registry.add("jp-cert", "apcert", "green", 1);
    ASSERT_TRUE(secret) << secret.error().message;
    EXPECT_TRUE(secret->starts_with(kPartnerSecretPrefix));
    auto partner = registry.authenticate("jp-cert", *secret);
    ASSERT_TRUE(partner && *partner);
    EXPECT_EQ((*partner)->community, "apcert");
    EXPECT_EQ((*partner)->ceiling, stix::Tlp::Green);
    EXPECT_TRUE(*registry.authenticate("", *secret));              // a bearer secret alone
    EXPECT_FALSE(*registry.authenticate("someone-else", *secret)); // the name must agree
    EXPECT_FALSE(*registry.authenticate("jp-cert", "ksp_guess"));
    const auto rotated = registry.rotate("jp-cert", 2);
    ASSERT_TRUE(rotated);
    EXPECT_FALSE(*registry.authenticate("jp-cert", *secret));
    EXPECT_TRUE(*registry.authenticate("jp-cert", *rotated));
    config_.communities = {"local"}; // its community is no longer configured: no access
    EXPECT_FALSE(*registry.authenticate("jp-cert", *rotated));
    ASSERT_TRUE(registry.remove("jp-cert"));
    EXPECT_FALSE(registry.remove("jp-cert"));
}

TEST_F(PartnerRegistryTest, RefusesBadInput) {
    PartnerRegistry registry(*store_, config_);
    EXPECT_FALSE(registry.add("jp cert", "apcert", "green", 1));
    EXPECT_FALSE(registry.add("", "apcert", "green", 1));
    EXPECT_FALSE(registry.add("a:b", "apcert", "green", 1));
    EXPECT_FALSE(registry.add("jp", "elsewhere", "green", 1));
    EXPECT_FALSE(registry.add("jp", "apcert", "red", 1));
    EXPECT_FALSE(registry.add("jp", "apcert", "blue", 1));
    ASSERT_TRUE(registry.add("jp", "apcert", "amber+strict", 1));
    EXPECT_FALSE(registry.add("jp", "local", "green", 1));
    EXPECT_FALSE(registry.rotate("nobody", 1));
}

TEST(SharingConfig, CommunityNames) {
    EXPECT_TRUE(validCommunityName("apcert"));
    EXPECT_TRUE(validCommunityName("first-2026_x"));
    EXPECT_FALSE(validCommunityName(""));
    EXPECT_FALSE(validCommunityName("-x"));
    EXPECT_FALSE(validCommunityName("APCERT"));
    EXPECT_FALSE(validCommunityName("a/b"));
    EXPECT_FALSE(validCommunityName(std::string(65, 'a')));
}

} // namespace
} // namespace kansoku::share
