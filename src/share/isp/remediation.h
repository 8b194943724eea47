#pragma once

/// The closed loop in figures (issue 11 item 7): per ISP, in total and per malware family, how
/// many infected hosts there are, how many the ISP notified, cleaned, disputed or called false
/// positives, how many came back (re-infection, marked by IntelStore::upsertInfectedHost), and how
/// fast: time to notify (first_seen -> notified_at) and time to clean (notified_at ->
/// remediated_at), median and 90th percentile. `kansoku report remediation` and
/// GET /api/v1/isp/remediation both print this.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "common/result.h"
#include "store/intel_store.h"
#include "store/isp_record.h"

namespace kansoku::share::isp {

/// Median and 90th percentile (nearest rank) of durations in seconds; unset without samples.
struct DurationFigures {
    int64_t count = 0;
    std::optional<double> median_s;
    std::optional<double> p90_s;
};

struct RemediationFigures {
    int64_t hosts = 0;
    int64_t notified = 0;       ///< ever notified (notified_at set)
    int64_t remediated = 0;     ///< ever reported clean (remediated_at set)
    int64_t disputed = 0;       ///< in state disputed now
    int64_t false_positive = 0; ///< in state false_positive now
    int64_t reinfected = 0;     ///< seen again after being reported clean, at least once
    DurationFigures time_to_notify;
    DurationFigures time_to_clean;
};

struct FamilyRemediation {
    std::string family;
    RemediationFigures figures;
};

struct IspRemediation {
    std::string isp;
    RemediationFigures total;
    std::vector<FamilyRemediation> families; ///< by family name
};

/// The figures of `hosts` (one ISP's), in total and per family.
IspRemediation remediationOf(std::string isp, const std::vector<store::InfectedHostRecord>& hosts);

/// The figures of each ISP in `isps`, reading its hosts (its AddressScope) from `store`.
Result<std::vector<IspRemediation>> computeRemediation(store::IntelStore& store,
                                                       const std::vector<store::IspRecord>& isps);

/// {"isps": [{"isp", "total": {...}, "families": [{"family", ...}]}]}; durations in seconds,
/// null when there is nothing to measure.
nlohmann::json remediationJson(const std::vector<IspRemediation>& report);

/// One line per ISP and per family under it, aligned, with a header (for the terminal).
std::string remediationTable(const std::vector<IspRemediation>& report);

} // namespace kansoku::share::isp
