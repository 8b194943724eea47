#include "intel/enrichment_data.h"

#include <utility>

namespace kansoku::intel {

Result<EnrichmentData> EnrichmentData::load(const EnrichmentOptions& options) {
    const auto start = std::chrono::steady_clock::now();
    auto asn = AsnTable::load(options.asn_v4_csv, options.asn_v6_csv);
    if (!asn) {
        return fail(std::move(asn).error());
    }
    auto country = CountryTable::load(options.country_mmdb);
    if (!country) {
        return fail(std::move(country).error());
    }
    EnrichmentData data;
    data.asn_ = std::move(*asn);
    data.country_ = std::move(*country);
    data.options_ = options;
    data.load_time_ = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    return data;
}

} // namespace kansoku::intel
