#include "web/router.h"

#include <algorithm>

namespace kansoku::web {
namespace {

std::vector<std::string_view> segments(std::string_view path) {
    std::vector<std::string_view> parts;
    size_t start = 0;
    while (start <= path.size()) {
        const size_t slash = path.find('/', start);
        const size_t end = slash == std::string_view::npos ? path.size() : slash;
        parts.push_back(path.substr(start, end - start));
        if (slash == std::string_view::npos) {
            break;
        }
        start = slash + 1;
    }
    return parts;
}

bool matches(std::string_view pattern, std::string_view path, std::map<std::string, std::string, std::less<>>& params) {
    const auto want = segments(pattern);
    const auto have = segments(path);
    if (want.size() != have.size()) {
        return false;
    }
    std::map<std::string, std::string, std::less<>> found;
    for (size_t i = 0; i < want.size(); ++i) {
        const auto w = want[i];
        if (w.size() >= 2 && w.front() == '{' && w.back() == '}') {
            if (have[i].empty()) {
                return false;
            }
            found.emplace(std::string(w.substr(1, w.size() - 2)), std::string(have[i]));
        } else if (w != have[i]) {
            return false;
        }
    }
    params = std::move(found);
    return true;
}

} // namespace

Router& Router::add(Route route) {
    routes_.push_back(std::move(route));
    return *this;
}

Router& Router::errorsUnder(std::string prefix, ErrorRenderer renderer) {
    error_renderers_.emplace_back(std::move(prefix), std::move(renderer));
    return *this;
}

Response Router::error(std::string_view path, unsigned status, std::string_view message) const {
    for (const auto& [prefix, renderer] : error_renderers_) {
        if (path.starts_with(prefix)) {
            return renderer(status, message);
        }
    }
    return errorResponse(status, message);
}

Router& Router::get(std::string pattern, Caller access, Handler handler) {
    return add({"GET", std::move(pattern), access, std::move(handler)});
}

Router::Match Router::find(std::string_view method, std::string_view path,
                           std::map<std::string, std::string, std::less<>>& params) const {
    const std::string_view wanted = method == "HEAD" ? "GET" : method;
    std::vector<std::string> allowed;
    Match match;
    for (const auto& route : routes_) {
        std::map<std::string, std::string, std::less<>> found;
        if (!matches(route.pattern, path, found)) {
            continue;
        }
        if (route.method == wanted) {
            params = std::move(found);
            match.route = &route;
            return match;
        }
        allowed.push_back(route.method);
        if (route.method == "GET") {
            allowed.emplace_back("HEAD");
        }
    }
    std::sort(allowed.begin(), allowed.end());
    allowed.erase(std::unique(allowed.begin(), allowed.end()), allowed.end());
    for (const auto& m : allowed) {
        match.allow += (match.allow.empty() ? "" : ", ") + m;
    }
    return match;
}

} // namespace kansoku::web
