#pragma once

/// One loaded copy of the enrichment data: the AS table and the country table, read from the files
/// an EnrichmentOptions names. Immutable once built, so any number of threads may look up in it;
/// Enricher swaps whole copies on reload.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/ip_address.h"
#include "common/result.h"
#include "intel/asn_table.h"
#include "intel/country_table.h"
#include "intel/enrichment_options.h"

namespace kansoku::intel {

/// What the data says about one address. Views into the EnrichmentData it came from.
struct EnrichmentView {
    uint32_t asn = 0;         ///< 0: no AS known
    std::string_view as_name; ///< empty when asn is 0
    std::string_view country; ///< ISO 3166-1 alpha-2 ("US"), empty when unknown
};

class EnrichmentData {
public:
    EnrichmentData() = default; ///< knows no address

    /// Loads and checks all three files; the first problem is the error (one line naming the file).
    static Result<EnrichmentData> load(const EnrichmentOptions& options);

    EnrichmentView lookup(const IpAddress& address) const {
        if (address.isV4()) {
            const uint32_t v4 = address.v4();
            const AsInfo as = asn_.lookupV4(v4);
            return {as.asn, as.name, country_.lookupV4(v4)};
        }
        const Uint128 key = addressKey(address);
        const AsInfo as = asn_.lookupV6(key);
        return {as.asn, as.name, country_.lookupV6(key)};
    }

    const AsnTable& asn() const { return asn_; }
    const CountryTable& country() const { return country_; }
    /// The files it was loaded from (default-constructed: the defaults, nothing loaded).
    const EnrichmentOptions& options() const { return options_; }
    /// Wall time the load took (zero when nothing was loaded).
    std::chrono::milliseconds loadTime() const { return load_time_; }
    bool empty() const { return asn_.rowCount() == 0 && country_.nodeCount() == 0; }

private:
    AsnTable asn_;
    CountryTable country_;
    EnrichmentOptions options_;
    std::chrono::milliseconds load_time_{0};
};

} // namespace kansoku::intel
