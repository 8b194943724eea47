// The ISP API (web/isp_routes.h) through the real server and WebService: two tenants with
// disjoint space, every endpoint with every status code it gives, nothing of one tenant visible
// to the other, and changes made by another connection (as `kansoku isp` and correlation make
// them) seen by the next request.

#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "http_client.h"
#include "server_fixture.h"
#include "share/isp/isp_registry.h"
#include "store/sqlite_store.h"
#include "support/temp_dir.h"
#include "web/tenant_authenticator.h"
#include "web/web_service.h"

namespace kansoku::web::test {
namespace {

using nlohmann::json;

constexpr Timestamp kHour = 3'600'000'000;

class IspApiTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto opened = store::SqliteStore::open(dir_.file("k.db"), store::OpenMode::ReadWriteCreate);
        ASSERT_TRUE(opened) << opened.error().message;
        store_ = std::move(*opened);
        share::isp::IspRegistry registry(*store_);
        auto a = registry.add({"isp-a", {"198.51.100.0/25"}, {64500}, "abuse@a.example", "ja"}, now_);
        auto b = registry.add({"isp-b", {"198.51.100.128/25", "2001:db8::/32"}, {}, "abuse@b.example", "en"}, now_);
        ASSERT_TRUE(a && b);
        key_a_ = *a;
        key_b_ = *b;
        for (const auto* ip :
             {"198.51.100.7", "198.51.100.20", "198.51.100.30", "198.51.100.200", "2001:db8::5", "192.0.2.5"}) {
            addHost(ip, std::nullopt, now_ - kHour);
        }
        addHost("203.0.113.9", 64500, now_ - 30 * kHour); // A's by its AS, seen long ago
        WebConfig config;
        config.port = 0;
        config.access_log = "";
        config.admin_key = "admin-key";
        config.max_body = ByteSize::fromKiB(4);
        auto service = WebService::start(config, status_, dir_.file("k.db"));
        ASSERT_TRUE(service) << service.error().message;
        service_ = std::move(*service);
    }

    void addHost(const std::string& ip, std::optional<uint32_t> asn, Timestamp seen) {
        store::InfectedHostRecord host;
        host.ip = *IpAddress::parse(ip);
        host.asn = asn;
        host.family = ip == "198.51.100.30" ? "gafgyt" : "mirai";
        host.confidence = 80;
        host.reasons = {"darknet probes carry the mirai fingerprint"};
        host.evidence = {{"darknet.scan", seen, "tokyo-1", "tcp/23"}};
        host.first_seen = seen;
        host.last_seen = seen;
        ASSERT_TRUE(store_->upsertInfectedHost(host, now_));
    }

    static std::string bearer(const std::string& key) { return "Authorization: Bearer " + key + "\r\n"; }

    RawResponse get(const std::string& target, const std::string& key) {
        auto response = fetch(service_->port(), "GET", target, key.empty() ? "" : bearer(key));
        EXPECT_TRUE(response) << target;
        return response.value_or(RawResponse{});
    }

