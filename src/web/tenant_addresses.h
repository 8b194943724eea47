#pragma once

/// A tenant's space as its events are filtered (issue 13): events carry an address but no AS, so an
/// ISP given by ASNs sees the events inside the prefixes those ASNs announce (AddressOrigins::
/// announced, the AS table intel loads), added to its own prefixes. Worked out once per scope the
/// authenticator hands out (it re-reads a tenant every second or so), on the server's thread.

#include <cstddef>
#include <memory>
#include <string>
#include <unordered_map>

#include "common/address_origin.h"
#include "common/address_scope.h"

namespace kansoku::web {

class TenantAddresses {
public:
    /// Announced prefixes one tenant may add; an AS table row is rarely more than a few prefixes and
    /// the largest ASes announce about 5,000 ranges.
    static constexpr std::size_t kMaxAnnounced = 16384;

    /// `origins` may be null (no AS data): a tenant's ASNs then add nothing.
    explicit TenantAddresses(const AddressOrigins* origins) : origins_(origins) {}

    /// `scope` with the prefixes its ASNs announce (the scope itself when it lists no ASN).
    std::shared_ptr<const AddressScope> expand(const std::string& tenant,
                                               const std::shared_ptr<const AddressScope>& scope);

private:
    struct Expanded {
        std::shared_ptr<const AddressScope> declared;
        std::shared_ptr<const AddressScope> addresses;
    };
    const AddressOrigins* origins_;
    std::unordered_map<std::string, Expanded> cache_; ///< by tenant; as many as there are tenants
};

} // namespace kansoku::web
