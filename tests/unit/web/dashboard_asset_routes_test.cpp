#include <regex>
#include <string>

#include <gtest/gtest.h>

#include "http_client.h"
#include "server_fixture.h"
#include "web/dashboard_asset_routes.h"

namespace kansoku::web::test {
namespace {

std::string u32(size_t n) {
    std::string out(4, '\0');
    for (int i = 0; i < 4; ++i) {
        out[static_cast<size_t>(i)] = static_cast<char>((n >> (8 * i)) & 0xff);
    }
    return out;
}

std::string entry(const std::string& path, const std::string& body) {
    return u32(path.size()) + path + u32(body.size()) + body;
}

const std::string kIndex = "<!doctype html><script type=\"module\" src=\"/assets/index-abc.js\"></script>";
const std::string kScript = std::string("console.log(1);\0binary", 22);
const std::string kPack = "KSUI1\n" + entry("/index.html", kIndex) + entry("/assets/index-abc.js", kScript) +
                          entry("/assets/index-abc.css", "body{}") + entry("/favicon.svg", "<svg/>");

TEST(DashboardAssetsTest, ParsesAPackAndTypesItsFiles) {
    auto assets = DashboardAssets::parse(kPack);
    ASSERT_TRUE(assets) << assets.error().message;
    EXPECT_EQ(assets->size(), 4u);
    ASSERT_NE(assets->find("/assets/index-abc.js"), nullptr);
    EXPECT_EQ(assets->find("/assets/index-abc.js")->body, kScript); // bytes kept, NUL included
    EXPECT_EQ(assets->find("/assets/index-abc.js")->content_type, "text/javascript; charset=utf-8");
    EXPECT_EQ(assets->find("/index.html")->content_type, "text/html; charset=utf-8");
    EXPECT_EQ(assets->find("/favicon.svg")->content_type, "image/svg+xml");
    EXPECT_EQ(assets->find("/nope"), nullptr);
    EXPECT_EQ(contentTypeFor("/x.css"), "text/css; charset=utf-8");
    EXPECT_EQ(contentTypeFor("/x"), "application/octet-stream");
    EXPECT_EQ(contentTypeFor("js"), "application/octet-stream");
}

TEST(DashboardAssetsTest, RefusesBadPacks) {
    EXPECT_FALSE(DashboardAssets::parse("KSUI2\n"));
    EXPECT_FALSE(DashboardAssets::parse(kPack.substr(0, kPack.size() - 1)));
    EXPECT_FALSE(DashboardAssets::parse("KSUI1\n" + entry("relative.js", "x")));
    auto empty = DashboardAssets::parse("KSUI1\n");
    ASSERT_TRUE(empty);
    EXPECT_TRUE(empty->empty());
}

TEST(DashboardAssetsTest, TheEmbeddedPackIsWholeWhenTheBuildHadNode) {
    const DashboardAssets& assets = DashboardAssets::embedded();
    if (assets.empty()) {
        GTEST_SKIP() << "built without the dashboard (no node)";
    }
    const DashboardAsset* index = assets.find("/index.html");
    ASSERT_NE(index, nullptr);
    const std::string html(index->body);
    EXPECT_EQ(html.find("<script>"), std::string::npos) << "an inline script would break the CSP";
    const std::regex reference("(?:src|href)=\"(/assets/[^\"]+)\"");
    int found = 0;
    for (auto it = std::sregex_iterator(html.begin(), html.end(), reference); it != std::sregex_iterator(); ++it) {
        EXPECT_NE(assets.find((*it)[1].str()), nullptr) << (*it)[1].str();
        ++found;
    }
    EXPECT_GE(found, 2) << "the page names its script and style sheet";
}

class DashboardAssetRoutesTest : public ServerTest {
protected:
    void serve(const DashboardAssets& assets) {
        Router router;
        addDashboardAssetRoutes(router, assets);
        start(std::move(router));
    }
    RawResponse get(const std::string& target) {
        auto response = fetch(port(), "GET", target);
        EXPECT_TRUE(response);
        return response ? *response : RawResponse{};
    }
};

TEST_F(DashboardAssetRoutesTest, ServesThePageAndAssetsWithTypesCachingAndCsp) {
    auto assets = DashboardAssets::parse(kPack);
    ASSERT_TRUE(assets);
    serve(*assets);
    for (const std::string target : {"/", "/?lang=ja", "/index.html"}) {
        const auto page = get(target);
        EXPECT_EQ(page.status, 200u) << target;
        EXPECT_EQ(page.body, kIndex);
        EXPECT_EQ(page.header("content-type"), "text/html; charset=utf-8");
        EXPECT_EQ(page.header("cache-control"), "no-cache");
        const std::string csp = page.header("content-security-policy");
        EXPECT_NE(csp.find("script-src 'self';"), std::string::npos) << csp;
        EXPECT_EQ(csp.find("unsafe-eval"), std::string::npos);
        EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos);
        EXPECT_EQ(page.header("x-content-type-options"), "nosniff");
    }
    const auto script = get("/assets/index-abc.js");
    EXPECT_EQ(script.status, 200u);
    EXPECT_EQ(script.body, kScript);
    EXPECT_EQ(script.header("content-type"), "text/javascript; charset=utf-8");
    EXPECT_EQ(script.header("cache-control"), "public, max-age=31536000, immutable");
    EXPECT_EQ(get("/assets/index-abc.css").header("content-type"), "text/css; charset=utf-8");
    EXPECT_EQ(get("/favicon.svg").status, 200u);
}

TEST_F(DashboardAssetRoutesTest, UnknownFilesAndTraversalAre404) {
    auto assets = DashboardAssets::parse(kPack);
    ASSERT_TRUE(assets);
    serve(*assets);
    for (const std::string target :
         {"/assets/nope.js", "/assets/..%2Findex.html", "/assets/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd", "/assets/",
          "/assets/a/b.js", "/etc/passwd"}) {
        const auto r = get(target);
        EXPECT_EQ(r.status, 404u) << target;
        EXPECT_EQ(r.body.find("console.log"), std::string::npos) << target;
    }
    EXPECT_EQ(get("/index.html").status, 200u);
}

TEST_F(DashboardAssetRoutesTest, WithoutADashboardThePageSaysSo) {
    auto empty = DashboardAssets::parse("KSUI1\n");
    ASSERT_TRUE(empty);
    serve(*empty);
    const auto page = get("/");
    EXPECT_EQ(page.status, 200u);
    EXPECT_NE(page.body.find("built without the dashboard"), std::string::npos);
    EXPECT_EQ(page.body.find("<script"), std::string::npos);
    EXPECT_EQ(get("/assets/index.js").status, 404u);
    EXPECT_EQ(get("/favicon.svg").status, 404u);
}

} // namespace
} // namespace kansoku::web::test
