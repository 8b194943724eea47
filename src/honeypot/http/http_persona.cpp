#include "honeypot/http/http_persona.h"

#include <algorithm>
#include <ctime>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "common/file_reader.h"

namespace kansoku::honeypot::http {

namespace {

constexpr uint64_t kMaxHttpPersonaFileBytes = 4 << 20;

std::string_view statusText(int status) {
    switch (status) {
    case 200:
        return "OK";
    case 301:
        return "Moved Permanently";
    case 302:
        return "Found";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 500:
        return "Internal Server Error";
    default:
        return "OK";
    }
}

Result<std::vector<HttpHeader>> parseHeaders(const toml::node_view<const toml::node>& node, std::string_view where) {
    std::vector<HttpHeader> headers;
    if (!node) {
        return headers;
    }
    const toml::table* table = node.as_table();
    if (table == nullptr) {
        return fail("{} must be a table of strings", where);
    }
    for (const auto& [key, value] : *table) {
        auto text = value.value<std::string>();
        if (!text || text->find_first_of("\r\n") != std::string::npos) {
            return fail("{}.{} must be a one-line string", where, key.str());
        }
        headers.push_back(HttpHeader{std::string(key.str()), *text});
    }
    return headers;
}

Result<std::string> boundedString(const toml::node_view<const toml::node>& node, std::string_view origin,
                                  std::string_view key) {
    std::string text = node.value_or(std::string());
    if (text.size() > kMaxPersonaBodyBytes) {
        return fail("{}: {} is longer than {} bytes", origin, key, kMaxPersonaBodyBytes);
    }
    return text;
}

} // namespace

std::string formatHttpDate(Timestamp ts) {
    std::time_t seconds = static_cast<std::time_t>(ts / 1'000'000);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char buffer[64];
    size_t n = std::strftime(buffer, sizeof buffer, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return std::string(buffer, n);
}

Result<HttpPersona> HttpPersona::parse(std::string_view toml_text, std::string_view origin) {
    toml::table root;
    try {
        root = toml::parse(toml_text, std::string(origin));
    } catch (const toml::parse_error& e) {
        return fail("{}: {}", origin, std::string(e.description()));
    }
    const toml::table& croot = root;
    HttpPersona persona;
    persona.name = croot["name"].value_or(std::string());
    if (persona.name.empty()) {
        return fail("{}: name is missing", origin);
    }
    persona.server = croot["server"].value_or(std::string());
    persona.keep_alive = croot["keep_alive"].value_or(false);
    persona.realm = croot["realm"].value_or(std::string());
    auto headers = parseHeaders(croot["headers"], fmt::format("{}: headers", origin));
    if (!headers) {
        return fail(headers.error());
    }
    persona.headers = std::move(*headers);
    for (auto [key, slot] : {std::pair{"not_found_body", &persona.not_found_body},
                             std::pair{"unauthorized_body", &persona.unauthorized_body},
                             std::pair{"bad_request_body", &persona.bad_request_body}}) {
        auto text = boundedString(croot[key], origin, key);
        if (!text) {
            return fail(text.error());
        }
        *slot = std::move(*text);
    }
    const toml::array* pages = croot["page"].as_array();
    if (pages == nullptr || pages->empty()) {
        return fail("{}: needs at least one [[page]]", origin);
    }
    for (const auto& node : *pages) {
        const toml::table* t = node.as_table();
        if (t == nullptr) {
            return fail("{}: a [[page]] is not a table", origin);
        }
        const toml::table& ct = *t;
        HttpPage page;
        page.path = ct["path"].value_or(std::string());
        if (page.path.empty() || page.path.front() != '/') {
            return fail("{}: page path '{}' must start with '/'", origin, page.path);
        }
        page.prefix = ct["prefix"].value_or(false);
        page.status = static_cast<int>(ct["status"].value_or(int64_t{200}));
        if (page.status < 100 || page.status > 599) {
            return fail("{}: page {}: bad status {}", origin, page.path, page.status);
        }
        page.content_type = ct["content_type"].value_or(std::string("text/html"));
        auto body = boundedString(ct["body"], origin, "page " + page.path + " body");
        if (!body) {
            return fail(body.error());
        }
        page.body = std::move(*body);
        auto page_headers = parseHeaders(ct["headers"], fmt::format("{}: page {} headers", origin, page.path));
        if (!page_headers) {
            return fail(page_headers.error());
        }
        page.headers = std::move(*page_headers);
        persona.pages.push_back(std::move(page));
    }
    std::stable_partition(persona.pages.begin(), persona.pages.end(), [](const HttpPage& p) { return !p.prefix; });
    return persona;
}

Result<HttpPersona> HttpPersona::load(const std::string& path) {
    auto text = readFileBounded(path, kMaxHttpPersonaFileBytes);
    KANSOKU_TRY(text);
    return parse(*text, path);
}

std::string HttpPersona::respond(const HttpRequestRecord& request, bool close, Timestamp now) const {
    int status = 404;
    std::string_view content_type = "text/html";
    std::string_view body = not_found_body;
    const std::vector<HttpHeader>* page_headers = nullptr;
    bool bad = request.method.empty() || request.target.empty() ||
               (request.malformed && request.reason.find("binary_request_line") != std::string::npos);
    if (bad) {
        status = 400;
        body = bad_request_body;
    } else {
        for (const auto& page : pages) {
            bool hit = page.prefix ? request.path.rfind(page.path, 0) == 0 : request.path == page.path;
            if (hit) {
                status = page.status;
                content_type = page.content_type;
                body = page.status == 401 && page.body.empty() ? std::string_view(unauthorized_body)
                                                               : std::string_view(page.body);
                page_headers = &page.headers;
                break;
            }
        }
    }
    std::string out = fmt::format("HTTP/1.1 {} {}\r\n", status, statusText(status));
    if (!server.empty()) {
        out += fmt::format("Server: {}\r\n", server);
    }
    out += fmt::format("Date: {}\r\n", formatHttpDate(now));
    for (const auto& h : headers) {
        out += fmt::format("{}: {}\r\n", h.name, h.value);
    }
    if (page_headers != nullptr) {
        for (const auto& h : *page_headers) {
            out += fmt::format("{}: {}\r\n", h.name, h.value);
        }
    }
    if (status == 401 && !realm.empty()) {
        out += fmt::format("WWW-Authenticate: Basic realm=\"{}\"\r\n", realm);
    }
    out += fmt::format("Content-Type: {}\r\nContent-Length: {}\r\n", content_type, body.size());
    out += close ? "Connection: close\r\n\r\n" : "Connection: keep-alive\r\n\r\n";
    if (!equalsNoCase(request.method, "HEAD")) {
        out += body;
    }
    return out;
}

} // namespace kansoku::honeypot::http
