#include "intel/enricher.h"

#include <utility>

#include "common/prefix_cover.h"

namespace kansoku::intel {

Enricher::Enricher(EnrichmentOptions options)
    : options_(std::move(options)), current_(std::make_shared<const EnrichmentData>()) {}

Result<std::unique_ptr<Enricher>> Enricher::open(EnrichmentOptions options) {
    auto enricher = std::make_unique<Enricher>(std::move(options));
    KANSOKU_TRY(enricher->reload());
    return enricher;
}

Result<std::shared_ptr<const EnrichmentData>> Enricher::reload() {
    const std::lock_guard lock(reload_mutex_);
    auto loaded = EnrichmentData::load(options_);
    if (!loaded) {
        return fail(std::move(loaded).error());
    }
    auto data = std::make_shared<const EnrichmentData>(std::move(*loaded));
    current_.store(data, std::memory_order_release);
    return data;
}

Enrichment Enricher::lookup(const IpAddress& address) const {
    const auto data = snapshot();
    const EnrichmentView view = data->lookup(address);
    return {view.asn, std::string(view.as_name), std::string(view.country)};
}

std::vector<Prefix> Enricher::announced(uint32_t asn, std::size_t limit, bool& complete) const {
    const auto data = snapshot();
    std::vector<Prefix> prefixes;
    for (const AnnouncedRange& range : data->asn().announced(asn, limit, complete)) {
        appendCoveringPrefixes(range.first, range.last, prefixes);
        if (prefixes.size() > limit) {
            prefixes.resize(limit);
            complete = false;
            break;
        }
    }
    return prefixes;
}

} // namespace kansoku::intel
