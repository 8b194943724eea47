#include "web/report_routes.h"

#include <charconv>
#include <optional>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "common/time.h"
#include "share/isp/report_builder.h"

namespace kansoku::web {
namespace {

using Json = nlohmann::ordered_json;

constexpr int64_t kDefaultLimit = 100;
constexpr int64_t kMaxLimit = 1000;

std::optional<int64_t> parseNumber(std::string_view text) {
    int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
        return std::nullopt;
    }
    return value;
}

/// The value of `name` in an application/x-www-form-urlencoded query (nullopt when absent); values
/// we accept (numbers, ISP names) need no decoding, anything else fails their check.
std::optional<std::string_view> queryValue(std::string_view query, std::string_view name) {
    while (!query.empty()) {
        const auto amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        const auto eq = pair.find('=');
        if (pair.substr(0, eq) == name) {
            return eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
        }
        if (amp == std::string_view::npos) {
            break;
        }
        query.remove_prefix(amp + 1);
    }
    return std::nullopt;
}

/// Whose reports the caller may see: nullopt for the admin (all), else the tenant's name.
std::optional<std::string> visibleIsp(const Request& request) {
    if (request.caller == Caller::Admin) {
        return std::nullopt;
    }
    return request.tenant;
}

Json deliverySummary(store::ReportStore& reports, int64_t id) {
    auto deliveries = reports.deliveries(id);
    if (!deliveries || deliveries->empty()) {
        return nullptr;
    }
    const auto& last = deliveries->back();
    return {{"outcome", last.outcome},
            {"attempts", deliveries->size()},
            {"last_attempt", formatRfc3339(last.ts)},
            {"recipient", last.recipient}};
}

Response listReports(store::ReportStore& reports, const Request& request) {
    int64_t limit = kDefaultLimit;
    if (const auto text = queryValue(request.query, "limit")) {
        const auto value = parseNumber(*text);
        if (!value || *value < 1 || *value > kMaxLimit) {
            return errorResponse(400, fmt::format("limit must be a number from 1 to {}", kMaxLimit));
        }
        limit = *value;
    }
    store::ReportQuery query;
    query.limit = limit;
    query.isp = visibleIsp(request);
    if (!query.isp) {
        if (const auto isp = queryValue(request.query, "isp")) {
            query.isp = std::string(*isp);
        }
    } else if (query.isp->empty()) {
        return errorResponse(403, "no ISP for this key");
    }
    auto found = reports.reports(query);
    if (!found) {
        return errorResponse(500, "reports unavailable");
    }
    Json list = Json::array();
    for (const auto& r : *found) {
        list.push_back({{"id", r.id},
                        {"isp", r.isp},
                        {"created", formatRfc3339(r.created)},
                        {"since", formatRfc3339(r.since)},
                        {"until", formatRfc3339(r.until)},
                        {"format", r.format},
                        {"name", r.name},
                        {"hosts", r.hosts},
                        {"href", fmt::format("/api/v1/isp/reports/{}", r.id)},
                        {"delivery", deliverySummary(reports, r.id)}});
    }
    return jsonResponse(200, Json{{"reports", list}});
}

Response downloadReport(store::ReportStore& reports, const Request& request) {
    const auto id = parseNumber(request.params.at("id"));
    if (!id || *id < 1) {
        return errorResponse(404, "no such report");
    }
    auto found = reports.report(*id);
    if (!found) {
        return errorResponse(500, "reports unavailable");
    }
    const auto visible = visibleIsp(request);
    // Another tenant's report answers exactly as a missing one: nothing tells them apart.
    if (!found->has_value() || (visible && (*found)->isp != *visible)) {
        return errorResponse(404, "no such report");
    }
    Response response;
    response.status = 200;
    response.content_type = share::isp::reportContentType((*found)->format);
    // The name is ours ([a-z0-9._-], report_builder), so it needs no quoting beyond the quotes.
    response.headers.emplace_back("Content-Disposition", fmt::format("attachment; filename=\"{}\"", (*found)->name));
    response.headers.emplace_back("Cache-Control", "no-store");
    response.body = std::move((*found)->body);
    return response;
}

} // namespace

void addReportRoutes(Router& router, store::ReportStore& reports) {
    router.get("/api/v1/isp/reports", Caller::Tenant,
               [&reports](const Request& request) { return listReports(reports, request); });
    router.get("/api/v1/isp/reports/{id}", Caller::Tenant,
               [&reports](const Request& request) { return downloadReport(reports, request); });
}

} // namespace kansoku::web
