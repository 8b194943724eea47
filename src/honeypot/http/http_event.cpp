#include "honeypot/http/http_event.h"

#include "honeypot/http/http_decode.h"

namespace kansoku::honeypot::http {

Event makeHttpRequestEvent(const HttpEventSession& session, const HttpRequestRecord& request,
                           const std::vector<RuleMatch>& matches, const std::vector<ExtractedUrl>& urls,
                           std::string sensor, Timestamp ts, const HttpEventLimits& limits) {
    Event event;
    event.type = "honeypot.http_request";
    event.ts = ts;
    event.sensor = std::move(sensor);
    event.reserveFields(18);
    event.add("session", std::string(session.id));
    event.add("src", std::string(session.src));
    event.add("src_port", session.src_port);
    event.add("dst_port", session.dst_port);
    event.add("protocol", "http");
    event.add("method", toValidUtf8(request.method));
    event.add("path", toValidUtf8(request.path.size() > 4096 ? request.path.substr(0, 4096) : request.path));
    event.add("version", toValidUtf8(request.version));
    nlohmann::ordered_json headers = nlohmann::ordered_json::object();
    size_t count = 0;
    for (const auto& h : request.headers) {
        std::string name = toValidUtf8(h.name.substr(0, 256));
        std::string value = toValidUtf8(h.value.substr(0, limits.max_header_value_bytes));
        auto it = headers.find(name);
        if (it != headers.end()) {
            std::string joined = it->get<std::string>() + ", " + value;
            *it = toValidUtf8(std::string_view(joined).substr(0, limits.max_header_value_bytes));
            continue;
        }
        if (count++ >= limits.max_headers) {
            break;
        }
        headers[name] = value;
    }
    event.add("headers", std::move(headers));
    std::string_view body = std::string_view(request.body).substr(0, limits.max_body_bytes);
    if (isValidUtf8(body)) {
        event.add("body", std::string(body));
        event.add("body_encoding", "utf-8");
    } else {
        event.add("body", base64Encode(body));
        event.add("body_encoding", "base64");
    }
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
        url_list.push_back({{"url", toValidUtf8(u.url)}, {"tool", u.tool}});
    }
    event.add("urls", std::move(url_list));
    return event;
}

} // namespace kansoku::honeypot::http
