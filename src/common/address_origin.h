#pragma once

/// Where an address is announced and registered: its AS (number and name) and country. Components
/// low in the stack or beside intel (the web server's dashboard API) ask through this interface; the
/// data behind it is loaded by intel (intel::Enricher), so dependencies keep pointing down.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/ip_address.h"
#include "common/prefix.h"

namespace kansoku {

struct AddressOrigin {
    uint32_t asn = 0;    ///< 0: no AS known
    std::string as_name; ///< empty when asn is 0
    std::string country; ///< ISO 3166-1 alpha-2, empty when unknown
};

class AddressOrigins {
public:
    virtual ~AddressOrigins() = default;
    /// Safe to call from several threads at once.
    virtual AddressOrigin origin(const IpAddress& address) const = 0;
    /// The reverse: the prefixes `asn` announces (IPv4 first), at most `limit`; `complete` is false
    /// when that cut them short. None when the data does not know the AS. Safe from several threads.
    virtual std::vector<Prefix> announced(uint32_t asn, std::size_t limit, bool& complete) const = 0;
};

} // namespace kansoku
