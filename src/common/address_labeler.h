#pragma once

/// Names the list an address belongs to (e.g. a MISP warning list of research scanners). Producers
/// low in the stack (the darknet scan tracker) label through this interface; the lists themselves
/// are loaded by a component above them (intel), so dependencies keep pointing down.

#include <optional>
#include <string_view>

#include "common/ip_address.h"

namespace kansoku {

class AddressLabeler {
public:
    virtual ~AddressLabeler() = default;
    /// The id of the list `address` is on, or nullopt. The view stays valid as long as the labeler.
    virtual std::optional<std::string_view> label(const IpAddress& address) const = 0;
};

} // namespace kansoku
