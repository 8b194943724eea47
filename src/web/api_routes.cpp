#include "web/api_routes.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "web/prometheus_text.h"
#include "web/sensor_links.h"

namespace kansoku::web {
namespace {} // namespace

std::string prometheusText(const ProcessStatus& s, const ServerMetrics& m, const MetricsExtras& extras) {
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
    e.single("kansoku_events_queued", "gauge", "Events waiting in the event bus now.",
             static_cast<double>(s.events_queued));
    e.single("kansoku_events_queued_max", "gauge", "The most events the event bus held at once.",
             static_cast<double>(s.events_max_queued));
    e.single("kansoku_store_commits_total", "counter", "Store write transactions committed.",
             static_cast<double>(s.store_commits));
    e.single("kansoku_store_commit_seconds_total", "counter",
             "Time spent writing and committing store transactions (divide by commits: write latency).",
             s.store_commit_seconds);
    e.single("kansoku_store_commit_seconds_max", "gauge", "The slowest store transaction so far.",
             s.store_commit_seconds_max);
    if (extras.stream != nullptr) {
        const auto& st = *extras.stream;
        e.single("kansoku_web_stream_clients", "gauge", "Clients of /api/v1/stream connected now.", load(st.clients));
        e.single("kansoku_web_stream_connected_total", "counter", "Clients of /api/v1/stream since start.",
                 load(st.connected));
        e.single("kansoku_web_stream_events_total", "counter", "Events queued to stream clients.", load(st.sent));
        e.single("kansoku_web_stream_dropped_total", "counter",
                 "Stream clients disconnected because they fell behind (queue full).", load(st.dropped));
    }
    addSensorLinkMetrics(e, s, nowMicros());
    std::string text = e.take();
    if (extras.events != nullptr) {
        extras.events->render(text);
    }
    return text;
}

void addApiRoutes(Router& router, const StatusProvider& status, const ServerMetrics& metrics, MetricsExtras extras) {
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
    router.get("/api/v1/sensors", Caller::Anonymous,
               [&status](const Request&) { return jsonResponse(200, sensorLinksJson(status.status(), nowMicros())); });
    router.get("/metrics", Caller::Anonymous, [&status, &metrics, extras](const Request&) {
        Response response;
        response.content_type = "text/plain; version=0.0.4; charset=utf-8";
        response.body = prometheusText(status.status(), metrics, extras);
        return response;
    });
}

} // namespace kansoku::web
