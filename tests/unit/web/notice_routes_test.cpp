#include <gtest/gtest.h>

#include "http_client.h"
#include "share/notice/notice_token.h"
#include "store_server_fixture.h"
#include "web/notice_routes.h"

namespace kansoku::web::test {
namespace {

constexpr Timestamp kDay = 86'400'000'000;

class NoticeRoutesTest : public StoreServerTest {
protected:
    void SetUp() override {
        StoreServerTest::SetUp();
        addHost("198.51.100.7", "mirai", {"honeypot.login"});
        addHost("192.0.2.44", "gafgyt-other-family", {"darknet.scan"});
        Router router;
        addNoticeRoutes(router, *store_, *store_, [this] { return now_; });
        start(std::move(router));
    }
    void addHost(std::string_view address, std::string family, std::vector<std::string> types) {
        store::InfectedHostRecord host;
        host.ip = *IpAddress::parse(address);
        host.family = std::move(family);
        for (auto& type : types) {
            host.evidence.push_back({std::move(type), now_, "sensor-secret-name", "session-1"});
        }
        host.first_seen = now_ - kDay;
        host.last_seen = now_;
        ASSERT_TRUE(store_->upsertInfectedHost(host, now_));
    }
    std::string issue(std::string_view address, Duration ttl = Duration::fromDays(30)) {
        auto issued = share::notice::issueNotice(*store_, *IpAddress::parse(address), now_, {ttl, false});
        EXPECT_TRUE(issued) << issued.error().message;
        return issued ? issued->path : std::string();
    }
    RawResponse get(const std::string& target, const std::string& headers = "") {
        auto response = fetch(port(), "GET", target, headers);
        EXPECT_TRUE(response);
        return response ? *response : RawResponse{};
    }

    Timestamp now_ = 1'796'000'000'000'000;
};

void expectSafeHeaders(const RawResponse& r) {
    EXPECT_EQ(r.header("content-type"), "text/html; charset=utf-8");
    EXPECT_TRUE(r.header("content-security-policy").starts_with("default-src 'none'; style-src 'sha256-"));
    EXPECT_EQ(r.header("x-content-type-options"), "nosniff");
    EXPECT_EQ(r.header("referrer-policy"), "no-referrer");
    EXPECT_EQ(r.header("cache-control"), "no-store");
}

TEST_F(NoticeRoutesTest, ShowsTheHostOfTheTokenAndNoOther) {
    const std::string path = issue("198.51.100.7");
    issue("192.0.2.44");
    const auto r = get(path);
    EXPECT_EQ(r.status, 200u);
    expectSafeHeaders(r);
    EXPECT_EQ(r.header("content-language"), "en");
    EXPECT_NE(r.body.find("198.51.100.7"), std::string::npos);
    EXPECT_NE(r.body.find("mirai"), std::string::npos);
    EXPECT_EQ(r.body.find("192.0.2.44"), std::string::npos);
    EXPECT_EQ(r.body.find("gafgyt"), std::string::npos);
    EXPECT_EQ(r.body.find("sensor-secret-name"), std::string::npos);
    EXPECT_EQ(r.body.find("session-1"), std::string::npos);
}

TEST_F(NoticeRoutesTest, LanguageFromQueryThenAcceptLanguageThenTheIsp) {
    const std::string path = issue("198.51.100.7");
    EXPECT_EQ(get(path + "?lang=ja").header("content-language"), "ja");
    EXPECT_EQ(get(path + "?lang=xx", "Accept-Language: ja-JP,ja;q=0.9\r\n").header("content-language"), "ja");
    EXPECT_EQ(get(path + "?lang=en", "Accept-Language: ja\r\n").header("content-language"), "en");
    EXPECT_EQ(get(path).header("content-language"), "en");
    store::IspRecord isp;
    isp.name = "isp-ja";
    isp.key_hash = std::string(64, 'a');
    isp.abuse = "abuse@isp.example";
    isp.lang = "ja";
    isp.scope.prefixes.push_back(*Prefix::parse("198.51.100.0/24"));
    ASSERT_TRUE(store_->addIsp(isp));
    const auto r = get(path);
    EXPECT_EQ(r.header("content-language"), "ja");
    EXPECT_NE(r.body.find("<html lang=\"ja\">"), std::string::npos);
    EXPECT_EQ(r.body.find("isp-ja"), std::string::npos) << "the ISP's name is not shown";
}

TEST_F(NoticeRoutesTest, UnknownMalformedAndExpiredLinksGetTheSameNotFound) {
    const std::string path = issue("198.51.100.7", Duration::fromDays(1));
    const auto unknown = get("/notice/" + std::string(32, 'A'));
    const auto malformed = get("/notice/%27%20OR%201=1--");
    const auto short_token = get("/notice/abc");
    now_ += 2 * kDay;
    const auto expired = get(path);
    for (const auto* r : {&unknown, &malformed, &short_token, &expired}) {
        EXPECT_EQ(r->status, 404u);
        expectSafeHeaders(*r);
        EXPECT_EQ(r->body, unknown.body);
        EXPECT_EQ(r->header("content-length"), unknown.header("content-length"));
    }
    EXPECT_NE(unknown.body.find("invalid or has expired"), std::string::npos);
    EXPECT_EQ(expired.body.find("198.51.100.7"), std::string::npos);
    EXPECT_NE(get("/notice/" + std::string(32, 'A') + "?lang=ja").body.find("無効"), std::string::npos);
}

TEST_F(NoticeRoutesTest, HeadAndOtherMethods) {
    const std::string path = issue("198.51.100.7");
    auto head = fetch(port(), "HEAD", path);
    ASSERT_TRUE(head);
    EXPECT_EQ(head->status, 200u);
    auto post = fetch(port(), "POST", path);
    ASSERT_TRUE(post);
    EXPECT_EQ(post->status, 405u);
}

} // namespace
} // namespace kansoku::web::test
