#include <gtest/gtest.h>

#include "http_client.h"
#include "store_server_fixture.h"
#include "web/blocklist_routes.h"

namespace kansoku::web::test {
namespace {

constexpr Timestamp kNow = 1'796'000'000'000'000;

class BlocklistRoutesTest : public StoreServerTest {
protected:
    void SetUp() override {
        StoreServerTest::SetUp();
        for (const char* address : {"198.51.100.7", "192.0.2.44"}) {
            store::InfectedHostRecord host;
            host.ip = *IpAddress::parse(address);
            host.first_seen = host.last_seen = kNow;
            ASSERT_TRUE(store_->upsertInfectedHost(host, kNow));
        }
        store::C2Record c2{"domain", "cnc.example.com", 0, "mirai", {}, {}, kNow, kNow};
        ASSERT_TRUE(store_->upsertC2(c2));
        store::IspRecord isp;
        isp.name = "isp-a";
        isp.key_hash = std::string(64, 'a');
        isp.abuse = "abuse@a.example";
        isp.scope.prefixes.push_back(*Prefix::parse("192.0.2.0/24"));
        ASSERT_TRUE(store_->addIsp(isp));
        addBlocklistRoutes(router_, *store_, {}, [] { return kNow; });
        isp_a_scope_ = std::make_shared<const AddressScope>(isp.scope);
    }
    Response call(const std::string& path, Caller caller, std::string tenant = "",
                  std::shared_ptr<const AddressScope> scope = nullptr) {
        Request request;
        request.method = "GET";
        request.path = path;
        request.caller = caller;
        request.tenant = std::move(tenant);
        request.scope = std::move(scope);
        const auto match = router_.find("GET", path, request.params);
        EXPECT_NE(match.route, nullptr) << path;
        EXPECT_EQ(match.route->access, Caller::Tenant);
        return match.route->handler(request);
    }
    Router router_;
    std::shared_ptr<const AddressScope> isp_a_scope_;
};

TEST_F(BlocklistRoutesTest, AdminGetsEverythingInEachFormat) {
    const auto txt = call("/api/v1/blocklist.txt", Caller::Admin);
    EXPECT_EQ(txt.status, 200u);
    EXPECT_EQ(txt.content_type, "text/plain; charset=utf-8");
    for (const char* indicator : {"\n198.51.100.7\n", "\n192.0.2.44\n", "\ncnc.example.com\n"}) {
        EXPECT_NE(txt.body.find(indicator), std::string::npos) << indicator;
    }
    const auto csv = call("/api/v1/blocklist.csv", Caller::Admin);
    EXPECT_TRUE(csv.content_type.starts_with("text/csv"));
    EXPECT_TRUE(csv.body.starts_with("indicator,type,reason,family,first_seen,last_seen,expires\r\n"));
    const auto rpz = call("/api/v1/blocklist.rpz", Caller::Admin);
    EXPECT_EQ(rpz.content_type, "text/dns");
    EXPECT_NE(rpz.body.find("\n32.7.100.51.198.rpz-ip CNAME .\n"), std::string::npos);
}

TEST_F(BlocklistRoutesTest, ATenantGetsC2AndOnlyItsOwnHosts) {
    const auto txt = call("/api/v1/blocklist.txt", Caller::Tenant, "isp-a", isp_a_scope_);
    EXPECT_EQ(txt.status, 200u);
    EXPECT_NE(txt.body.find("\n192.0.2.44\n"), std::string::npos);
    EXPECT_NE(txt.body.find("\ncnc.example.com\n"), std::string::npos);
    EXPECT_EQ(txt.body.find("198.51.100.7"), std::string::npos);
    EXPECT_EQ(call("/api/v1/blocklist.rpz", Caller::Tenant, "gone").status, 403u);
}

TEST_F(BlocklistRoutesTest, WithoutAKeyTheServerAnswers401) {
    start(std::move(router_));
    for (const char* path : {"/api/v1/blocklist.txt", "/api/v1/blocklist.csv", "/api/v1/blocklist.rpz"}) {
        auto anonymous = fetch(port(), "GET", path);
        ASSERT_TRUE(anonymous);
        EXPECT_EQ(anonymous->status, 401u) << path;
        EXPECT_EQ(anonymous->body.find("cnc.example.com"), std::string::npos);
        auto wrong = fetch(port(), "GET", path, "Authorization: Bearer wrong\r\n");
        ASSERT_TRUE(wrong);
        EXPECT_EQ(wrong->status, 401u);
        auto admin = fetch(port(), "GET", path, "Authorization: Bearer admin-key\r\n");
        ASSERT_TRUE(admin);
        EXPECT_EQ(admin->status, 200u);
        EXPECT_EQ(admin->header("cache-control"), "no-store");
    }
}

} // namespace
} // namespace kansoku::web::test
