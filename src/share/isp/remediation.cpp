#include "share/isp/remediation.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace kansoku::share::isp {
namespace {

using store::HostState;

/// Collects the durations of one group before they are summarised.
struct Accumulator {
    RemediationFigures figures;
    std::vector<double> to_notify;
    std::vector<double> to_clean;

    void add(const store::InfectedHostRecord& host) {
        ++figures.hosts;
        if (host.notified_at) {
            ++figures.notified;
            to_notify.push_back(static_cast<double>(std::max<Timestamp>(0, *host.notified_at - host.first_seen)) /
                                kMicrosPerSecond);
        }
        if (host.remediated_at) {
            ++figures.remediated;
            if (host.notified_at) {
                to_clean.push_back(
                    static_cast<double>(std::max<Timestamp>(0, *host.remediated_at - *host.notified_at)) /
                    kMicrosPerSecond);
            }
        }
        figures.disputed += host.state == HostState::Disputed ? 1 : 0;
        figures.false_positive += host.state == HostState::FalsePositive ? 1 : 0;
        figures.reinfected += host.reinfections > 0 ? 1 : 0;
    }

    RemediationFigures finish() {
        figures.time_to_notify = summarise(to_notify);
        figures.time_to_clean = summarise(to_clean);
        return figures;
    }

    /// Nearest-rank percentiles: the smallest value with at least p% of the values at or below it.
    static DurationFigures summarise(std::vector<double>& values) {
        DurationFigures out;
        out.count = static_cast<int64_t>(values.size());
        if (values.empty()) {
            return out;
        }
        std::sort(values.begin(), values.end());
        const auto rank = [&](double p) {
            const auto n = static_cast<size_t>(std::ceil(p * static_cast<double>(values.size())));
            return values[std::max<size_t>(n, 1) - 1];
        };
        out.median_s = rank(0.5);
        out.p90_s = rank(0.9);
        return out;
    }
};

nlohmann::json durationJson(const DurationFigures& d) {
    return {{"count", d.count},
            {"median_s", d.median_s ? nlohmann::json(*d.median_s) : nlohmann::json(nullptr)},
            {"p90_s", d.p90_s ? nlohmann::json(*d.p90_s) : nlohmann::json(nullptr)}};
}

nlohmann::json figuresJson(const RemediationFigures& f) {
    return {{"hosts", f.hosts},
            {"notified", f.notified},
            {"remediated", f.remediated},
            {"disputed", f.disputed},
            {"false_positive", f.false_positive},
            {"reinfected", f.reinfected},
            {"time_to_notify", durationJson(f.time_to_notify)},
            {"time_to_clean", durationJson(f.time_to_clean)}};
}

/// "3d 4h", "2h 5m", "40s"; "-" when unset.
std::string humanDuration(const std::optional<double>& seconds) {
    if (!seconds) {
        return "-";
    }
    const auto s = static_cast<int64_t>(std::llround(*seconds));
    if (s >= 86400) {
        return fmt::format("{}d {}h", s / 86400, s % 86400 / 3600);
    }
    if (s >= 3600) {
        return fmt::format("{}h {}m", s / 3600, s % 3600 / 60);
    }
    if (s >= 60) {
        return fmt::format("{}m {}s", s / 60, s % 60);
    }
    return fmt::format("{}s", s);
}

std::string tableRow(const std::string& isp, const std::string& family, const RemediationFigures& f) {
    return fmt::format("{:<16} {:<14} {:>7} {:>8} {:>10} {:>8} {:>6} {:>10} {:>10} {:>10} {:>10} {:>10}\n", isp, family,
                       f.hosts, f.notified, f.remediated, f.disputed, f.false_positive, f.reinfected,
                       humanDuration(f.time_to_notify.median_s), humanDuration(f.time_to_notify.p90_s),
                       humanDuration(f.time_to_clean.median_s), humanDuration(f.time_to_clean.p90_s));
}

} // namespace

IspRemediation remediationOf(std::string isp, const std::vector<store::InfectedHostRecord>& hosts) {
    Accumulator total;
    std::map<std::string, Accumulator> families;
    for (const auto& host : hosts) {
        total.add(host);
        families[host.family].add(host);
    }
    IspRemediation out{std::move(isp), total.finish(), {}};
    for (auto& [family, accumulator] : families) {
        out.families.push_back({family, accumulator.finish()});
    }
    return out;
}

Result<std::vector<IspRemediation>> computeRemediation(store::IntelStore& store,
                                                       const std::vector<store::IspRecord>& isps) {
    std::vector<IspRemediation> report;
    for (const auto& isp : isps) {
        store::HostQuery query;
        query.scope = isp.scope;
        query.evidence = false;
        auto hosts = store.infectedHosts(query);
        KANSOKU_TRY(hosts);
        report.push_back(remediationOf(isp.name, *hosts));
    }
    return report;
}

nlohmann::json remediationJson(const std::vector<IspRemediation>& report) {
    auto isps = nlohmann::json::array();
    for (const auto& isp : report) {
        auto families = nlohmann::json::array();
        for (const auto& family : isp.families) {
            auto row = figuresJson(family.figures);
            row["family"] = family.family;
            families.push_back(std::move(row));
        }
        isps.push_back({{"isp", isp.isp}, {"total", figuresJson(isp.total)}, {"families", std::move(families)}});
    }
    return {{"isps", std::move(isps)}};
}

std::string remediationTable(const std::vector<IspRemediation>& report) {
    std::string out = fmt::format("{:<16} {:<14} {:>7} {:>8} {:>10} {:>8} {:>6} {:>10} {:>10} {:>10} {:>10} {:>10}\n",
                                  "isp", "family", "hosts", "notified", "remediated", "disputed", "fp", "reinfected",
                                  "ttn_med", "ttn_p90", "ttc_med", "ttc_p90");
    for (const auto& isp : report) {
        out += tableRow(isp.isp, "(all)", isp.total);
        for (const auto& family : isp.families) {
            out += tableRow("", family.family, family.figures);
        }
    }
    return out;
}

} // namespace kansoku::share::isp
