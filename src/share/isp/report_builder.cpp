#include "share/isp/report_builder.h"

#include <fmt/format.h>

#include "share/isp/csv_report.h"

namespace kansoku::share::isp {
namespace {

/// "2024-05-01T12:00:00.000000Z" -> "20240501T120000Z".
std::string compactTime(Timestamp ts) {
    std::string out;
    for (const char c : formatRfc3339(ts).substr(0, 19)) {
        if (c != '-' && c != ':') {
            out += c;
        }
    }
    return out + "Z";
}

std::string safeName(std::string_view text) {
    std::string out;
    for (const char c : text) {
        const char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
        const bool keep = (lower >= 'a' && lower <= 'z') || (lower >= '0' && lower <= '9') || lower == '.' ||
                          lower == '_' || lower == '-';
        out += keep ? lower : '_';
    }
    return out.empty() || out.front() == '.' ? "_" + out : out;
}

constexpr std::string_view kXarfSuffix = ".xarf.json";

/// The file of one host's X-ARF document.
MailAttachment xarfFile(std::string_view base, const nlohmann::ordered_json& report) {
    return {fmt::format("{}-{}{}", base, safeName(report.value("source_identifier", "")), kXarfSuffix),
            "application/json", report.dump(2) + "\n"};
}

store::ReportRecord recordFor(const store::IspRecord& isp, const ReportPeriod& period, Timestamp created,
                              std::string format, std::string name, std::string body, size_t hosts) {
    store::ReportRecord record;
    record.isp = isp.name;
    record.created = created;
    record.since = period.since;
    record.until = period.until;
    record.format = std::move(format);
    record.name = std::move(name);
    record.body = std::move(body);
    record.hosts = static_cast<int64_t>(hosts);
    return record;
}

} // namespace

Result<std::vector<store::InfectedHostRecord>> hostsInScope(store::IntelStore& intel, const store::IspRecord& isp,
                                                            const ReportPeriod& period) {
    if (isp.scope.empty()) {
        return std::vector<store::InfectedHostRecord>{};
    }
    store::HostQuery query;
    query.scope = isp.scope;
    query.seen_since = period.since;
    auto hosts = intel.infectedHosts(query);
    KANSOKU_TRY(hosts);
    std::vector<store::InfectedHostRecord> inside;
    for (auto& host : *hosts) {
        // The store answered by scope already; a host outside it must never reach another ISP.
        if (isp.scope.contains(host.ip, host.asn)) {
            inside.push_back(std::move(host));
        }
    }
    return inside;
}

std::string reportBaseName(const store::IspRecord& isp, const ReportPeriod& period) {
    return fmt::format("kansoku-{}-{}", safeName(isp.name), compactTime(period.until));
}

BuiltReport buildCsvReport(const store::IspRecord& isp, const ReportPeriod& period,
                           const std::vector<store::InfectedHostRecord>& hosts, Timestamp created) {
    std::vector<ReportRow> rows;
    rows.reserve(hosts.size());
    for (const auto& host : hosts) {
        rows.push_back(reportRow(host));
    }
    const std::string name = reportBaseName(isp, period) + ".csv";
    return rebuiltReport(recordFor(isp, period, created, "csv", name, csvReport(rows), rows.size()));
}

BuiltReport buildXarfReport(const store::IspRecord& isp, const ReportPeriod& period,
                            const std::vector<store::InfectedHostRecord>& hosts, const XarfReporter& reporter,
                            Timestamp created) {
    const std::string base = reportBaseName(isp, period);
    auto all = nlohmann::ordered_json::array();
    std::vector<MailAttachment> files;
    for (const auto& host : hosts) {
        const auto report = xarfReport(host, reportRow(host), reporter, randomUuidV4());
        files.push_back(xarfFile(base, report));
        all.push_back(report);
    }
    BuiltReport built{
        recordFor(isp, period, created, "xarf", base + std::string(kXarfSuffix), all.dump(2) + "\n", hosts.size()),
        std::move(files)};
    return built;
}

BuiltReport rebuiltReport(store::ReportRecord record) {
    BuiltReport built{std::move(record), {}};
    const auto& r = built.record;
    if (r.format == "csv") {
        built.files.push_back({r.name, reportContentType("csv"), r.body});
        return built;
    }
    const std::string_view base = std::string_view(r.name).substr(
        0, r.name.ends_with(kXarfSuffix) ? r.name.size() - kXarfSuffix.size() : r.name.size());
    const auto all = nlohmann::ordered_json::parse(r.body, nullptr, false);
    if (all.is_array()) {
        for (const auto& report : all) {
            built.files.push_back(xarfFile(base, report));
        }
    }
    return built;
}

std::string reportContentType(std::string_view format) {
    return format == "csv" ? "text/csv; charset=utf-8" : "application/json";
}

} // namespace kansoku::share::isp
