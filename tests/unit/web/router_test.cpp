#include <chrono>
#include <regex>

#include <gtest/gtest.h>

#include "web/authenticator.h"
#include "web/http_date.h"
#include "web/router.h"

namespace kansoku::web {
namespace {

Handler answer(unsigned status) {
    return [status](const Request&) { return errorResponse(status, "x"); };
}

TEST(Router, MatchesMethodAndPatternWithParameters) {
    Router router;
    router.get("/api/v1/hosts", Caller::Anonymous, answer(200));
    router.get("/api/v1/hosts/{ip}", Caller::Tenant, answer(201));
    router.add({"POST", "/api/v1/hosts/{ip}/feedback", Caller::Tenant, answer(202)});
    std::map<std::string, std::string, std::less<>> params;
    auto m = router.find("GET", "/api/v1/hosts/192.0.2.1", params);
    ASSERT_NE(m.route, nullptr);
    EXPECT_EQ(m.route->pattern, "/api/v1/hosts/{ip}");
    EXPECT_EQ(params.at("ip"), "192.0.2.1");
    m = router.find("POST", "/api/v1/hosts/192.0.2.1/feedback", params);
    ASSERT_NE(m.route, nullptr);
    EXPECT_EQ(params.at("ip"), "192.0.2.1");
    EXPECT_NE(router.find("HEAD", "/api/v1/hosts", params).route, nullptr); // HEAD is served by GET
}

TEST(Router, TellsNotFoundFromMethodNotAllowed) {
    Router router;
    router.get("/metrics", Caller::Anonymous, answer(200));
    router.add({"POST", "/api/v1/hosts/{ip}/feedback", Caller::Tenant, answer(202)});
    std::map<std::string, std::string, std::less<>> params;
    auto m = router.find("GET", "/nothing", params);
    EXPECT_EQ(m.route, nullptr);
    EXPECT_EQ(m.allow, "");
    m = router.find("DELETE", "/metrics", params);
    EXPECT_EQ(m.route, nullptr);
    EXPECT_EQ(m.allow, "GET, HEAD");
    m = router.find("GET", "/api/v1/hosts/1.2.3.4/feedback", params);
    EXPECT_EQ(m.allow, "POST");
    EXPECT_EQ(router.find("GET", "/api/v1/hosts//feedback", params).allow, ""); // an empty {ip} is no match
    EXPECT_EQ(router.find("GET", "/metrics/", params).route, nullptr);
}

TEST(HttpDate, IsImfFixdate) {
    EXPECT_EQ(httpDate(std::chrono::system_clock::from_time_t(784111777)), "Sun, 06 Nov 1994 08:49:37 GMT");
    EXPECT_TRUE(std::regex_match(httpDate(std::chrono::system_clock::now()),
                                 std::regex(R"([A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT)")));
}

TEST(Authenticator, AdminKeyOverBearer) {
    AdminKeyAuthenticator auth("s3cret-key");
    Request r;
    auth.authenticate(r);
    EXPECT_EQ(r.caller, Caller::Anonymous);
    r.authorization = "Bearer s3cret-key";
    auth.authenticate(r);
    EXPECT_EQ(r.caller, Caller::Admin);
    r.authorization = "bearer s3cret-key";
    auth.authenticate(r);
    EXPECT_EQ(r.caller, Caller::Admin);
    for (const char* bad :
         {"Bearer s3cret-kez", "Bearer s3cret-key2", "Bearer s3cret", "Basic s3cret-key", "Bearer "}) {
        r.authorization = bad;
        auth.authenticate(r);
        EXPECT_EQ(r.caller, Caller::Anonymous) << bad;
    }
    AdminKeyAuthenticator nobody("");
    r.authorization = "Bearer ";
    nobody.authenticate(r);
    EXPECT_EQ(r.caller, Caller::Anonymous);
}

TEST(Authenticator, ConstantTimeEqual) {
    EXPECT_TRUE(constantTimeEqual("abc", "abc"));
    EXPECT_TRUE(constantTimeEqual("", ""));
    EXPECT_FALSE(constantTimeEqual("abc", "abd"));
    EXPECT_FALSE(constantTimeEqual("abc", "abcabc"));
    EXPECT_FALSE(constantTimeEqual("abc", ""));
    EXPECT_FALSE(constantTimeEqual("", "abc"));
}

} // namespace
} // namespace kansoku::web