    RawResponse post(const std::string& target, const std::string& key, const std::string& body) {
        RawClient client(service_->port());
        EXPECT_TRUE(client.send("POST " + target + " HTTP/1.1\r\nHost: localhost\r\n" + bearer(key) +
                                "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                                "\r\n\r\n" + body));
        auto response = client.read();
        EXPECT_TRUE(response) << target;
        return response.value_or(RawResponse{});
    }

    /// The addresses of a host list.
    std::vector<std::string> addresses(const RawResponse& response) {
        std::vector<std::string> out;
        const auto body = json::parse(response.body);
        for (const auto& host : body.at("hosts")) {
            out.push_back(host.at("ip"));
        }
        return out;
    }

    std::string message(const RawResponse& response) { return json::parse(response.body).at("error").at("message"); }

    static constexpr const char* kFeedback = "/api/v1/isp/hosts/198.51.100.7/feedback";

    testing::TempDir dir_;
    Timestamp now_ = nowMicros();
    std::unique_ptr<store::SqliteStore> store_; ///< another connection, as the CLI and correlation have
    FixedStatus status_;
    std::unique_ptr<WebService> service_;
    std::string key_a_;
    std::string key_b_;
};

TEST_F(IspApiTest, MissingOrWrongKeysAre401OnEveryEndpoint) {
    for (const std::string& key :
         std::vector<std::string>{"", "wrong", "ksk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", key_a_ + "x"}) {
        for (const auto* target : {"/api/v1/isp/hosts", "/api/v1/isp/hosts/198.51.100.7", "/api/v1/isp/remediation"}) {
            const auto response = get(target, key);
            EXPECT_EQ(response.status, 401u) << target << " key '" << key << "'";
            EXPECT_EQ(response.header("www-authenticate"), "Bearer realm=\"kansoku\"");
        }
        EXPECT_EQ(post(kFeedback, key, R"({"state": "notified"})").status, 401u);
    }
    EXPECT_EQ(store_->infectedHost(*IpAddress::parse("198.51.100.7"))->value().state, store::HostState::New);
}

TEST_F(IspApiTest, EachTenantSeesOnlyItsSpaceAndTheAdminSeesAll) {
    using V = std::vector<std::string>;
    EXPECT_EQ(addresses(get("/api/v1/isp/hosts", key_a_)),
              (V{"198.51.100.7", "198.51.100.20", "198.51.100.30", "203.0.113.9"}));
    EXPECT_EQ(addresses(get("/api/v1/isp/hosts", key_b_)), (V{"198.51.100.200", "2001:db8::5"}));
    EXPECT_EQ(addresses(get("/api/v1/isp/hosts", "admin-key")).size(), 7u);
    EXPECT_EQ(addresses(get("/api/v1/isp/hosts?isp=isp-b", "admin-key")), (V{"198.51.100.200", "2001:db8::5"}));
    EXPECT_EQ(addresses(get("/api/v1/isp/hosts?isp=isp-a", key_a_)).size(), 4u); // its own name is fine
    EXPECT_EQ(get("/api/v1/isp/hosts?isp=isp-b", key_a_).status, 403u);          // admin-only parameter
    EXPECT_EQ(get("/api/v1/isp/remediation?isp=isp-a", key_b_).status, 403u);
    EXPECT_EQ(get("/api/v1/isp/hosts?isp=nope", "admin-key").status, 404u);
    EXPECT_EQ(get("/api/v1/isp/remediation?isp=nope", "admin-key").status, 404u);
    const auto host = json::parse(get("/api/v1/isp/hosts?family=gafgyt", key_a_).body).at("hosts").at(0);
    EXPECT_EQ(host.at("ip"), "198.51.100.30");
    EXPECT_EQ(host.at("state"), "new");
    EXPECT_EQ(host.at("family"), "gafgyt");
    EXPECT_TRUE(host.at("notice").is_null());
    EXPECT_FALSE(host.contains("evidence"));
    EXPECT_EQ(addresses(get("/api/v1/isp/hosts?since=24h", key_a_)).size(), 3u);
    EXPECT_EQ(addresses(get("/api/v1/isp/hosts?since=2000-01-01T00:00:00Z", key_a_)).size(), 4u);
}

TEST_F(IspApiTest, PagesWithAnOpaqueCursorAndRejectsBadParameters) {
    auto first = get("/api/v1/isp/hosts?limit=3", key_a_);
    ASSERT_EQ(first.status, 200u);
    const auto body = json::parse(first.body);
    EXPECT_EQ(body.at("count"), 3);
    const std::string next = body.at("next");
    const auto second = get("/api/v1/isp/hosts?limit=3&next=" + next, key_a_);
    EXPECT_EQ(addresses(second), (std::vector<std::string>{"203.0.113.9"}));
    EXPECT_TRUE(json::parse(second.body).at("next").is_null());
    EXPECT_TRUE(json::parse(get("/api/v1/isp/hosts?limit=4", key_a_).body).at("next").is_null());
    for (const auto* bad : {"limit=0", "limit=1001", "limit=ten", "limit=-1", "limit=5x", "next=zz", "next=00",
                            "since=yesterday", "family=", "colour=red", "limit=1&limit=2", "since=%zz"}) {
        const auto response = get(std::string("/api/v1/isp/hosts?") + bad, key_a_);
        EXPECT_EQ(response.status, 400u) << bad;
        EXPECT_FALSE(message(response).empty());
    }
    EXPECT_EQ(get("/api/v1/isp/hosts?limit=1000", key_a_).status, 200u);
}

TEST_F(IspApiTest, AnotherTenantsHostIsTheSame404AsNoHost) {
    const auto own = get("/api/v1/isp/hosts/198.51.100.7", key_a_);
    ASSERT_EQ(own.status, 200u);
    const auto host = json::parse(own.body);
    EXPECT_EQ(host.at("evidence").at(0).at("ref"), "tcp/23");
    EXPECT_EQ(get("/api/v1/isp/hosts/203.0.113.9", key_a_).status, 200u); // by AS
    const auto theirs = get("/api/v1/isp/hosts/198.51.100.200", key_a_);
    const auto none = get("/api/v1/isp/hosts/198.51.100.201", key_a_);
    EXPECT_EQ(theirs.status, 404u);
    EXPECT_EQ(none.status, 404u);
    auto masked = theirs.body;
    masked.replace(masked.find("198.51.100.200"), 14, "198.51.100.201");
    EXPECT_EQ(masked, none.body);
    EXPECT_EQ(theirs.body.find("isp-b"), std::string::npos);
    EXPECT_EQ(get("/api/v1/isp/hosts/192.0.2.5", key_b_).status, 404u); // in nobody's space
    EXPECT_EQ(get("/api/v1/isp/hosts/192.0.2.5", "admin-key").status, 200u);
    EXPECT_EQ(get("/api/v1/isp/hosts/not-an-ip", key_a_).status, 400u);
}

TEST_F(IspApiTest, FeedbackMovesTheStateOnlyInsideTheTenantsSpace) {
    auto notified = post(kFeedback, key_a_, R"({"state": "notified", "note": "mailed the subscriber"})");
    ASSERT_EQ(notified.status, 200u) << notified.body;
    EXPECT_EQ(json::parse(notified.body).at("state"), "notified");
    auto remediated = post(kFeedback, key_a_, R"({"state": "remediated"})");
    ASSERT_EQ(remediated.status, 200u);
    const auto host = json::parse(remediated.body);
    EXPECT_EQ(host.at("state"), "remediated");
    EXPECT_FALSE(host.at("notified_at").is_null());
    EXPECT_FALSE(host.at("remediated_at").is_null());
    const auto statements = store_->feedback(std::string("isp-a"));
    ASSERT_TRUE(statements);
    ASSERT_EQ(statements->size(), 2u);
    EXPECT_EQ((*statements)[0].note, "mailed the subscriber");

    // Another tenant's host, and hosts outside every space: refused, nothing changes.
    const auto theirs = post("/api/v1/isp/hosts/198.51.100.200/feedback", key_a_, R"({"state": "remediated"})");
    EXPECT_EQ(theirs.status, 404u);
    EXPECT_EQ(post("/api/v1/isp/hosts/192.0.2.5/feedback", key_a_, R"({"state": "disputed"})").status, 404u);
    EXPECT_EQ(post("/api/v1/isp/hosts/198.51.100.99/feedback", key_a_, R"({"state": "disputed"})").status, 404u);
    EXPECT_EQ(store_->infectedHost(*IpAddress::parse("198.51.100.200"))->value().state, store::HostState::New);
    EXPECT_EQ(store_->infectedHost(*IpAddress::parse("192.0.2.5"))->value().state, store::HostState::New);

    for (const auto* bad : {"{", "[]", "\"notified\"", "{}", R"({"state": "cleaned"})", R"({"state": "new"})",
                            R"({"state": "reinfected"})", R"({"state": 3})", R"({"state": "notified", "note": 5})"}) {
        EXPECT_EQ(post(kFeedback, key_a_, bad).status, 400u) << bad;
    }
    const std::string note(2001, 'x');
    EXPECT_EQ(post(kFeedback, key_a_, R"({"state": "notified", "note": ")" + note + "\"}").status, 400u);
    const std::string huge(8192, ' ');
    EXPECT_EQ(post(kFeedback, key_a_, R"({"state": "notified"})" + huge).status, 413u);
    EXPECT_EQ(post("/api/v1/isp/hosts/nope/feedback", key_a_, R"({"state": "notified"})").status, 400u);
    EXPECT_EQ(store_->feedback(std::nullopt)->size(), 2u);
    // The admin may speak for any host.
    EXPECT_EQ(post("/api/v1/isp/hosts/192.0.2.5/feedback", "admin-key", R"({"state": "false_positive"})").status, 200u);
}

TEST_F(IspApiTest, RemediationFiguresFollowFeedbackAndReinfection) {
    const auto before = json::parse(get("/api/v1/isp/remediation", key_a_).body);
    EXPECT_EQ(before.at("isps").at(0).at("total").at("notified"), 0);
    ASSERT_EQ(post(kFeedback, key_a_, R"({"state": "notified"})").status, 200u);
    const auto after = json::parse(get("/api/v1/isp/remediation", key_a_).body); // not the answer kept from before
    EXPECT_EQ(after.at("isps").at(0).at("total").at("notified"), 1);
    ASSERT_EQ(post(kFeedback, key_a_, R"({"state": "remediated"})").status, 200u);
    ASSERT_EQ(post("/api/v1/isp/hosts/198.51.100.30/feedback", key_a_, R"({"state": "disputed"})").status, 200u);
    // Seen again after it was cleaned: re-infected (IntelStore::upsertInfectedHost).
    addHost("198.51.100.7", std::nullopt, nowMicros() + kHour);
    const auto response = get("/api/v1/isp/remediation", key_a_);
    ASSERT_EQ(response.status, 200u);
    const auto isps = json::parse(response.body).at("isps");
    ASSERT_EQ(isps.size(), 1u);
    EXPECT_EQ(isps[0].at("isp"), "isp-a");
    const auto total = isps[0].at("total");
    EXPECT_EQ(total.at("hosts"), 4);
    EXPECT_EQ(total.at("notified"), 1);
    EXPECT_EQ(total.at("remediated"), 1);
    EXPECT_EQ(total.at("disputed"), 1);
    EXPECT_EQ(total.at("reinfected"), 1);
    EXPECT_EQ(total.at("time_to_clean").at("count"), 1);
    EXPECT_GE(total.at("time_to_notify").at("median_s").get<double>(), 3599.0); // first seen an hour ago
    EXPECT_EQ(isps[0].at("families").size(), 2u);
    EXPECT_EQ(json::parse(get("/api/v1/isp/hosts/198.51.100.7", key_a_).body).at("state"), "reinfected");
    EXPECT_EQ(json::parse(get("/api/v1/isp/remediation", "admin-key").body).at("isps").size(), 2u);
    const auto b = json::parse(get("/api/v1/isp/remediation", key_b_).body).at("isps");
    ASSERT_EQ(b.size(), 1u);
    EXPECT_EQ(b[0].at("total").at("notified"), 0);
}

TEST_F(IspApiTest, ChangesByAnotherConnectionShowAtTheNextRequest) {
    EXPECT_EQ(addresses(get("/api/v1/isp/hosts", key_a_)).size(), 4u);
    addHost("198.51.100.8", std::nullopt, now_); // correlation, through its own connection
    EXPECT_EQ(addresses(get("/api/v1/isp/hosts", key_a_)).size(), 5u);
    ASSERT_TRUE(store_->recordFeedback(
        {"isp-a", *IpAddress::parse("198.51.100.8"), store::HostState::Notified, nowMicros(), ""}));
    EXPECT_EQ(json::parse(get("/api/v1/isp/hosts?limit=2", key_a_).body).at("hosts").at(1).at("state"), "notified");
}

TEST_F(IspApiTest, ShowsTheNoticeLinkOnlyWhileItIsValid) {
    const auto ip = *IpAddress::parse("198.51.100.20");
    ASSERT_TRUE(store_->setNoticeToken(ip, "tok-123", nowMicros() + kHour));
    auto hosts = json::parse(get("/api/v1/isp/hosts?limit=2", key_a_).body).at("hosts");
    EXPECT_EQ(hosts.at(1).at("notice"), "/notice/tok-123");
    ASSERT_TRUE(store_->setNoticeToken(ip, "tok-123", nowMicros() - 1));
    hosts = json::parse(get("/api/v1/isp/hosts?limit=2", key_a_).body).at("hosts");
    EXPECT_TRUE(hosts.at(1).at("notice").is_null());
}

TEST_F(IspApiTest, RotatedAndRemovedKeysStopWorking) {
    EXPECT_EQ(get("/api/v1/isp/hosts", key_a_).status, 200u); // now cached by the server
    EXPECT_EQ(get("/api/v1/isp/hosts", key_b_).status, 200u);
    share::isp::IspRegistry registry(*store_);
    auto rotated = registry.rotateKey("isp-a", nowMicros());
    ASSERT_TRUE(rotated);
    ASSERT_TRUE(registry.remove("isp-b"));
    // The server re-checks a cached key at most TenantAuthenticator::kDefaultRecheck after it saw it.
    std::this_thread::sleep_for(std::chrono::microseconds(TenantAuthenticator::kDefaultRecheck.micros()) +
                                std::chrono::milliseconds(100));
    EXPECT_EQ(get("/api/v1/isp/hosts", key_a_).status, 401u);
    EXPECT_EQ(get("/api/v1/isp/hosts", key_b_).status, 401u);
    EXPECT_EQ(get("/api/v1/isp/hosts", *rotated).status, 200u);
}

} // namespace
} // namespace kansoku::web::test
