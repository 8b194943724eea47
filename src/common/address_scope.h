#pragma once

/// An address space given as prefixes and autonomous system numbers: what an ISP tenant owns
/// (issue 11). An address is inside when a prefix contains it or its origin AS is listed.

#include <cstdint>
#include <optional>
#include <vector>

#include "common/ip_address.h"
#include "common/prefix.h"

namespace kansoku {

struct AddressScope {
    std::vector<Prefix> prefixes;
    std::vector<uint32_t> asns;

    /// Whether `address` (announced by `asn`, when known) is inside the scope.
    bool contains(const IpAddress& address, std::optional<uint32_t> asn) const {
        for (const auto& prefix : prefixes) {
            if (prefix.contains(address)) {
                return true;
            }
        }
        if (asn) {
            for (const uint32_t listed : asns) {
                if (listed == *asn) {
                    return true;
                }
            }
        }
        return false;
    }
    bool empty() const { return prefixes.empty() && asns.empty(); }
};

} // namespace kansoku
