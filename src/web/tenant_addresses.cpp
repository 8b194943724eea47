#include "web/tenant_addresses.h"

#include <spdlog/spdlog.h>

namespace kansoku::web {
namespace {

/// Tenants kept at most; past this the cache starts over (a guard: tenants are few).
constexpr std::size_t kMaxCached = 4096;

} // namespace

std::shared_ptr<const AddressScope> TenantAddresses::expand(const std::string& tenant,
                                                            const std::shared_ptr<const AddressScope>& scope) {
    if (!scope || scope->asns.empty() || origins_ == nullptr) {
        return scope;
    }
    if (auto it = cache_.find(tenant); it != cache_.end() && it->second.declared == scope) {
        return it->second.addresses;
    }
    auto addresses = std::make_shared<AddressScope>(*scope);
    bool complete = true;
    for (const uint32_t asn : scope->asns) {
        const std::size_t room = kMaxAnnounced - (addresses->prefixes.size() - scope->prefixes.size());
        bool all = true;
        const auto announced = origins_->announced(asn, room, all);
        addresses->prefixes.insert(addresses->prefixes.end(), announced.begin(), announced.end());
        complete = complete && all;
    }
    if (!complete) {
        spdlog::warn("ISP {}: its ASNs announce more than {} prefixes; its dashboard shows the events of the first {}",
                     tenant, kMaxAnnounced, kMaxAnnounced);
    }
    if (cache_.size() >= kMaxCached) {
        cache_.clear();
    }
    cache_[tenant] = Expanded{scope, addresses};
    return addresses;
}

} // namespace kansoku::web
