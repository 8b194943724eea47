#include <gtest/gtest.h>

#include "share/isp/api_key.h"
#include "web/tenant_authenticator.h"

namespace kansoku::web {
namespace {

/// A TenantStore that counts look-ups; one ISP whose key can be changed.
class CountingTenants : public store::TenantStore {
public:
    Result<void> addIsp(const store::IspRecord&) override { return {}; }
    Result<std::vector<store::IspRecord>> isps() override { return std::vector<store::IspRecord>{record}; }
    Result<std::optional<store::IspRecord>> isp(std::string_view) override { return std::optional{record}; }
    Result<std::optional<store::IspRecord>> ispByKeyHash(std::string_view key_hash) override {
        ++lookups;
        if (key_hash != record.key_hash) {
            return std::optional<store::IspRecord>{};
        }
        return std::optional{record};
    }
    Result<bool> removeIsp(std::string_view) override { return true; }
    Result<bool> setIspKeyHash(std::string_view, std::string_view, Timestamp) override { return true; }

    store::IspRecord record{"isp-a",
                            share::isp::apiKeyHash("ksk_a"),
                            "abuse@a.example",
                            "en",
                            AddressScope{{*Prefix::parse("198.51.100.0/25")}, {64500}},
                            0,
                            0};
    int lookups = 0;
};

class TenantAuthenticatorTest : public ::testing::Test {
protected:
    Request request(const std::string& authorization) {
        Request r;
        r.authorization = authorization;
        auth_.authenticate(r);
        return r;
    }
    CountingTenants tenants_;
    Timestamp now_ = 1'000'000'000;
    TenantAuthenticator auth_{"admin-key", &tenants_, Duration::fromSeconds(1), [this] { return now_; }};
};

TEST_F(TenantAuthenticatorTest, MapsKeysToCallers) {
    EXPECT_EQ(request("Bearer admin-key").caller, Caller::Admin);
    EXPECT_EQ(request("bearer admin-key").caller, Caller::Admin);
    const auto tenant = request("Bearer ksk_a");
    EXPECT_EQ(tenant.caller, Caller::Tenant);
    EXPECT_EQ(tenant.tenant, "isp-a");
    ASSERT_TRUE(tenant.scope);
    EXPECT_TRUE(tenant.scope->contains(*IpAddress::parse("198.51.100.1"), std::nullopt));
    EXPECT_FALSE(tenant.scope->contains(*IpAddress::parse("198.51.100.200"), std::nullopt));
    for (const auto* bad :
         {"", "Bearer", "Bearer admin-keyx", "Basic a2V5", "Bearer ksk_b", "ksk_a", "Bearer admin-ke"}) {
        const auto r = request(bad);
        EXPECT_EQ(r.caller, Caller::Anonymous) << bad;
        EXPECT_TRUE(r.tenant.empty());
        EXPECT_FALSE(r.scope);
    }
}

TEST_F(TenantAuthenticatorTest, CachesAKnownKeyForTheRecheckIntervalOnly) {
    request("Bearer ksk_a");
    request("Bearer ksk_a");
    EXPECT_EQ(tenants_.lookups, 1);
    tenants_.record.key_hash = share::isp::apiKeyHash("ksk_rotated");
    now_ += 999'999;
    EXPECT_EQ(request("Bearer ksk_a").caller, Caller::Tenant); // still within the interval
    now_ += 1;
    EXPECT_EQ(request("Bearer ksk_a").caller, Caller::Anonymous);
    EXPECT_EQ(request("Bearer ksk_rotated").caller, Caller::Tenant);
}

TEST_F(TenantAuthenticatorTest, UnknownKeysAreNotCachedAndNoStoreMeansAdminOnly) {
    request("Bearer ksk_nope");
    request("Bearer ksk_nope");
    EXPECT_EQ(tenants_.lookups, 2);
    request("Bearer not-a-key-of-ours");
    EXPECT_EQ(tenants_.lookups, 2); // without the key prefix, not even looked up
    TenantAuthenticator admin_only("admin-key", nullptr);
    Request r;
    r.authorization = "Bearer ksk_a";
    admin_only.authenticate(r);
    EXPECT_EQ(r.caller, Caller::Anonymous);
    r.authorization = "Bearer admin-key";
    admin_only.authenticate(r);
    EXPECT_EQ(r.caller, Caller::Admin);
    TenantAuthenticator no_admin("", &tenants_);
    r.authorization = "Bearer ";
    no_admin.authenticate(r);
    EXPECT_EQ(r.caller, Caller::Anonymous);
}

} // namespace
} // namespace kansoku::web
