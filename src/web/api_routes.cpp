#include "web/api_routes.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace kansoku::web {
namespace {

/// A label value escaped as the text format requires (backslash, double quote, newline).
std::string labelValue(std::string_view value) {
    std::string out;
    for (const char c : value) {
        if (c == '\\' || c == '"') {
            out += '\\';
            out += c;
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out;
}

class Exposition {
public:
    void family(std::string_view name, std::string_view type, std::string_view help) {
        text_ += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
    }
    void sample(std::string_view name, std::string_view labels, double value) {
        text_ +=
            labels.empty() ? fmt::format("{} {}\n", name, value) : fmt::format("{}{{{}}} {}\n", name, labels, value);
    }
    void single(std::string_view name, std::string_view type, std::string_view help, double value) {
        family(name, type, help);
        sample(name, "", value);
    }
    std::string take() { return std::move(text_); }

private:
    std::string text_;
};

} // namespace

std::string prometheusText(const ProcessStatus& s, const ServerMetrics& m) {
    const auto load = [](const std::atomic<uint64_t>& v) { return static_cast<double>(v.load()); };
    Exposition e;
    e.family("kansoku_build_info", "gauge", "The running version.");
    e.sample("kansoku_build_info",
             fmt::format("version=\"{}\",sensor=\"{}\"", labelValue(s.version), labelValue(s.sensor)), 1);
    e.single("kansoku_uptime_seconds", "gauge", "Seconds since the process started.", s.uptime_seconds);
    e.single("kansoku_events_published_total", "counter", "Events accepted by the event bus.",
             static_cast<double>(s.events_published));
    e.single("kansoku_events_dropped_total", "counter", "Events refused by the event bus (full or stopped).",
             static_cast<double>(s.events_dropped));
    e.family("kansoku_consumer_delivered_total", "counter", "Events delivered to each consumer.");
    for (const auto& c : s.consumers) {
        e.sample("kansoku_consumer_delivered_total", fmt::format("consumer=\"{}\"", labelValue(c.name)),
                 static_cast<double>(c.delivered));
    }
    e.family("kansoku_consumer_errors_total", "counter", "Failed deliveries and flushes of each consumer.");
    for (const auto& c : s.consumers) {
        e.sample("kansoku_consumer_errors_total", fmt::format("consumer=\"{}\"", labelValue(c.name)),
                 static_cast<double>(c.errors));
    }
    e.family("kansoku_http_responses_total", "counter", "HTTP responses sent, by status class.");
    for (unsigned cls = 1; cls <= 5; ++cls) {
        e.sample("kansoku_http_responses_total", fmt::format("code=\"{}xx\"", cls), load(m.responses_by_class[cls]));
    }
    e.single("kansoku_http_connections_accepted_total", "counter", "TCP connections accepted.",
             load(m.connections_accepted));
    e.single("kansoku_http_connections_open", "gauge", "Connections open now.", load(m.connections_open));
    e.family("kansoku_http_connections_refused_total", "counter", "Connections refused over a limit.");
    e.sample("kansoku_http_connections_refused_total", "limit=\"total\"", load(m.connections_refused_total));
    e.sample("kansoku_http_connections_refused_total", "limit=\"per_client\"", load(m.connections_refused_per_client));
    e.family("kansoku_http_timeouts_total", "counter", "Connections closed by a timeout.");
    e.sample("kansoku_http_timeouts_total", "kind=\"idle\"", load(m.idle_timeouts));
    e.sample("kansoku_http_timeouts_total", "kind=\"request\"", load(m.request_timeouts));
    e.single("kansoku_http_tls_handshake_failures_total", "counter", "TLS handshakes that failed or timed out.",
             load(m.tls_handshake_failures));
    e.single("kansoku_http_access_log_dropped_total", "counter", "Access log lines dropped (writer behind).",
             load(m.access_log_dropped));
    return e.take();
}

void addApiRoutes(Router& router, const StatusProvider& status, const ServerMetrics& metrics) {
    router.get("/api/v1/status", Caller::Anonymous, [&status](const Request&) {
        const auto s = status.status();
        auto consumers = nlohmann::json::array();
        for (const auto& c : s.consumers) {
            consumers.push_back({{"name", c.name}, {"delivered", c.delivered}, {"errors", c.errors}});
        }
        return jsonResponse(200, {{"version", s.version},
                                  {"sensor", s.sensor},
                                  {"uptime_seconds", s.uptime_seconds},
                                  {"events", {{"published", s.events_published}, {"dropped", s.events_dropped}}},
                                  {"consumers", consumers}});
    });
    router.get("/metrics", Caller::Anonymous, [&status, &metrics](const Request&) {
        Response response;
        response.content_type = "text/plain; version=0.0.4; charset=utf-8";
        response.body = prometheusText(status.status(), metrics);
        return response;
    });
}

} // namespace kansoku::web
