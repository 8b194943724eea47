#include "web/dashboard_asset_routes.h"

#include <map>
#include <memory>
#include <string_view>

namespace kansoku::web {
namespace {

// Hashed file names change with their content: cache them for a year. The page itself is
// revalidated each time so a new build is picked up at once.
constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";
constexpr std::string_view kRevalidate = "no-cache";
constexpr std::string_view kDay = "public, max-age=86400";

constexpr std::string_view kNotBuilt =
    "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>kansoku</title></head><body>\n"
    "<h1>kansoku</h1>\n<p>This binary was built without the dashboard (node and npm were not found at build "
    "time; <code>scripts/setup</code> installs them, then rebuild). The API is at <a "
    "href=\"/api/v1/status\">/api/v1/</a>.</p>\n</body></html>\n";

/// A file as served: its body shared by every answer (the server sends it without a copy).
struct ServedFile {
    std::string content_type;
    std::shared_ptr<const std::string> body;
};
using ServedFiles = std::map<std::string, ServedFile, std::less<>>;

Response fileResponse(const ServedFile& file, std::string_view cache_control) {
    Response response;
    response.content_type = file.content_type;
    response.shared_body = file.body;
    response.headers = {
        {"Cache-Control", std::string(cache_control)},
        {"Content-Security-Policy", dashboardContentSecurityPolicy()},
        {"X-Content-Type-Options", "nosniff"},
        {"Referrer-Policy", "no-referrer"},
        {"X-Frame-Options", "DENY"},
    };
    return response;
}

} // namespace

std::string dashboardContentSecurityPolicy() {
    // Styles may be set inline: ECharts positions its tooltip and canvas with style attributes.
    return "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
           "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
}

void addDashboardAssetRoutes(Router& router, const DashboardAssets& assets) {
    auto files = std::make_shared<ServedFiles>();
    for (const auto& [path, asset] : assets.files()) {
        files->emplace(path,
                       ServedFile{std::string(asset.content_type), std::make_shared<const std::string>(asset.body)});
    }
    if (!files->contains("/index.html")) {
        files->emplace("/index.html", ServedFile{std::string(contentTypeFor(".html")),
                                                 std::make_shared<const std::string>(kNotBuilt)});
    }
    const Handler page = [files](const Request&) { return fileResponse(files->at("/index.html"), kRevalidate); };
    router.get("/", Caller::Anonymous, page);
    router.get("/index.html", Caller::Anonymous, page);
    router.get("/assets/{file}", Caller::Anonymous, [files](const Request& request) {
        // One path segment looked up in memory: nothing here touches the file system.
        const auto it = files->find("/assets/" + request.params.at("file"));
        return it == files->end() ? errorResponse(404, "no such dashboard file") : fileResponse(it->second, kImmutable);
    });
    router.get("/favicon.svg", Caller::Anonymous, [files](const Request&) {
        const auto it = files->find("/favicon.svg");
        return it == files->end() ? errorResponse(404, "no favicon in this build") : fileResponse(it->second, kDay);
    });
}

} // namespace kansoku::web
