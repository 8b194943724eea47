// Aggregated darknet statistics as STIX: per protocol, destination port and UTC day, one
// observed-data (number_observed = probe packets) over a network-traffic observable to that port
// on the darknet; and per outbreak `alert` a report whose observed-data covers the alert's
// interval. Sources are never named: the darknet's probes are counted, not listed.
//
// The darknet itself is the ipv4-addr `darknet_address` ([sharing.stix], default 0.0.0.0/0: not
// disclosed, since a darknet whose addresses are known is avoided by scanners).

#include <tuple>

#include <fmt/format.h>

#include "share/stix/stix_producer_run.h"
#include "store/sqlite_store.h"

namespace kansoku::share::stix::detail {
namespace {

constexpr Timestamp kDay = 86'400 * kMicrosPerSecond;

struct PortDay {
    int64_t packets = 0;
    int64_t peak_sources = 0; ///< most distinct sources in one minute
    Timestamp first_minute = INT64_MAX, last_minute = 0;
};

} // namespace

/// network-traffic to `port` on the darknet between `start` and `end`; its id.
std::string ProducerRun::trafficObservable(nlohmann::ordered_json& out, const std::string& proto, int64_t port,
                                           Timestamp start, Timestamp end) {
    const std::string darknet = addressId("ipv4-addr", config_.darknet_address);
    nlohmann::ordered_json contributing = {{"start", stixTime(start)},
                                           {"end", stixTime(end)},
                                           {"dst_ref", darknet},
                                           {"dst_port", port},
                                           {"protocols", {"ipv4", proto}}};
    const std::string id = scoId("network-traffic", contributing);
    out = StixObjectBuilder::observable("network-traffic", id);
    for (auto& [key, value] : contributing.items()) {
        out[key] = value;
    }
    return id;
}

Result<void> ProducerRun::emitDarknetObservable(Timestamp stamp) {
    nlohmann::ordered_json darknet =
        StixObjectBuilder::observable("ipv4-addr", addressId("ipv4-addr", config_.darknet_address));
    appendMember(darknet, "value", config_.darknet_address);
    return emitObservable(std::move(darknet), tlps_.statistics, stamp);
}

Result<void> ProducerRun::emitPortStatistics() {
    std::map<std::tuple<std::string, int64_t, Timestamp>, PortDay> days;
    KANSOKU_TRY(scanEvents("darknet.port_stats", [&days](const nlohmann::json& body, Timestamp ts) {
        const std::string proto = bodyText(body, "proto");
        const int64_t port = body.value("port", int64_t{-1});
        if ((proto != "tcp" && proto != "udp") || port < 0 || port > 65535) {
            return;
        }
        PortDay& day = days[{proto, port, ts - ts % kDay}];
        day.packets += std::max<int64_t>(body.value("packets", int64_t{0}), 0);
        day.peak_sources = std::max(day.peak_sources, body.value("sources", int64_t{0}));
        day.first_minute = std::min(day.first_minute, ts);
        day.last_minute = std::max(day.last_minute, ts);
    }));
    const Tlp tlp = tlps_.statistics;
    for (const auto& [key, day] : days) {
        const auto& [proto, port, start] = key;
        if (day.packets <= 0) {
            continue;
        }
        KANSOKU_TRY(emitDarknetObservable(start));
        nlohmann::ordered_json traffic;
        const std::string traffic_id = trafficObservable(traffic, proto, port, start, start + kDay);
        KANSOKU_TRY(emitObservable(std::move(traffic), tlp, start));
        const Timestamp last = day.last_minute + kMicrosPerMinute;
        nlohmann::ordered_json observed = builder_.domainObject(
            "observed-data",
            builder_.ids().id("observed-data", fmt::format("observed-data|port-day|{}/{}|{}", proto, port,
                                                           stixTime(start).substr(0, 10))),
            day.first_minute, last);
        appendMember(observed, "first_observed", stixTime(day.first_minute));
        appendMember(observed, "last_observed", stixTime(last));
        appendMember(observed, "number_observed", std::clamp<int64_t>(day.packets, 1, kMaxStixCount));
        appendMember(observed, "object_refs", {traffic_id, addressId("ipv4-addr", config_.darknet_address)});
        KANSOKU_TRY(emit(std::move(observed), tlp, last));
    }
    return {};
}

Result<void> ProducerRun::emitOutbreakReports() {
    struct Alert {
        Timestamp ts;
        nlohmann::json body;
    };
    std::vector<Alert> alerts;
    KANSOKU_TRY(scanEvents("alert", [&alerts](const nlohmann::json& body, Timestamp ts) {
        if (bodyText(body, "kind") == "darknet.outbreak" && body.contains("details") && body["details"].is_object()) {
            alerts.push_back({ts, body});
        }
    }));
    const Tlp tlp = tlps_.statistics;
    for (const Alert& alert : alerts) {
        const nlohmann::json& details = alert.body["details"];
        const std::string proto = bodyText(details, "proto");
        const int64_t port = details.value("port", int64_t{-1});
        const auto start = parseRfc3339(bodyText(details, "interval_start"));
        const auto end = parseRfc3339(bodyText(details, "interval_end"));
        if ((proto != "tcp" && proto != "udp") || port < 0 || port > 65535 || !start || !end || *end <= *start) {
            continue;
        }
        const std::string subject = fmt::format("{}/{}", proto, port);
        const std::string key = fmt::format("{}|{}", subject, stixTime(*start));
        KANSOKU_TRY(emitDarknetObservable(*start));
        nlohmann::ordered_json traffic;
        const std::string traffic_id = trafficObservable(traffic, proto, port, *start, *end);
        KANSOKU_TRY(emitObservable(std::move(traffic), tlp, *start));
        const std::string observed_id = builder_.ids().id("observed-data", "observed-data|outbreak|" + key);
        nlohmann::ordered_json observed = builder_.domainObject("observed-data", observed_id, *start, *end);
        appendMember(observed, "first_observed", stixTime(*start));
        appendMember(observed, "last_observed", stixTime(*end));
        appendMember(observed, "number_observed",
                     std::clamp<int64_t>(details.value("packets", int64_t{1}), 1, kMaxStixCount));
        appendMember(observed, "object_refs", {traffic_id, addressId("ipv4-addr", config_.darknet_address)});
        KANSOKU_TRY(emit(std::move(observed), tlp, *end));

        const std::string severity = bodyText(alert.body, "severity");
        nlohmann::ordered_json report =
            builder_.domainObject("report", builder_.ids().id("report", "report|outbreak|" + key), alert.ts, alert.ts);
        report["name"] =
            fmt::format("Darknet outbreak on {}{}", subject, severity.empty() ? "" : " (" + severity + ")");
        appendMember(
            report, "description",
            fmt::format(
                "Distinct sources probing {} per minute rose above the port's baseline ({} rule): {} source-minutes "
                "and {} packets between {} and {}, baseline mean {}, ratio {}.",
                subject, bodyText(details, "rule"), details.value("source_minutes", int64_t{0}),
                details.value("packets", int64_t{0}), stixTime(*start), stixTime(*end),
                details.value("baseline_mean", 0.0), details.value("ratio", 0.0)));
        appendMember(report, "report_types", {"threat-report"});
        appendMember(report, "published", stixTime(alert.ts));
        appendMember(report, "object_refs", {observed_id});
        KANSOKU_TRY(emit(std::move(report), tlp, alert.ts));
    }
    return {};
}

} // namespace kansoku::share::stix::detail
