#pragma once

/// IP address -> AS number, AS name and country for the rest of kansoku (infected-host records,
/// ISP reports), over data that can be replaced while lookups run.
///
/// The current EnrichmentData is held in an atomic shared_ptr: a lookup takes a reference to
/// whatever copy is current and uses it to the end, so a reload never pulls data from under a
/// reader. reload() reads the files into a new copy and swaps it in only when every file loaded and
/// checked; on any error the old copy stays current and the error is returned. Threads that do
/// many lookups take snapshot() once and look up in it (no atomic operation per address).

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "common/address_origin.h"
#include "common/ip_address.h"
#include "common/result.h"
#include "intel/enrichment_data.h"
#include "intel/enrichment_options.h"

namespace kansoku::intel {

/// What the data says about one address, owning its strings.
using Enrichment = AddressOrigin;

class Enricher final : public AddressOrigins {
public:
    /// Knows no address until reload() succeeds.
    explicit Enricher(EnrichmentOptions options);

    /// An enricher with the data loaded, or the load error.
    static Result<std::unique_ptr<Enricher>> open(EnrichmentOptions options);

    /// Reads the files again (a newer copy installed by `scripts/setup`) and, when all of them load,
    /// makes the new data current. On error the current data is kept. Reloads are serialised;
    /// lookups continue meanwhile.
    Result<std::shared_ptr<const EnrichmentData>> reload();

    /// The current data (never null; empty before the first successful load).
    std::shared_ptr<const EnrichmentData> snapshot() const { return current_.load(std::memory_order_acquire); }

    Enrichment lookup(const IpAddress& address) const;
    AddressOrigin origin(const IpAddress& address) const override { return lookup(address); }
    std::vector<Prefix> announced(uint32_t asn, std::size_t limit, bool& complete) const override;

    const EnrichmentOptions& options() const { return options_; }

private:
    EnrichmentOptions options_;
    std::atomic<std::shared_ptr<const EnrichmentData>> current_;
    std::mutex reload_mutex_;
};

} // namespace kansoku::intel
