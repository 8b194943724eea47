#pragma once

/// An ISP tenant as the store keeps it (tables `isps`, `isp_networks`; migration 0002).

#include <cstdint>
#include <string>
#include <vector>

#include "common/address_scope.h"
#include "common/time.h"

namespace kansoku::store {

struct IspRecord {
    std::string name;
    std::string key_hash; ///< SHA-256 of the API key, lowercase hex; the key itself is never stored
    std::string abuse;    ///< where reports are mailed
    std::string lang = "en";
    AddressScope scope; ///< its prefixes and ASNs
    Timestamp created = 0;
    Timestamp key_rotated = 0;
};

} // namespace kansoku::store
