#pragma once

/// The fewest CIDR prefixes that together cover exactly an address range [first, last]: how a
/// range from a registry's data (an AS's announced block, "1.1.1.0-1.1.2.127") becomes prefixes.

#include <vector>

#include "common/ip_address.h"
#include "common/prefix.h"

namespace kansoku {

/// Appends the prefixes covering [first, last] to `out`, ascending; nothing when `last` < `first`
/// or the two are of different families. At most 2 x 128 prefixes (2 x 32 for IPv4).
void appendCoveringPrefixes(const IpAddress& first, const IpAddress& last, std::vector<Prefix>& out);

} // namespace kansoku
