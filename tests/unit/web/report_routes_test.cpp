#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "store/sqlite_store.h"
#include "support/temp_store.h"
#include "web/report_routes.h"

namespace kansoku::web {
namespace {

class ReportRoutesTest : public ::testing::Test {
protected:
    void SetUp() override {
        store_ = kansoku::testing::openTempStore(dir_);
        ASSERT_NE(store_, nullptr);
        a_ = add("isp-a", "csv", "timestamp,ip\r\n2024-05-01 12:00:00,192.0.2.1\r\n");
        b_ = add("isp-b", "xarf", "[{\"source_identifier\": \"192.0.2.200\"}]\n");
        store_->addDelivery({a_, 0, 1, "abuse@isp-a.example", "failed", "timeout"});
        store_->addDelivery({a_, 0, 2, "abuse@isp-a.example", "sent", "250"});
        addReportRoutes(router_, *store_);
    }
    int64_t add(std::string isp, std::string format, std::string body) {
        store::ReportRecord r;
        r.isp = std::move(isp);
        r.format = std::move(format);
        r.name = r.isp + "." + r.format;
        r.body = std::move(body);
        r.hosts = 1;
        return *store_->addReport(r);
    }
    Response get(std::string target, Caller caller, std::string tenant = {}) {
        Request request;
        request.method = "GET";
        request.target = target;
        const auto q = target.find('?');
        request.path = target.substr(0, q);
        request.query = q == std::string::npos ? "" : target.substr(q + 1);
        request.caller = caller;
        request.tenant = std::move(tenant);
        const auto match = router_.find("GET", request.path, request.params);
        EXPECT_NE(match.route, nullptr) << target;
        EXPECT_LE(match.route->access, caller);
        return match.route->handler(request);
    }
    std::vector<int64_t> listed(const Response& response) {
        std::vector<int64_t> ids;
        const auto body = nlohmann::json::parse(response.body);
        for (const auto& r : body["reports"]) {
            ids.push_back(r["id"].get<int64_t>());
        }
        return ids;
    }
    kansoku::testing::TempDir dir_;
    std::unique_ptr<store::SqliteStore> store_;
    Router router_;
    int64_t a_ = 0;
    int64_t b_ = 0;
};

TEST_F(ReportRoutesTest, ATenantListsOnlyItsOwnReports) {
    const auto a = get("/api/v1/isp/reports", Caller::Tenant, "isp-a");
    EXPECT_EQ(a.status, 200);
    EXPECT_EQ(listed(a), std::vector<int64_t>{a_});
    const auto summary = nlohmann::json::parse(a.body)["reports"][0]["delivery"];
    EXPECT_EQ(summary["outcome"], "sent");
    EXPECT_EQ(summary["attempts"], 2);
    EXPECT_EQ(listed(get("/api/v1/isp/reports", Caller::Tenant, "isp-b")), std::vector<int64_t>{b_});
    // A tenant cannot widen its view with ?isp=.
    EXPECT_EQ(listed(get("/api/v1/isp/reports?isp=isp-b", Caller::Tenant, "isp-a")), std::vector<int64_t>{a_});
    EXPECT_EQ(get("/api/v1/isp/reports", Caller::Tenant, "").status, 403);
}

TEST_F(ReportRoutesTest, TheAdminListsEveryIspAndMayFilter) {
    EXPECT_EQ(listed(get("/api/v1/isp/reports", Caller::Admin)), (std::vector<int64_t>{b_, a_}));
    EXPECT_EQ(listed(get("/api/v1/isp/reports?isp=isp-a", Caller::Admin)), std::vector<int64_t>{a_});
    EXPECT_EQ(listed(get("/api/v1/isp/reports?limit=1", Caller::Admin)), std::vector<int64_t>{b_});
    EXPECT_EQ(get("/api/v1/isp/reports?limit=0", Caller::Admin).status, 400);
    EXPECT_EQ(get("/api/v1/isp/reports?limit=x", Caller::Admin).status, 400);
    EXPECT_EQ(get("/api/v1/isp/reports?limit=1001", Caller::Admin).status, 400);
}

TEST_F(ReportRoutesTest, DownloadsWithTheFormatsContentType) {
    const auto csv = get("/api/v1/isp/reports/" + std::to_string(a_), Caller::Tenant, "isp-a");
    EXPECT_EQ(csv.status, 200);
    EXPECT_EQ(csv.content_type, "text/csv; charset=utf-8");
    EXPECT_EQ(csv.body, "timestamp,ip\r\n2024-05-01 12:00:00,192.0.2.1\r\n");
    ASSERT_FALSE(csv.headers.empty());
    EXPECT_EQ(csv.headers.front().first, "Content-Disposition");
    EXPECT_EQ(csv.headers.front().second, "attachment; filename=\"isp-a.csv\"");
    const auto xarf = get("/api/v1/isp/reports/" + std::to_string(b_), Caller::Admin);
    EXPECT_EQ(xarf.status, 200);
    EXPECT_EQ(xarf.content_type, "application/json");
}

TEST_F(ReportRoutesTest, AnotherTenantsReportIsAMissingOne) {
    const auto other = get("/api/v1/isp/reports/" + std::to_string(b_), Caller::Tenant, "isp-a");
    const auto missing = get("/api/v1/isp/reports/999", Caller::Tenant, "isp-a");
    EXPECT_EQ(other.status, 404);
    EXPECT_EQ(other.body, missing.body); // nothing tells them apart
    EXPECT_EQ(other.body.find("isp-b"), std::string::npos);
    EXPECT_EQ(get("/api/v1/isp/reports/abc", Caller::Admin).status, 404);
    EXPECT_EQ(get("/api/v1/isp/reports/-1", Caller::Admin).status, 404);
}

} // namespace
} // namespace kansoku::web
