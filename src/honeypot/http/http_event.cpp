#include "honeypot/http/http_event.h"

#include <algorithm>
#include <utility>

#include "common/attacker_text.h"
#include "honeypot/event/honeypot_event.h"

namespace kansoku::honeypot::http {

namespace {

constexpr size_t kMaxPathBytes = 4096;
constexpr size_t kMaxHeaderNameBytes = 256;

/// Header (name, value) bytes in order, capped, repeated names joined with ", ".
std::vector<std::pair<std::string, std::string>> cappedHeaders(const HttpRequestRecord& request,
                                                               const HttpEventLimits& limits) {
    std::vector<std::pair<std::string, std::string>> headers;
    for (const auto& h : request.headers) {
        std::string name(utf8Prefix(h.name, kMaxHeaderNameBytes));
        std::string_view value = utf8Prefix(h.value, limits.max_header_value_bytes);
        auto same =
            std::find_if(headers.begin(), headers.end(), [&](const auto& entry) { return entry.first == name; });
        if (same != headers.end()) {
            same->second =
                std::string(utf8Prefix(same->second + ", " + std::string(value), limits.max_header_value_bytes));
            continue;
        }
        if (headers.size() >= limits.max_headers) {
            break;
        }
        headers.emplace_back(std::move(name), std::string(value));
    }
    return headers;
}

} // namespace

Event makeHttpRequestEvent(const HttpEventSession& session, const HttpRequestRecord& request,
                           const std::vector<RuleMatch>& matches, const std::vector<ExtractedUrl>& urls,
                           std::string sensor, Timestamp ts, const HttpEventLimits& limits) {
    Event event = makeHoneypotEvent("honeypot.http_request",
                                    {session.id, "http", session.src, session.src_port, session.dst_port},
                                    std::move(sensor), ts, 18);
    addAttackerText(event, "method", request.method);
    addAttackerText(event, "path", utf8Prefix(request.path, kMaxPathBytes));
    addAttackerText(event, "version", request.version);
    nlohmann::ordered_json fields = nlohmann::ordered_json::object();
    setAttackerTextMap(fields, "headers", cappedHeaders(request, limits));
    for (auto& [key, value] : fields.items()) {
        event.add(key, std::move(value));
    }
    addAttackerText(event, "body", utf8Prefix(request.body, limits.max_body_bytes));
    event.add("body_bytes", request.body_bytes);
    event.add("malformed", request.malformed);
    event.add("reason", request.reason);
    nlohmann::ordered_json rules = nlohmann::ordered_json::array();
    for (const auto& m : matches) {
        rules.push_back(m.id);
    }
    event.add("rules", std::move(rules));
    nlohmann::ordered_json url_list = nlohmann::ordered_json::array();
    for (const auto& u : urls) {
        nlohmann::ordered_json item = nlohmann::ordered_json::object();
        setAttackerText(item, "url", u.url);
        item["tool"] = u.tool;
        url_list.push_back(std::move(item));
    }
    event.add("urls", std::move(url_list));
    return event;
}

} // namespace kansoku::honeypot::http
